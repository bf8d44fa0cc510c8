using ResNetNotebooks.Runner.Translations;
using static ResNetNotebooks.Notebooks.Tests.Translations.TranslationFixture;

namespace ResNetNotebooks.Notebooks.Tests.Translations;

/// <summary>The checker on small in-memory notebooks and translations: each kind of problem, and none for a good translation.</summary>
public sealed class TranslationCheckerTests
{
    private static IReadOnlyList<TranslationProblem> Check(string translation) =>
        TranslationChecker.Check("test.ipynb", Cells, TranslationFile.Parse(translation, "test.md"), "test.md");

    private static IEnumerable<(string Id, string Text)> ChineseWith(string id, string text) =>
        Chinese.Select(b => b.Id == id ? (id, text) : b);

    [Fact]
    public void A_complete_current_translation_has_no_problems()
    {
        Assert.Empty(Check(File(Chinese)));
    }

    [Fact]
    public void A_changed_English_cell_is_STALE_naming_notebook_cell_first_words_and_the_new_hash()
    {
        // The block was translated from an older English text of the first cell.
        var old = Hash("# 01 · The residual block\n\nStacking layers should never hurt.");
        var current = Hash(Cells[0].Source);

        var problem = Assert.Single(Check(File(Chinese, new Dictionary<string, string> { ["aaaa0001"] = old })));

        Assert.Equal(TranslationProblemKind.Stale, problem.Kind);
        Assert.Equal(("test.ipynb", "aaaa0001"), (problem.Notebook, problem.CellId));
        Assert.StartsWith("01 · The residual block Stacking", problem.FirstWords);
        Assert.Contains(current, problem.Detail);
        Assert.Equal("test.md:3", problem.Location);
        var line = problem.ToString();
        Assert.Contains("STALE", line);
        Assert.Contains("test.ipynb", line);
        Assert.Contains("aaaa0001", line);
        Assert.Contains("01 · The residual block", line);
    }

    [Fact]
    public void A_block_still_starting_with_TODO_EN_is_MISSING()
    {
        var problem = Assert.Single(Check(File(ChineseWith("aaaa0003", "TODO-EN\n" + Cells[3].Source))));

        Assert.Equal((TranslationProblemKind.Missing, "aaaa0003"), (problem.Kind, problem.CellId));
        Assert.Contains("TODO-EN", problem.Detail);
        Assert.Equal("MISSING", problem.KindName);
    }

    [Fact]
    public void A_markdown_cell_without_a_block_is_MISSING_with_the_marker_to_add()
    {
        var problem = Assert.Single(Check(File(Chinese.Where(b => b.Id != "aaaa0002"))));

        Assert.Equal((TranslationProblemKind.Missing, "aaaa0002"), (problem.Kind, problem.CellId));
        Assert.Contains(Marker("aaaa0002", Hash(Cells[2].Source)), problem.Detail);
    }

    [Fact]
    public void Every_markdown_cell_is_MISSING_when_the_notebook_has_no_translation_file()
    {
        var problems = TranslationChecker.Check("test.ipynb", Cells, null, "test.md");

        Assert.Equal(["aaaa0001", "aaaa0002", "aaaa0003"], problems.Select(p => p.CellId));
        Assert.All(problems, p => Assert.Equal(TranslationProblemKind.Missing, p.Kind));
        Assert.All(problems, p => Assert.Contains("translations refresh --lang", p.Detail));
    }

    [Fact]
    public void A_block_for_a_cell_the_notebook_no_longer_has_is_an_ORPHAN()
    {
        var translation = File(Chinese) + "\n" + Marker("dead0001", "0123456789abcdef") + "\n被删除的单元格。\n";

        var problem = Assert.Single(Check(translation));

        Assert.Equal((TranslationProblemKind.Orphan, "dead0001", "ORPHAN"), (problem.Kind, problem.CellId, problem.KindName));
    }

    [Fact]
    public void A_block_for_a_code_cell_is_an_ORPHAN()
    {
        var translation = File(Chinese) + "\n" + Marker("cccc0001", Hash(Cells[1].Source)) + "\n代码。\n";

        var problem = Assert.Single(Check(translation));

        Assert.Equal((TranslationProblemKind.Orphan, "cccc0001"), (problem.Kind, problem.CellId));
        Assert.Contains("code", problem.Detail);
    }

    [Fact]
    public void Swapped_blocks_report_one_block_OUT_OF_ORDER()
    {
        var swapped = new[] { Chinese[0], Chinese[2], Chinese[1] };

        var problem = Assert.Single(Check(File(swapped)));

        Assert.Equal(TranslationProblemKind.OutOfOrder, problem.Kind);
        Assert.Equal("OUT-OF-ORDER", problem.KindName);
        // Either block may be called the moved one; the message says where it belongs.
        Assert.Contains(problem.CellId, new[] { "aaaa0002", "aaaa0003" });
    }

    [Fact]
    public void A_second_block_for_the_same_cell_is_a_DUPLICATE()
    {
        var problem = Assert.Single(Check(File(Chinese.Append(Chinese[2]))));

        Assert.Equal((TranslationProblemKind.Duplicate, "aaaa0003"), (problem.Kind, problem.CellId));
    }

    [Fact]
    public void A_translation_that_drops_a_link_reports_LOST_LINK_with_the_url()
    {
        var problem = Assert.Single(Check(File(ChineseWith("aaaa0002", "参见第 7.6 节，以及\n\n$$y = f(x) + x$$"))));

        Assert.Equal((TranslationProblemKind.LostLink, "aaaa0002"), (problem.Kind, problem.CellId));
        Assert.Contains("https://classic.d2l.ai/chapter_convolutional-modern/resnet.html", problem.Detail);
    }

    [Fact]
    public void A_translation_that_changes_a_link_target_reports_the_lost_and_the_extra_one()
    {
        var problems = Check(File(ChineseWith("aaaa0002", "参见 [§7.6](https://zh.d2l.ai/chapter_convolutional-modern/resnet.html)，以及\n\n$$y = f(x) + x$$")));

        Assert.Equal([TranslationProblemKind.LostLink, TranslationProblemKind.ExtraLink], problems.Select(p => p.Kind));
        Assert.Contains("https://zh.d2l.ai/chapter_convolutional-modern/resnet.html", problems[1].Detail);
    }

    [Fact]
    public void A_translation_that_drops_a_display_formula_reports_DISPLAY_MATH()
    {
        var problem = Assert.Single(Check(File(ChineseWith("aaaa0002",
            "参见 [§7.6](https://classic.d2l.ai/chapter_convolutional-modern/resnet.html)。"))));

        Assert.Equal((TranslationProblemKind.DisplayMath, "aaaa0002"), (problem.Kind, problem.CellId));
        Assert.Contains("1", problem.Detail);
    }

    [Fact]
    public void A_block_without_a_Chinese_character_is_NO_CHINESE()
    {
        var problem = Assert.Single(Check(File(ChineseWith("aaaa0003", "## Summary\n\nA residual block learns the residual."))));

        Assert.Equal((TranslationProblemKind.NoChinese, "aaaa0003", "NO-CHINESE"), (problem.Kind, problem.CellId, problem.KindName));
    }

    [Fact]
    public void A_translation_into_another_language_is_not_asked_for_Chinese()
    {
        var german = File(ChineseWith("aaaa0003", "## Zusammenfassung\n\nEin Residualblock lernt das Residuum."));

        var problems = TranslationChecker.Check("test.ipynb", Cells, TranslationFile.Parse(german, "test.md"), "test.md", "de");

        Assert.DoesNotContain(problems, p => p.Kind == TranslationProblemKind.NoChinese);
    }

    [Fact]
    public void A_malformed_marker_line_is_reported_with_its_line()
    {
        var translation = File(Chinese).Replace(Marker("aaaa0003", Hash(Cells[3].Source)), "<!-- cell: aaaa0003 -->");

        var problems = Check(translation);

        Assert.Contains(problems, p => p.Kind == TranslationProblemKind.MalformedMarker);
        Assert.Contains(problems, p => p.Kind == TranslationProblemKind.Missing && p.CellId == "aaaa0003");
    }

    [Fact]
    public void Check_folder_reports_a_missing_translation_file_and_a_file_without_notebook()
    {
        var (root, notebooks, zh) = NewRepository();
        System.IO.File.WriteAllText(Path.Combine(zh, "test.md"), File(Chinese));
        System.IO.File.WriteAllText(Path.Combine(zh, "99-removed.md"), File([]));
        System.IO.File.WriteAllText(Path.Combine(zh, "README.md"), "# 中文译文\n");

        var problems = TranslationChecker.CheckRepository(root, "zh");

        Assert.Equal(2, problems.Count);
        Assert.Equal(("other.ipynb", "aaaa0001", TranslationProblemKind.Missing), (problems[0].Notebook, problems[0].CellId, problems[0].Kind));
        Assert.Equal(Path.Combine("translations", "zh", "other.md"), problems[0].Location);
        Assert.Contains("--lang zh", problems[0].Detail);
        Assert.Equal(("99-removed.ipynb", TranslationProblemKind.Orphan), (problems[1].Notebook, problems[1].Kind));
    }
}
