using ResNetNotebooks.Runner.Translations;
using static ResNetNotebooks.Notebooks.Tests.Translations.TranslationFixture;

namespace ResNetNotebooks.Notebooks.Tests.Translations;

/// <summary>Refreshing the skeletons: what is kept, what becomes a placeholder, what is dropped.</summary>
public sealed class TranslationSkeletonTests
{
    private static IReadOnlyList<EnglishCell> Markdown(IEnumerable<(string Id, string CellType, string Source)> cells) =>
        cells.Where(c => c.CellType == "markdown").Select(c => new EnglishCell(c.Id, c.Source)).ToList();

    [Fact]
    public void Render_of_a_current_translation_gives_the_same_file()
    {
        var file = File(Chinese);

        Assert.Equal(file, TranslationSkeleton.Render("# test.ipynb · 中文译文", Markdown(Cells), TranslationFile.Parse(file, "test.md")));
    }

    [Fact]
    public void Render_without_a_translation_writes_every_cell_as_TODO_EN_placeholder_in_the_skeleton_format()
    {
        var text = TranslationSkeleton.Render("# test.ipynb · 中文译文", Markdown([Cells[0], Cells[3]]), null);

        // The format the skeleton script wrote: the title, then per cell a blank line, the marker, TODO-EN and the English.
        var expected = "# test.ipynb · 中文译文\n" +
                       "\n" + Marker("aaaa0001", Hash(Cells[0].Source)) + "\nTODO-EN\n" + Cells[0].Source + "\n" +
                       "\n" + Marker("aaaa0003", Hash(Cells[3].Source)) + "\nTODO-EN\n" + Cells[3].Source + "\n";
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Render_keeps_current_blocks_turns_changed_cells_into_placeholders_and_drops_removed_ones()
    {
        var previous = TranslationFile.Parse(File(Chinese), "test.md");
        var changed = (Id: "aaaa0003", CellType: "markdown", Source: "## Summary\n\nA residual block learns a residual, g(x) = f(x) − x.");
        var cells = new[] { Cells[0], changed }; // aaaa0002 removed, aaaa0003 changed

        var blocks = TranslationFile.Parse(TranslationSkeleton.Render("# t", Markdown(cells), previous), "test.md").Blocks;

        Assert.Equal(["aaaa0001", "aaaa0003"], blocks.Select(b => b.CellId));
        Assert.Equal(Chinese[0].Text, blocks[0].Text);
        Assert.Equal("TODO-EN\n" + changed.Source, blocks[1].Text);
        Assert.Equal(Hash(changed.Source), blocks[1].EnglishHash);
    }

    [Fact]
    public void Refresh_writes_a_missing_file_and_leaves_a_current_one_untouched()
    {
        var (root, notebooks, zh) = NewRepository();
        var current = File(Chinese);
        System.IO.File.WriteAllText(Path.Combine(zh, "test.md"), current);

        var results = TranslationSkeleton.Refresh(notebooks, zh, "zh");

        Assert.Equal([("other.md", 1, 1, true), ("test.md", 3, 0, false)],
            results.Select(r => (Path.GetFileName(r.File), r.Blocks, r.Placeholders, r.Changed)));
        Assert.Equal(current, System.IO.File.ReadAllText(Path.Combine(zh, "test.md")));
        Assert.StartsWith("# other.ipynb · 中文译文\n\n" + Marker("aaaa0001", Hash(Cells[0].Source)) + "\nTODO-EN\n",
            System.IO.File.ReadAllText(Path.Combine(zh, "other.md")));
        Assert.DoesNotContain(TranslationChecker.CheckRepository(root, "zh"), p => p.Notebook == "test.ipynb");
    }
}
