using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using ResNetNotebooks.Runner.Translations;

namespace ResNetNotebooks.Runner.Publish;

/// <summary>
/// Renders the whole book in memory from the executed copies: the English edition at the site's root, one edition
/// per translations/LANG/ folder in LANG/ (the same executed copies, markdown cells translated, code and outputs as
/// they ran), and one page per library source file (English only, shared). Pages are filled into the templates of
/// <see cref="PageTemplates"/>; nothing here writes HTML markup of its own.
/// </summary>
internal static partial class BookRenderer
{
    /// <summary>The rendered book: page path (relative, '/' separated) → HTML.</summary>
    internal sealed record Book(IReadOnlyDictionary<string, string> Pages, int SourcePages, IReadOnlyList<string> Editions,
        IReadOnlyDictionary<string, int> Untranslated);

    /// <summary>The book's title in each edition; an edition without one uses the English.</summary>
    private static readonly Dictionary<string, string> Titles = new(StringComparer.Ordinal)
    {
        ["en"] = "ResNet, taught in C#",
        ["zh"] = "用 C# 讲解 ResNet",
    };

    /// <summary>What the language switch says for each edition.</summary>
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["en"] = "English",
        ["zh"] = "中文",
    };

    // Markdig's advanced extensions: pipe tables, auto identifiers, emphasis extras and math ($…$, $$…$$ become
    // <span class="math">\(…\)</span> and <div class="math">\[…\]</div>, which book.js typesets with KaTeX).
    // Headings' identifiers GitHub's way, which keeps Chinese letters (Markdig's default keeps ASCII only, so every
    // Chinese heading became id="section").
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAutoIdentifiers(Markdig.Extensions.AutoIdentifiers.AutoIdentifierOptions.GitHub)
        .UseAdvancedExtensions()
        .Build();

    /// <summary>Renders every page of every edition.</summary>
    /// <param name="repository">The repository (its notebooks/, translations/ and src/).</param>
    /// <param name="executed">The executed copies in lesson order, each with the time its file was written.</param>
    /// <param name="build">The executed copies' folder name (ci, default, …), named in the index.</param>
    /// <param name="plotlyVersion">The site's plotly.js version: a notebook that embeds another is refused.</param>
    /// <exception cref="PublishException">An output is an error, or a notebook's plotly.js is not the site's.</exception>
    public static Book Render(string repository, IReadOnlyList<(NotebookDocument Notebook, DateTimeOffset Written)> executed, string build, string plotlyVersion)
    {
        var translations = Path.Combine(repository, "translations");
        var languages = Directory.Exists(translations)
            ? Directory.GetDirectories(translations).Select(Path.GetFileName).OfType<string>()
                .Where(l => Directory.GetFiles(Path.Combine(translations, l), "*.md").Length > 0).Order(StringComparer.Ordinal).ToList()
            : [];
        var editions = new List<string> { "en" };
        editions.AddRange(languages.Where(l => l != "en"));

        var pages = new Dictionary<string, string>(StringComparer.Ordinal);
        var linked = new SortedSet<string>(StringComparer.Ordinal);
        var library = Directory.GetFiles(Path.Combine(repository, "src", "ResNetNotebooks"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(repository, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var runs = Runs(executed);
        var untranslated = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var lang in editions)
        {
            var folder = lang == "en" ? "" : lang + "/";
            var root = lang == "en" ? "" : "../";
            var lessons = executed.Select(e => BookLesson.Read(e.Notebook, lang == "en" ? null : TranslationOf(translations, lang, e.Notebook.Name))).ToList();
            var missing = lessons.Sum(l => l.Untranslated);
            if (missing > 0)
            {
                untranslated[lang] = missing;
            }
            for (var i = 0; i < lessons.Count; i++)
            {
                var lesson = lessons[i];
                var (body, usesPlotly) = RenderLesson(lesson, lang, repository, root, linked, plotlyVersion);
                pages[folder + lesson.PageName] = Page(lang, lesson.Title, root, usesPlotly,
                    i == 0 ? LinkView.None : new LinkView(lessons[i - 1].PageName, lessons[i - 1].Title),
                    i == lessons.Count - 1 ? LinkView.None : new LinkView(lessons[i + 1].PageName, lessons[i + 1].Title),
                    Switch(editions, lang, lesson.PageName), body);
            }
            var index = new IndexView(lang, Title(lang),
                lessons.Select(l => new LessonLinkView(l.PageName, l.Title,
                    MarkdownToHtml(l.SummaryMarkdown, repository, "notebooks", "", new HashSet<string>(), root))).ToList(),
                runs, lessons.Where(l => l.Banner.Shown).Select(l => l.Banner.Preset.Length > 0 ? l.Banner.Preset : "--param").Distinct().Order(StringComparer.Ordinal).ToList(),
                library.GroupBy(f => Path.GetDirectoryName(f)!.Replace('\\', '/'))
                    .Select(g => new FolderView(g.Key, g.Select(f => new LinkView(root + SourcePage(f), Path.GetFileName(f))).ToList())).ToList(),
                build, missing);
            pages[folder + "index.html"] = Page(lang, Title(lang), root, false, LinkView.None, LinkView.None, Switch(editions, lang, "index.html"),
                PageTemplates.Render("index", index));
        }
        var sourcePages = library.Union(linked).ToList();
        foreach (var file in sourcePages)
        {
            var page = SourcePage(file);
            var root = string.Concat(Enumerable.Repeat("../", page.Count(c => c == '/')));
            var text = File.ReadAllText(Path.Combine(repository, file));
            var markdown = file.EndsWith(".md", StringComparison.Ordinal);
            var view = new SourceView(file, markdown ? "" : text,
                markdown ? MarkdownToHtml(text, repository, Path.GetDirectoryName(file) ?? "", root, new HashSet<string>(), root) : "", markdown);
            // A source page is English; its switch leads to each edition's index.
            var switches = editions.Select(e => new EditionView(e, Label(e), e == "en" ? root + "index.html" : $"{root}{e}/index.html", e == "en")).ToList();
            pages[page] = Page("en", file, root, false, LinkView.None, LinkView.None, switches, PageTemplates.Render("source", view), root + "index.html");
        }
        return new Book(pages, sourcePages.Count, editions, untranslated);
    }

    private static string Title(string lang) => Titles.GetValueOrDefault(lang, Titles["en"]);

    private static string Label(string lang) => Labels.GetValueOrDefault(lang, lang);

    // A notebook without a translation file is shown in English, every markdown cell counted as untranslated.
    private static TranslationFile TranslationOf(string translations, string lang, string notebook) => TranslationFile.Of(translations, lang, notebook);

    /// <summary>The language switch of a page <paramref name="page"/> in edition <paramref name="lang"/>: the same page in every edition.</summary>
    private static List<EditionView> Switch(IReadOnlyList<string> editions, string lang, string page) =>
        editions.Select(e => new EditionView(e, Label(e),
            (lang == "en" ? "" : "../") + (e == "en" ? "" : e + "/") + page, e == lang)).ToList();

    private static string Page(string lang, string title, string root, bool usesPlotly, LinkView previous, LinkView next,
        IReadOnlyList<EditionView> editions, string body, string? home = null) =>
        PageTemplates.Render("page", new PageView(lang, title, Title(lang), root, home ?? "index.html", usesPlotly, previous, next, editions, body));

    /// <summary>The runs the executed copies came from, one row per preset, machine and commit, with the latest time.</summary>
    private static List<RunView> Runs(IReadOnlyList<(NotebookDocument Notebook, DateTimeOffset Written)> executed) =>
        executed.Select(e => (Record: RunRecord.ReadFrom(e.Notebook), e.Written))
            .GroupBy(r => (r.Record?.Preset ?? "", r.Record?.Machine ?? "", r.Record?.Commit ?? "", r.Record is not null))
            .Select(g => new RunView(g.Key.Item1,
                g.Max(r => r.Record?.Executed ?? r.Written).ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
                g.Key.Item2, g.Key.Item3, g.Count(), g.Key.Item4))
            .ToList();

    private static (string Html, bool UsesPlotly) RenderLesson(BookLesson lesson, string lang, string repository, string root, ISet<string> linked, string plotlyVersion)
    {
        var cells = new List<CellView>();
        var usesPlotly = false;
        var executionCount = 0;
        foreach (var cell in lesson.Notebook.Cells.OfType<JsonObject>())
        {
            var source = NotebookDocument.Source(cell);
            switch (NotebookDocument.CellType(cell))
            {
                case "markdown":
                    cells.Add(new CellView("markdown", MarkdownToHtml(lesson.Markdown[cell], repository, "notebooks", "", linked, root), "", false, 0, [],
                        lesson.UntranslatedCells.Contains(cell)));
                    break;
                case "code":
                    var count = cell["execution_count"]?.GetValue<int?>() ?? ++executionCount;
                    executionCount = count;
                    var outputs = (cell["outputs"] as JsonArray ?? []).OfType<JsonObject>()
                        .Select(o => RenderOutput(o, lesson.Notebook.Name, plotlyVersion, ref usesPlotly)).OfType<OutputView>().ToList();
                    cells.Add(new CellView("code", "", source, NotebookDocument.Tags(cell).Contains(NotebookParameters.InjectedTag), count, outputs, false));
                    break;
                default:
                    cells.Add(new CellView("raw", "", source, false, 0, [], false));
                    break;
            }
        }
        var banner = lesson.Banner;
        return (PageTemplates.Render("lesson", new LessonView(lang, banner, cells, lesson.Notebook.Name, lesson.Untranslated)), usesPlotly);
    }

    /// <summary>The refusal of a notebook with an error output: the book is built from notebooks that ran without errors.</summary>
    internal static PublishException ErrorOutput(string notebook, JsonObject output) => new(
        $"publish: {notebook} holds an error output ({output["ename"]}: {output["evalue"]}); the book is built from " +
        "notebooks that ran without errors. Fix the notebook and run it again.");

    private static OutputView? RenderOutput(JsonObject output, string notebook, string plotlyVersion, ref bool usesPlotly)
    {
        switch (output["output_type"]?.GetValue<string>())
        {
            case "stream":
                return new OutputView("stream", Text(output["text"]), "", output["name"]?.GetValue<string>() == "stderr" ? "stderr" : "stdout", false);
            case "error":
                throw ErrorOutput(notebook, output);
            case "display_data" or "execute_result":
                var data = output["data"] as JsonObject ?? [];
                if (data["text/html"] is { } htmlNode)
                {
                    var html = Text(htmlNode);
                    if (PlotlyScript().Match(html) is { Success: true } script)
                    {
                        // The set-up cell's copy of plotly.js: the site loads its own, once, from assets/.
                        if (script.Groups[1].Value != plotlyVersion)
                        {
                            throw new PublishException(
                                $"publish: {notebook} embeds plotly.js {script.Groups[1].Value} but site/package.json pins " +
                                $"plotly.js-dist-min {plotlyVersion}; pin the version Plotly.NET embeds.");
                        }
                        usesPlotly = true;
                        return null;
                    }
                    if (html.Contains("dotnet-interactive-this-cell", StringComparison.Ordinal))
                    {
                        return null; // the Jupyter kernel's bootstrap script, which talks to a live kernel
                    }
                    var chart = html.Contains("Plotly.newPlot", StringComparison.Ordinal);
                    usesPlotly |= chart;
                    return new OutputView("html", "", html, "", chart);
                }
                if (data["image/svg+xml"] is { } svg)
                {
                    return new OutputView("image", "", Text(svg), "", false);
                }
                if (data["image/png"] is { } png)
                {
                    return new OutputView("png", Text(png).Trim(), "", "", false);
                }
                return data["text/plain"] is { } plain ? new OutputView("text", Text(plain), "", "", false) : null;
            default:
                return null;
        }
    }

    // The set-up cell's output: a <script> holding the whole of plotly.js, whose banner names the version.
    [GeneratedRegex(@"^\s*<script[^>]*>\s*/\*\*\s*\*\s*plotly\.js v([0-9][0-9.]*)", RegexOptions.Singleline)]
    private static partial Regex PlotlyScript();

    private static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
        JsonValue v => v.GetValue<string>(),
        _ => "",
    };

    /// <summary>
    /// Markdown to HTML. Links are rewritten for the site: another notebook's .ipynb becomes its page (prefixed with
    /// <paramref name="lessonPrefix"/>); a file of the repository under src/ or a .md becomes its source page (prefixed
    /// with <paramref name="sourcePrefix"/>, the path to the site's root, and recorded in <paramref name="linked"/>).
    /// </summary>
    private static string MarkdownToHtml(string markdown, string repository, string folderInRepository, string lessonPrefix, ISet<string> linked,
        string? sourcePrefix = null)
    {
        sourcePrefix ??= lessonPrefix;
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (link.Url is not { Length: > 0 } url || url.Contains("://", StringComparison.Ordinal) || url.StartsWith('#') || url.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }
            var hash = url.IndexOf('#', StringComparison.Ordinal);
            var (path, anchor) = hash < 0 ? (url, "") : (url[..hash], url[hash..]);
            var file = Path.GetRelativePath(repository, Path.GetFullPath(Path.Combine(repository, folderInRepository, path))).Replace('\\', '/');
            if (file.StartsWith("notebooks/", StringComparison.Ordinal) && file.EndsWith(".ipynb", StringComparison.Ordinal))
            {
                link.Url = lessonPrefix + Path.ChangeExtension(Path.GetFileName(file), ".html") + anchor;
            }
            else if (!file.StartsWith("..", StringComparison.Ordinal) && File.Exists(Path.Combine(repository, file)) &&
                     (file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".md", StringComparison.Ordinal)))
            {
                linked.Add(file);
                link.Url = sourcePrefix + SourcePage(file) + anchor;
            }
        }
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    /// <summary>The page of a repository file: src/ResNetNotebooks/Models/Blocks.cs → source/src/ResNetNotebooks/Models/Blocks.cs.html.</summary>
    private static string SourcePage(string file) => $"source/{file}.html";
}
