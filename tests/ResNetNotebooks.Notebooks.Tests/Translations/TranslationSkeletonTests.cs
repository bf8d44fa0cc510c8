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

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Refresh_of_a_read_only_translation_that_would_change_is_refused_and_changes_no_file()
    {
        var (_, notebooks, zh) = NewRepository();
        var test = Path.Combine(zh, "test.md");
        var stale = File(Chinese, new Dictionary<string, string> { ["aaaa0002"] = "0123456789abcdef" }); // aaaa0002's English changed
        System.IO.File.WriteAllText(test, stale);
        System.IO.File.SetUnixFileMode(test, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead); // 0444

        var refused = Assert.Throws<UnauthorizedAccessException>(() => TranslationSkeleton.Refresh(notebooks, zh, "zh"));

        Assert.Contains($"{test} is read-only (mode 444)", refused.Message);
        Assert.Contains("chmod u+w", refused.Message);
        Assert.Equal(stale, System.IO.File.ReadAllText(test));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, System.IO.File.GetUnixFileMode(test));
        Assert.False(System.IO.File.Exists(Path.Combine(zh, "other.md"))); // checked before anything is written
    }

    [Fact]
    public void Refresh_of_a_translation_with_a_malformed_marker_is_refused_and_keeps_its_text()
    {
        var (_, notebooks, zh) = NewRepository();
        var test = Path.Combine(zh, "test.md");
        // The first marker's hash lost a digit: its Chinese would run into the title, which a refresh rewrites.
        var good = File(Chinese);
        var broken = good.Replace(Marker("aaaa0001", Hash(Cells[0].Source)), Marker("aaaa0001", Hash(Cells[0].Source)[..15]));
        System.IO.File.WriteAllText(test, broken);

        var refused = Assert.Throws<InvalidDataException>(() => TranslationSkeleton.Refresh(notebooks, zh, "zh"));

        // Line 3: the title, a blank line, then the first marker.
        Assert.Contains($"{test}:3 ", refused.Message);
        Assert.Contains("translations check --lang zh", refused.Message);
        Assert.Equal(broken, System.IO.File.ReadAllText(test));
        Assert.False(System.IO.File.Exists(Path.Combine(zh, "other.md")));
    }
}
