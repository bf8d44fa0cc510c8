using ResNetNotebooks.Runner;
using ResNetNotebooks.Runner.Translations;
using static ResNetNotebooks.Notebooks.Tests.Translations.TranslationFixture;

namespace ResNetNotebooks.Notebooks.Tests.Translations;

/// <summary>Reading translation files: markers, blocks, the hash of an English cell.</summary>
public sealed class TranslationFileTests
{
    [Fact]
    public void Parse_splits_the_file_into_blocks_with_id_hash_text_and_marker_line()
    {
        var text = "# test.ipynb · 中文译文\n\n" +
                   "<!-- cell: aaaa0001 · en-sha256: 0123456789abcdef -->\n# 01 · 残差块\n\n正文。\n\n" +
                   "<!-- cell: aaaa0002 · en-sha256: fedcba9876543210 -->\nTODO-EN\nSee the figure.\n";

        var file = TranslationFile.Parse(text, "test.md");

        Assert.Equal("# test.ipynb · 中文译文", file.Header);
        Assert.Equal(2, file.Blocks.Count);
        Assert.Equal(("aaaa0001", "0123456789abcdef", "# 01 · 残差块\n\n正文。", 3),
            (file.Blocks[0].CellId, file.Blocks[0].EnglishHash, file.Blocks[0].Text, file.Blocks[0].Line));
        Assert.False(file.Blocks[0].IsPlaceholder);
        Assert.Equal(("aaaa0002", 8), (file.Blocks[1].CellId, file.Blocks[1].Line));
        Assert.True(file.Blocks[1].IsPlaceholder);
        Assert.Empty(file.MalformedMarkers);
    }

    [Fact]
    public void A_marker_with_a_short_hash_is_malformed_and_not_a_block()
    {
        var file = TranslationFile.Parse("# t\n\n<!-- cell: aaaa0001 · en-sha256: 0123 -->\n正文。\n", "test.md");

        Assert.Empty(file.Blocks);
        Assert.Equal([3], file.MalformedMarkers);
    }

    [Fact]
    public void Hash_is_the_first_16_hex_digits_of_the_SHA_256_of_the_source()
    {
        // FIPS 180-2, appendix B.1: SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad.
        Assert.Equal("ba7816bf8f01cfea", EnglishCell.HashOf("abc"));
    }

    [Fact]
    public void A_cell_stored_as_a_list_of_lines_hashes_as_its_lines_joined()
    {
        var folder = Directory.CreateTempSubdirectory("resnet-tr-test-").FullName;
        var path = Path.Combine(folder, "lines.ipynb");
        System.IO.File.WriteAllText(path,
            """{"cells": [{"cell_type": "markdown", "id": "aaaa0001", "metadata": {}, "source": ["# Title\n", "\n", "Text."]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""");

        var cell = Assert.Single(EnglishCell.MarkdownCellsOf(NotebookDocument.Load(path)));

        Assert.Equal(Hash("# Title\n\nText."), cell.Hash);
    }

    [Fact]
    public void First_words_are_eight_words_without_heading_marks()
    {
        Assert.Equal("01 · The residual block Stacking more layers …",
            EnglishCell.FirstWordsOf("# 01 · The residual block\n\nStacking more layers should never make a network worse."));
    }

    [Fact]
    public void Link_targets_are_read_whole_with_titles_and_one_level_of_parentheses()
    {
        var targets = MarkdownFeatures.LinkTargets(
            "See [residual](https://en.wikipedia.org/wiki/Residual_(numerical_analysis)), ![fig](img/block.svg \"The block\") " +
            "and [`Residual.cs`](../src/ResNetNotebooks/Models/Residual.cs); $$a$$ and $$b$$.");

        Assert.Equal(["../src/ResNetNotebooks/Models/Residual.cs", "https://en.wikipedia.org/wiki/Residual_(numerical_analysis)", "img/block.svg"],
            targets.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Display_math_counts_pairs_of_double_dollars_and_Chinese_needs_an_ideograph()
    {
        Assert.Equal(2, MarkdownFeatures.DisplayMathCount("$$a$$\n\ntext $x$\n\n$$\nb\n$$"));
        Assert.True(MarkdownFeatures.HasChinese("残差块"));
        Assert.False(MarkdownFeatures.HasChinese("## Summary，。"));
    }
}
