using System.Globalization;
using System.Diagnostics;
using System.Text.Json.Nodes;
using ResNetNotebooks.Runner;
using ResNetNotebooks.Runner.Publish;
using ResNetNotebooks.Runner.Translations;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>
/// The book's editions, banners, run record and summaries (issue 23), and its npm step's time limit (issue 21), on a
/// one-lesson repository in a temporary folder; the browser check of the real book is <see cref="SiteTests"/>.
/// </summary>
public sealed class BookTests
{
    private const string English = "# A lesson\n\nResidual blocks add their input. In C# with TorchSharp:";

    private const string Chinese = "# 一课\n\n残差块把输入加回来。用 C# 和 TorchSharp 来写：";

    [Theory]
    [InlineData("A residual block adds x. That sum exists only for equal shapes. This lesson is about the shortcut that carries $\\mathbf{x}$:",
                "A residual block adds x. That sum exists only for equal shapes.")]
    [InlineData("Both editions train at 96×96 (as we do here.)\nIt follows GoogLeNet's layout, with residual blocks as the body:",
                "Both editions train at 96×96 (as we do here.)")]
    [InlineData("It trains in *one epoch*. The cells:", "It trains in *one epoch*.")]
    [InlineData("This notebook checks the set-up. Run the cells from top to bottom.", "This notebook checks the set-up. Run the cells from top to bottom.")]
    [InlineData("In C# with TorchSharp:", "In C# with TorchSharp.")]
    [InlineData("残差块把输入加回来。本课依次讲解：", "残差块把输入加回来。")]
    [InlineData("本课依次讲解：", "本课依次讲解。")]
    public void A_summary_ends_at_a_whole_sentence_not_at_a_colon_that_introduced_code(string paragraph, string expected) =>
        Assert.Equal(expected, BookLesson.WholeSentences(paragraph));

    [Fact]
    public void One_build_writes_the_English_book_at_the_root_and_the_Chinese_one_in_zh_with_a_switch_on_every_page()
    {
        using var repo = new Scratch();
        repo.Translate(Chinese);

        var summary = repo.Publish();

        Assert.Equal(["en", "zh"], summary.Editions);
        var en = File.ReadAllText(Path.Combine(repo.Site, "01-lesson.html"));
        var zh = File.ReadAllText(Path.Combine(repo.Site, "zh", "01-lesson.html"));
        var zhIndex = File.ReadAllText(Path.Combine(repo.Site, "zh", "index.html"));
        Assert.Contains("<html lang=\"zh\">", zh, StringComparison.Ordinal);
        Assert.Contains("残差块把输入加回来", zh, StringComparison.Ordinal);
        Assert.DoesNotContain("Residual blocks add their input", zh, StringComparison.Ordinal);
        Assert.Contains("Console.WriteLine(1 + 1)", zh.Replace("&#x2B;", "+"), StringComparison.Ordinal); // code is not translated
        // The switch: each page links the same page in the other edition; the Chinese pages load the shared assets.
        Assert.Contains("href=\"zh/01-lesson.html\"", en, StringComparison.Ordinal);
        Assert.Contains("href=\"../01-lesson.html\"", zh, StringComparison.Ordinal);
        Assert.Contains("href=\"../assets/book.css\"", zh, StringComparison.Ordinal);
        Assert.Contains("href=\"../index.html\"", zhIndex, StringComparison.Ordinal);
        Assert.Contains("href=\"zh/index.html\"", File.ReadAllText(Path.Combine(repo.Site, "source", "src", "ResNetNotebooks", "Block.cs.html")).Replace("../../../", ""), StringComparison.Ordinal);
        // Summaries are whole sentences in both editions.
        Assert.Contains("<p>残差块把输入加回来。</p>", zhIndex, StringComparison.Ordinal);
        Assert.Contains("<p>Residual blocks add their input.</p>", File.ReadAllText(Path.Combine(repo.Site, "index.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_stale_translation_is_shown_in_English_and_the_page_says_so()
    {
        using var repo = new Scratch();
        repo.Translate(Chinese, hash: EnglishCell.HashOf(English + " (an older text)"));

        var log = new StringWriter();
        repo.Publish(log);

        var zh = File.ReadAllText(Path.Combine(repo.Site, "zh", "01-lesson.html"));
        Assert.Contains("Residual blocks add their input", zh, StringComparison.Ordinal);
        Assert.DoesNotContain("残差块把输入加回来", zh, StringComparison.Ordinal);
        Assert.Contains("class=\"banner untranslated\"", zh, StringComparison.Ordinal);
        Assert.Contains("1 cell(s) without a current translation", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("translations check --lang zh", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_from_a_preset_names_it_in_a_banner_and_the_index_names_the_run()
    {
        using var repo = new Scratch();
        repo.Translate(Chinese);
        var record = new RunRecord("ci", new Dictionary<string, string>(), new DateTimeOffset(2026, 12, 5, 6, 7, 0, TimeSpan.Zero), "box (Linux, x64, 2 cores)", "0123456789ab");
        repo.WriteExecuted(injected: "// Injected by the headless runner (preset \"ci\").\nepochs = 1;\n", record);

        repo.Publish();

        var page = File.ReadAllText(Path.Combine(repo.Site, "01-lesson.html"));
        var banner = page[page.IndexOf("class=\"banner preset\"", StringComparison.Ordinal)..page.IndexOf("</aside>", StringComparison.Ordinal)];
        Assert.Contains("<code>ci</code>", banner, StringComparison.Ordinal);
        Assert.Contains("<code>epochs = 1</code>", banner, StringComparison.Ordinal);
        Assert.Contains("not the lesson", banner, StringComparison.Ordinal);
        Assert.Contains("预设 <code>ci</code>", File.ReadAllText(Path.Combine(repo.Site, "zh", "01-lesson.html")), StringComparison.Ordinal);
        var index = File.ReadAllText(Path.Combine(repo.Site, "index.html"));
        Assert.Contains("2026-12-05 06:07 UTC", index, StringComparison.Ordinal);
        Assert.Contains("box (Linux, x64, 2 cores)", index, StringComparison.Ordinal);
        Assert.Contains("<code>0123456789ab</code>", index, StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_from_the_notebooks_own_defaults_has_no_preset_banner()
    {
        using var repo = new Scratch();
        repo.WriteExecuted(injected: null, new RunRecord(null, new Dictionary<string, string>(), DateTimeOffset.UtcNow, "box", null));

        repo.Publish();

        Assert.DoesNotContain("banner preset", File.ReadAllText(Path.Combine(repo.Site, "01-lesson.html")), StringComparison.Ordinal);
        Assert.DoesNotContain("banner preset", File.ReadAllText(Path.Combine(repo.Site, "index.html")), StringComparison.Ordinal);
        Assert.Contains("own defaults", File.ReadAllText(Path.Combine(repo.Site, "index.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void An_npm_ci_that_hangs_is_stopped_at_the_time_limit_with_one_line_that_says_what_to_check()
    {
        var folder = Directory.CreateTempSubdirectory("resnet-npm-").FullName;
        var npm = FakeNpm(folder, "sleep 60");
        var clock = Stopwatch.StartNew();

        var refused = Assert.Throws<PublishException>(() => SiteAssets.RunNpmCi(folder, npm, TimeSpan.FromSeconds(1)));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"npm was not stopped: {clock.Elapsed}");
        Assert.DoesNotContain('\n', refused.Message);
        Assert.Contains("npm ci", refused.Message, StringComparison.Ordinal);
        Assert.Contains("within 1 s", refused.Message, StringComparison.Ordinal);
        Assert.Contains("registry", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_npm_ci_that_fails_is_reported_on_one_line_with_its_exit_code_and_npm_s_error()
    {
        var folder = Directory.CreateTempSubdirectory("resnet-npm-").FullName;
        var npm = FakeNpm(folder, "echo 'npm ERR! code E404' >&2\necho 'npm ERR! 404 Not Found - GET plotly.js-dist-min' >&2\nexit 1");

        var refused = Assert.Throws<PublishException>(() => SiteAssets.RunNpmCi(folder, npm, TimeSpan.FromSeconds(60)));

        Assert.DoesNotContain('\n', refused.Message);
        Assert.Contains("exit code 1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("E404", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Translated_notebooks_have_the_Chinese_prose_the_same_code_no_outputs_and_go_beside_notebooks()
    {
        using var repo = new Scratch();
        repo.Translate(Chinese);

        var results = TranslatedNotebooks.Write(repo.Root, "zh", Path.Combine(repo.Root, "notebooks-zh"));

        var result = Assert.Single(results);
        Assert.Equal((1, 0), (result.MarkdownCells, result.English));
        var copy = NotebookDocument.Load(Path.Combine(repo.Root, "notebooks-zh", "01-lesson.ipynb"));
        var cells = copy.Cells.OfType<JsonObject>().ToList();
        Assert.Equal(Chinese, NotebookDocument.Source(cells[0]));
        Assert.Equal("intro", cells[0]["id"]!.GetValue<string>());
        Assert.Equal("Console.WriteLine(1 + 1);", NotebookDocument.Source(cells[1]));
        Assert.Empty((JsonArray)cells[1]["outputs"]!);
        Assert.Null(cells[1]["execution_count"]);
        // A second run replaces its own copies.
        Assert.Single(TranslatedNotebooks.Write(repo.Root, "zh", Path.Combine(repo.Root, "notebooks-zh")));
    }

    [Fact]
    public void Publish_refuses_an_executed_copy_of_a_translated_notebook_that_was_written_over_the_English_one()
    {
        using var repo = new Scratch();
        repo.Translate(Chinese);
        var copy = Assert.Single(TranslatedNotebooks.Write(repo.Root, "zh", Path.Combine(repo.Root, "notebooks-zh"))).File;
        var executed = NotebookDocument.Load(repo.ExecutedCopy);
        executed.Metadata["resnet"] = NotebookDocument.Load(copy).Metadata["resnet"]!.DeepClone();
        executed.Save(repo.ExecutedCopy);

        var refused = Assert.Throws<PublishException>(() => repo.Publish());

        Assert.Contains(repo.ExecutedCopy, refused.Message, StringComparison.Ordinal);
        Assert.Contains("translated", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(repo.Site));
    }

    [Fact]
    public void Translated_notebooks_keep_a_stale_cell_in_English_and_count_it()
    {
        using var repo = new Scratch();
        repo.Translate(Chinese, hash: EnglishCell.HashOf("an older English text"));

        var result = Assert.Single(TranslatedNotebooks.Write(repo.Root, "zh", Path.Combine(repo.Root, "notebooks-zh")));

        Assert.Equal(1, result.English);
        Assert.Equal(English, NotebookDocument.Source(NotebookDocument.Load(result.File).Cells.OfType<JsonObject>().First()));
    }

    [Fact]
    public void Translated_notebooks_refuse_a_folder_not_beside_notebooks_and_a_notebook_they_did_not_write()
    {
        using var repo = new Scratch();
        repo.Translate(Chinese);

        var deep = Assert.Throws<OutFolderRefusedException>(() => TranslatedNotebooks.Write(repo.Root, "zh", Path.Combine(repo.Root, "notebooks", "zh")));
        Assert.Contains("beside notebooks/", deep.Message, StringComparison.Ordinal);
        Assert.Contains("../artifacts/notebook-lib/", deep.Message, StringComparison.Ordinal);
        Assert.Throws<OutFolderRefusedException>(() => TranslatedNotebooks.Write(repo.Root, "zh", Path.Combine(repo.Root, "notebooks")));
        var mine = Path.Combine(repo.Root, "mine", "01-lesson.ipynb");
        Directory.CreateDirectory(Path.GetDirectoryName(mine)!);
        File.Copy(Path.Combine(repo.Root, "notebooks", "01-lesson.ipynb"), mine);
        var before = File.ReadAllText(mine);

        var foreign = Assert.Throws<OutFolderRefusedException>(() => TranslatedNotebooks.Write(repo.Root, "zh", Path.GetDirectoryName(mine)!));

        Assert.Contains(mine, foreign.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(mine));
    }

    [Fact]
    public void Links_in_a_translated_index_summary_stay_in_its_edition_and_reach_the_shared_source_pages()
    {
        using var repo = new Scratch();
        repo.Translate("# 一课\n\n[残差块](01-lesson.ipynb)把输入加回来，见 [Block](../src/ResNetNotebooks/Block.cs)。用 C# 来写：");

        repo.Publish();

        // zh/index.html: the lesson is zh/01-lesson.html (same folder); source pages are shared at the root.
        var zhIndex = File.ReadAllText(Path.Combine(repo.Site, "zh", "index.html"));
        Assert.Contains("<a href=\"01-lesson.html\">残差块</a>", zhIndex, StringComparison.Ordinal);
        Assert.Contains("<a href=\"../source/src/ResNetNotebooks/Block.cs.html\">Block</a>", zhIndex, StringComparison.Ordinal);
    }

    [Fact]
    public void The_run_record_is_kept_in_the_executed_copy_and_strip_removes_it()
    {
        using var repo = new Scratch();
        var path = Path.Combine(repo.Root, "notebooks", "01-lesson.ipynb");
        var notebook = NotebookDocument.Load(path);

        RunRecord.Now(new RunOptions { Preset = "ci" }, Path.Combine(Repo.Root, "notebooks")).WriteTo(notebook);
        notebook.Save(path);

        var record = RunRecord.ReadFrom(NotebookDocument.Load(path));
        Assert.NotNull(record);
        Assert.Equal("ci", record.Preset);
        Assert.Contains(Environment.MachineName, record.Machine, StringComparison.Ordinal);
        Assert.InRange(record.Executed, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Matches("^[0-9a-f]{12}(\\+changes)?$", record.Commit ?? "(none: is the repository a git work tree?)");
        notebook.ClearOutputs(); // what strip does
        Assert.Null(RunRecord.ReadFrom(notebook));
    }

    [Theory]
    [InlineData("fi-FI")] // its long-time pattern uses '.' as the time separator
    [InlineData("th-TH")] // its calendar is the Thai Buddhist one (2026 is 2569)
    public void The_run_record_date_is_the_same_under_any_culture(string culture)
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            using var repo = new Scratch();
            CultureInfo.CurrentCulture = new CultureInfo(culture);
            var notebook = NotebookDocument.Load(Path.Combine(repo.Root, "notebooks", "01-lesson.ipynb"));
            var executed = new DateTimeOffset(2026, 12, 5, 6, 7, 8, TimeSpan.Zero);
            new RunRecord("ci", new Dictionary<string, string>(), executed, "box", null).WriteTo(notebook);

            Assert.Equal("2026-12-05T06:07:08Z", notebook.Metadata["resnet"]?["run"]?["executed"]?.GetValue<string>());
            Assert.Equal(executed, RunRecord.ReadFrom(notebook)?.Executed);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    private static string FakeNpm(string folder, string body)
    {
        var path = Path.Combine(folder, "npm");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) // the notebook tests run on Linux (CI's Linux jobs)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    /// <summary>A one-lesson repository: notebooks/, its executed copy, one library file, site/ linked to the real one.</summary>
    private sealed class Scratch : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("resnet-book-").FullName;

        public string Root => Path.Combine(_folder, "repo");

        public string Site => Path.Combine(_folder, "site");

        private string Executed => Path.Combine(Root, "artifacts", "notebooks", "ci");

        public string ExecutedCopy => Path.Combine(Executed, "01-lesson.ipynb");

        public Scratch()
        {
            Directory.CreateDirectory(Path.Combine(Root, "notebooks"));
            Directory.CreateDirectory(Path.Combine(Root, "src", "ResNetNotebooks"));
            File.WriteAllText(Path.Combine(Root, "src", "ResNetNotebooks", "Block.cs"), "namespace X; public class Block { }\n");
            File.WriteAllText(Path.Combine(Root, "notebooks", "01-lesson.ipynb"), Notebook(executed: false, null).ToJsonString());
            Directory.CreateDirectory(Path.Combine(Root, "translations", "zh"));
            Directory.CreateSymbolicLink(Path.Combine(Root, "site"), Path.Combine(Repo.Root, "site"));
            WriteExecuted(null, null);
        }

        public void WriteExecuted(string? injected, RunRecord? record)
        {
            var notebook = Notebook(executed: true, injected);
            Directory.CreateDirectory(Executed);
            var path = Path.Combine(Executed, "01-lesson.ipynb");
            File.WriteAllText(path, notebook.ToJsonString());
            if (record is not null)
            {
                var document = NotebookDocument.Load(path);
                record.WriteTo(document);
                document.Save(path);
            }
        }

        /// <summary>Writes translations/zh/01-lesson.md with one block for the first cell (its hash: the English's unless given).</summary>
        public void Translate(string text, string? hash = null) =>
            File.WriteAllText(Path.Combine(Root, "translations", "zh", "01-lesson.md"),
                $"# 01-lesson.ipynb · 中文译文\n\n{TranslationBlock.MarkerFor("intro", hash ?? EnglishCell.HashOf(English))}\n{text}\n");

        public SitePublisher.Summary Publish(TextWriter? log = null) => SitePublisher.Publish(Root, Executed, Site, log ?? TextWriter.Null);

        private static JsonObject Notebook(bool executed, string? injected)
        {
            var cells = new JsonArray(
                new JsonObject { ["cell_type"] = "markdown", ["id"] = "intro", ["metadata"] = new JsonObject(), ["source"] = English },
                new JsonObject
                {
                    ["cell_type"] = "code", ["id"] = "code1", ["metadata"] = new JsonObject(), ["source"] = "Console.WriteLine(1 + 1);",
                    ["execution_count"] = executed ? 1 : null,
                    ["outputs"] = executed ? new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "2\n" }) : new JsonArray(),
                });
            if (injected is not null)
            {
                cells.Insert(1, new JsonObject
                {
                    ["cell_type"] = "code", ["metadata"] = new JsonObject { ["tags"] = new JsonArray(NotebookParameters.InjectedTag) },
                    ["source"] = injected, ["execution_count"] = 1, ["outputs"] = new JsonArray(),
                });
            }
            return new JsonObject { ["cells"] = cells, ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 };
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // a temporary folder; the system cleans it up
            }
        }
    }
}
