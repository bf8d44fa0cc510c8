using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace ResNetNotebooks.Runner;

/// <summary>
/// Turns executed notebooks into a static web book (<c>resnet-notebooks publish</c>): an index with the lessons in
/// order, one page per notebook with every output in place, and one page per library source file. It works offline
/// when viewed: prose is Markdown rendered by Markdig, math is typeset by KaTeX in the browser, code is highlighted by
/// highlight.js, charts are drawn by plotly.js, and all three libraries are copied from the pinned npm packages in
/// <c>site/</c> (package-lock.json) into <c>assets/</c>, so each is included once per site, never from a CDN.
/// </summary>
internal static partial class SitePublisher
{
    /// <summary>What a publish produced.</summary>
    internal sealed record Summary(string Folder, int Lessons, int SourcePages, long Bytes, int Files);

    private const string BookTitle = "ResNet, taught in C#";

    // Markdig's advanced extensions: pipe tables, auto identifiers, emphasis extras and math ($…$, $$…$$ become
    // <span class="math">\(…\)</span> and <div class="math">\[…\]</div>, which book.js typesets with KaTeX).
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    /// <summary>
    /// The file that marks a folder as a site this program wrote: publish replaces a non-empty folder only when it
    /// holds this file (or is an older site, see <see cref="IsUnmarkedOldSite"/>).
    /// </summary>
    internal const string MarkerFile = ".resnet-notebooks-site";

    /// <summary>
    /// Publishes the executed copies in <paramref name="executedFolder"/> of every notebook in the repository's
    /// notebooks/ folder into <paramref name="siteFolder"/>. In this order, so that a refusal leaves everything as it
    /// was: the target is checked (never the repository, the notebooks, the executed copies, or a folder this program
    /// did not write), the executed copies are checked (present, executed, without errors) and rendered, the site is
    /// written into a new temporary folder beside the target, and only then does it replace the old site.
    /// </summary>
    /// <exception cref="InvalidOperationException">The target is not a folder publish may replace, an executed copy
    /// is missing, invalid, never executed or holds an error, the npm packages cannot be installed, the notebooks'
    /// plotly.js is not the site's, or the site cannot be written; the message says what to do.</exception>
    public static Summary Publish(string repository, string executedFolder, string siteFolder, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        repository = FullFolder(repository);
        executedFolder = FullFolder(executedFolder);
        siteFolder = FullFolder(siteFolder);
        CheckTarget(repository, executedFolder, siteFolder);

        var sources = Directory.GetFiles(Path.Combine(repository, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal).ToList();
        var missing = sources.Select(Path.GetFileName).Where(n => !File.Exists(Path.Combine(executedFolder, n!))).ToList();
        if (sources.Count == 0 || missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"publish: {executedFolder} has no executed copy of {(sources.Count == 0 ? "any notebook" : string.Join(", ", missing))}; " +
                "run the notebooks first ('resnet-notebooks run' writes artifacts/notebooks/default/; 'run --preset ci' or " +
                "'dotnet test' writes artifacts/notebooks/ci/, which 'publish --preset ci' reads), or pass --from FOLDER.");
        }
        var lessons = sources.Select(s => Lesson.Read(LoadExecuted(Path.Combine(executedFolder, Path.GetFileName(s))))).ToList();
        Build(siteFolder, _ => { }, probe: true); // can the site be written there? (before npm runs)
        var assets = InstallAssets(repository, log);

        // Every page is rendered before anything is written: an error output or a wrong plotly.js refuses here.
        var pages = new Dictionary<string, string>(StringComparer.Ordinal);
        var linked = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lessons.Count; i++)
        {
            pages[lessons[i].PageName] = RenderLesson(lessons[i], i == 0 ? null : lessons[i - 1], i == lessons.Count - 1 ? null : lessons[i + 1],
                repository, linked, assets.PlotlyVersion);
        }
        var library = Directory.GetFiles(Path.Combine(repository, "src", "ResNetNotebooks"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(repository, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var sourcePages = library.Union(linked).ToList();
        foreach (var file in sourcePages)
        {
            pages[SourcePage(file)] = RenderSource(repository, file);
        }
        pages["index.html"] = RenderIndex(lessons, library, Path.GetFileName(executedFolder));

        var building = Build(siteFolder, folder =>
        {
            CopyAssets(assets, Path.Combine(folder, "assets"));
            foreach (var (page, html) in pages)
            {
                var target = Path.Combine(folder, page);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllText(target, html);
            }
            File.WriteAllText(Path.Combine(folder, ".nojekyll"), "");
        });
        var files = Directory.GetFiles(building, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != MarkerFile).ToList();
        var summary = new Summary(siteFolder, lessons.Count, sourcePages.Count, files.Sum(f => new FileInfo(f).Length), files.Count);
        Swap(building, siteFolder);
        log.WriteLine($"Published {summary.Lessons} lessons and {summary.SourcePages} source pages to {siteFolder}: " +
                      $"{summary.Files} files, {summary.Bytes / 1e6:0.0} MB, in {clock.Elapsed.TotalSeconds:0.0} s.");
        return summary;
    }

    private static string FullFolder(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies inside it (full paths).</summary>
    internal static bool IsSameOrInside(string path, string folder) =>
        path == folder || path.StartsWith(folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>
    /// Refuses a site folder that publish must not replace: a file; the repository or a folder holding it; the
    /// executed copies' folder, the notebooks' folder or the repository's .git, or a folder inside or around them; a
    /// non-empty folder without <see cref="MarkerFile"/> (files the book did not write).
    /// </summary>
    /// <exception cref="InvalidOperationException">The folder is one of those; the message names it and the fix.</exception>
    internal static void CheckTarget(string repository, string executedFolder, string siteFolder)
    {
        const string Fix = "publish replaces its --out folder; give a new folder of its own (the default is artifacts/site/).";
        if (File.Exists(siteFolder))
        {
            throw new InvalidOperationException($"publish: --out {siteFolder} is a file, not a folder; {Fix}");
        }
        if (IsSameOrInside(repository, siteFolder))
        {
            throw new InvalidOperationException(
                $"publish: --out {siteFolder} {(repository == siteFolder ? "is" : "holds")} the repository {repository}; {Fix}");
        }
        foreach (var (folder, what) in new[]
                 {
                     (executedFolder, "the executed notebooks' folder (--from)"),
                     (Path.Combine(repository, "notebooks"), "the lessons' folder"),
                     (Path.Combine(repository, ".git"), "the repository's .git folder"),
                 })
        {
            if (IsSameOrInside(siteFolder, folder) || IsSameOrInside(folder, siteFolder))
            {
                var relation = siteFolder == folder ? "is" : IsSameOrInside(siteFolder, folder) ? "lies inside" : "holds";
                throw new InvalidOperationException($"publish: --out {siteFolder} {relation} {what} {folder}; {Fix}");
            }
        }
        if (Directory.Exists(siteFolder) && Directory.EnumerateFileSystemEntries(siteFolder).Any() &&
            !File.Exists(Path.Combine(siteFolder, MarkerFile)) && !IsUnmarkedOldSite(siteFolder))
        {
            throw new InvalidOperationException(
                $"publish: --out {siteFolder} is a folder with files publish did not write (it has no {MarkerFile} " +
                $"marker), and publishing would replace it; give a new or empty folder, or remove {siteFolder} yourself.");
        }
    }

    /// <summary>
    /// A site written before publish left its marker: index.html, .nojekyll and assets/book.js, and nothing at its
    /// top level but HTML pages, .nojekyll, assets/ and source/. Such a folder is replaced like a marked one.
    /// </summary>
    private static bool IsUnmarkedOldSite(string folder)
    {
        if (!File.Exists(Path.Combine(folder, "index.html")) || !File.Exists(Path.Combine(folder, ".nojekyll")) ||
            !File.Exists(Path.Combine(folder, "assets", "book.js")))
        {
            return false;
        }
        return Directory.EnumerateFiles(folder).All(f => Path.GetFileName(f) == ".nojekyll" || f.EndsWith(".html", StringComparison.Ordinal)) &&
               Directory.EnumerateDirectories(folder).All(d => Path.GetFileName(d) is "assets" or "source");
    }

    /// <summary>
    /// Reads one executed copy and checks that it was executed without errors: no error output, and every code cell
    /// with code has an execution count (a lesson as committed has none; a run that stopped early leaves the rest without one).
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is not a notebook, holds an error, or was not executed to the end.</exception>
    internal static NotebookDocument LoadExecuted(string path)
    {
        NotebookDocument notebook;
        try
        {
            notebook = NotebookDocument.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"publish: {e.Message} Run the notebook again to rewrite its executed copy.", e);
        }
        var code = notebook.Cells.OfType<JsonObject>()
            .Select((cell, index) => (Cell: cell, Number: index + 1))
            .Where(c => NotebookDocument.CellType(c.Cell) == "code" && !string.IsNullOrWhiteSpace(NotebookDocument.Source(c.Cell)))
            .ToList();
        var notRun = code.Where(c => c.Cell["execution_count"] is null).Select(c => c.Number).ToList();
        if (notRun.Count > 0 && notRun.Count == code.Count)
        {
            throw new InvalidOperationException(
                $"publish: {path} was never executed (none of its code cells has an execution count): --from takes the " +
                "folder of executed copies that 'resnet-notebooks run' writes (artifacts/notebooks/default/), not the lessons.");
        }
        var error = code.SelectMany(c => (c.Cell["outputs"] as JsonArray ?? []).OfType<JsonObject>())
            .FirstOrDefault(o => o["output_type"]?.GetValue<string>() == "error");
        if (error is not null)
        {
            throw new InvalidOperationException(
                $"publish: {notebook.Name} holds an error output ({error["ename"]}: {error["evalue"]}); the book is built from " +
                "notebooks that ran without errors. Fix the notebook and run it again.");
        }
        if (notRun.Count > 0)
        {
            throw new InvalidOperationException(
                $"publish: {path} was not executed to the end (cell {notRun[0]} has no execution count); run the notebook " +
                "again until it passes, then publish.");
        }
        return notebook;
    }

    /// <summary>
    /// Writes the site with <paramref name="write"/> into a new temporary folder beside <paramref name="siteFolder"/>
    /// (marked with <see cref="MarkerFile"/> first) and returns it. On failure the temporary folder is removed.
    /// Temporary folders of earlier publishes that were killed are removed first.
    /// </summary>
    /// <param name="siteFolder">The target.</param>
    /// <param name="write">Writes the site into the folder it is given.</param>
    /// <param name="probe">Only check that the folder can be made there: it is removed again.</param>
    private static string Build(string siteFolder, Action<string> write, bool probe = false)
    {
        var parent = Path.GetDirectoryName(siteFolder)!;
        var name = Path.GetFileName(siteFolder);
        var temp = Path.Combine(parent, $".{name}.publish-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(parent);
            RemoveLeftovers(parent, name);
            Directory.CreateDirectory(temp);
            File.WriteAllText(Path.Combine(temp, MarkerFile),
                "This folder was written by 'resnet-notebooks publish', which replaces it on each publish.\n");
            write(temp);
            if (probe)
            {
                RemoveOwnFolder(temp);
            }
            return temp;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RemoveOwnFolder(temp);
            throw new InvalidOperationException(
                $"publish: could not write the site beside {siteFolder} ({e.Message.TrimEnd('.')}); the old site, if any, " +
                "is unchanged. Give an --out in a folder you can write.", e);
        }
        catch
        {
            RemoveOwnFolder(temp);
            throw;
        }
    }

    /// <summary>Replaces <paramref name="siteFolder"/> (checked by <see cref="CheckTarget"/>) by the finished <paramref name="built"/>.</summary>
    private static void Swap(string built, string siteFolder)
    {
        var parent = Path.GetDirectoryName(siteFolder)!;
        var old = Path.Combine(parent, $".{Path.GetFileName(siteFolder)}.old-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var moved = false;
        try
        {
            if (Directory.Exists(siteFolder))
            {
                Directory.Move(siteFolder, old);
                moved = true;
            }
            Directory.Move(built, siteFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (moved && !Directory.Exists(siteFolder))
            {
                Directory.Move(old, siteFolder);
                moved = false;
            }
            RemoveOwnFolder(built);
            throw new InvalidOperationException(
                $"publish: could not put the new site in place at {siteFolder} ({e.Message.TrimEnd('.')}); the old site is unchanged.", e);
        }
        if (moved)
        {
            Directory.Delete(old, recursive: true);
        }
    }

    /// <summary>Removes the temporary and old site folders of publishes that were killed (they hold the marker).</summary>
    private static void RemoveLeftovers(string parent, string name)
    {
        foreach (var folder in Directory.EnumerateDirectories(parent, $".{name}.*"))
        {
            if (Regex.IsMatch(Path.GetFileName(folder), @"\.(publish|old)-\d+-[0-9a-f]{32}$") && File.Exists(Path.Combine(folder, MarkerFile)))
            {
                RemoveOwnFolder(folder);
            }
        }
    }

    private static void RemoveOwnFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next publish to remove (RemoveLeftovers).
        }
    }

    /// <summary>One executed notebook, ready to render.</summary>
    private sealed record Lesson(NotebookDocument Notebook, string Title, string SummaryMarkdown)
    {
        public string PageName => Path.ChangeExtension(Notebook.Name, ".html");

        public static Lesson Read(NotebookDocument notebook)
        {
            var first = notebook.Cells.OfType<JsonObject>().FirstOrDefault(c => NotebookDocument.CellType(c) == "markdown");
            var lines = (first is null ? "" : NotebookDocument.Source(first)).Split('\n');
            var title = lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim()
                        ?? Path.GetFileNameWithoutExtension(notebook.Name);
            var paragraph = string.Join('\n', lines.SkipWhile(l => !l.StartsWith("# ", StringComparison.Ordinal)).Skip(1)
                .SkipWhile(string.IsNullOrWhiteSpace).TakeWhile(l => !string.IsNullOrWhiteSpace(l)));
            return new Lesson(notebook, title, paragraph);
        }
    }

    private static string RenderLesson(Lesson lesson, Lesson? previous, Lesson? next, string repository, ISet<string> linked, string plotlyVersion)
    {
        var body = new StringBuilder();
        var usesPlotly = false;
        var executionCount = 0;
        foreach (var cell in lesson.Notebook.Cells.OfType<JsonObject>())
        {
            var source = NotebookDocument.Source(cell);
            switch (NotebookDocument.CellType(cell))
            {
                case "markdown":
                    body.Append("<section class=\"cell markdown\">\n")
                        .Append(MarkdownToHtml(source, repository, "notebooks", "", linked))
                        .Append("</section>\n");
                    break;
                case "code":
                    var injected = NotebookDocument.Tags(cell).Contains(NotebookParameters.InjectedTag);
                    body.Append($"<section class=\"cell code{(injected ? " injected" : "")}\">\n");
                    var count = cell["execution_count"]?.GetValue<int?>() ?? ++executionCount;
                    executionCount = count;
                    body.Append($"<div class=\"prompt\">[{count}]{(injected ? " parameters injected for this build" : "")}</div>\n")
                        .Append($"<pre class=\"source\"><code class=\"language-csharp\">{WebUtility.HtmlEncode(source)}</code></pre>\n");
                    foreach (var output in (cell["outputs"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        body.Append(RenderOutput(output, lesson.Notebook.Name, plotlyVersion, ref usesPlotly));
                    }
                    body.Append("</section>\n");
                    break;
                default:
                    body.Append($"<section class=\"cell raw\"><pre>{WebUtility.HtmlEncode(source)}</pre></section>\n");
                    break;
            }
        }
        var nav = Navigation(previous, next);
        return Page(lesson.Title, "", usesPlotly,
            $"{nav}<main>\n{body}</main>\n{nav}<footer>Executed notebook <code>{WebUtility.HtmlEncode(lesson.Notebook.Name)}</code>, " +
            "published by <code>resnet-notebooks publish</code>.</footer>\n");
    }

    private static string Navigation(Lesson? previous, Lesson? next) =>
        "<nav class=\"lessons\">" +
        (previous is null ? "<span></span>" : $"<a rel=\"prev\" href=\"{previous.PageName}\">← {WebUtility.HtmlEncode(previous.Title)}</a>") +
        $"<a href=\"index.html\">{BookTitle}</a>" +
        (next is null ? "<span></span>" : $"<a rel=\"next\" href=\"{next.PageName}\">{WebUtility.HtmlEncode(next.Title)} →</a>") +
        "</nav>\n";

    private static string RenderOutput(JsonObject output, string notebook, string plotlyVersion, ref bool usesPlotly)
    {
        switch (output["output_type"]?.GetValue<string>())
        {
            case "stream":
                var stream = output["name"]?.GetValue<string>() == "stderr" ? "stderr" : "stdout";
                return $"<pre class=\"output stream {stream}\">{WebUtility.HtmlEncode(Text(output["text"]))}</pre>\n";
            case "error":
                throw new InvalidOperationException(
                    $"publish: {notebook} holds an error output ({output["ename"]}: {output["evalue"]}); the book is built from " +
                    "notebooks that ran without errors. Fix the notebook and run it again.");
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
                            throw new InvalidOperationException(
                                $"publish: {notebook} embeds plotly.js {script.Groups[1].Value} but site/package.json pins " +
                                $"plotly.js-dist-min {plotlyVersion}; pin the version Plotly.NET embeds.");
                        }
                        usesPlotly = true;
                        return "";
                    }
                    if (html.Contains("dotnet-interactive-this-cell", StringComparison.Ordinal))
                    {
                        return ""; // the Jupyter kernel's bootstrap script, which talks to a live kernel
                    }
                    var chart = html.Contains("Plotly.newPlot", StringComparison.Ordinal);
                    usesPlotly |= chart;
                    return $"<div class=\"output html{(chart ? " chart" : "")}\">{html}</div>\n";
                }
                if (data["image/svg+xml"] is { } svg)
                {
                    return $"<div class=\"output image\">{Text(svg)}</div>\n";
                }
                if (data["image/png"] is { } png)
                {
                    return $"<div class=\"output image\"><img alt=\"output\" src=\"data:image/png;base64,{Text(png).Trim()}\"></div>\n";
                }
                if (data["text/plain"] is { } plain)
                {
                    return $"<pre class=\"output text\">{WebUtility.HtmlEncode(Text(plain))}</pre>\n";
                }
                return "";
            default:
                return "";
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
    /// Markdown to HTML. Links are rewritten for the site: another notebook's .ipynb becomes its page; a file of the
    /// repository under src/ becomes its source page (and is recorded in <paramref name="linked"/>).
    /// </summary>
    private static string MarkdownToHtml(string markdown, string repository, string folderInRepository, string rootPrefix, ISet<string> linked)
    {
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
                link.Url = rootPrefix + Path.ChangeExtension(Path.GetFileName(file), ".html") + anchor;
            }
            else if (!file.StartsWith("..", StringComparison.Ordinal) && File.Exists(Path.Combine(repository, file)) &&
                     (file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".md", StringComparison.Ordinal)))
            {
                linked.Add(file);
                link.Url = rootPrefix + SourcePage(file) + anchor;
            }
        }
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    /// <summary>The page of a repository file: src/ResNetNotebooks/Models/Residual.cs → source/src/ResNetNotebooks/Models/Residual.cs.html.</summary>
    private static string SourcePage(string file) => $"source/{file}.html";

    private static string RenderSource(string repository, string file)
    {
        var depth = SourcePage(file).Count(c => c == '/');
        var root = string.Concat(Enumerable.Repeat("../", depth));
        var text = File.ReadAllText(Path.Combine(repository, file));
        var content = file.EndsWith(".md", StringComparison.Ordinal)
            ? $"<section class=\"cell markdown\">{MarkdownToHtml(text, repository, Path.GetDirectoryName(file) ?? "", root, new HashSet<string>())}</section>"
            : $"<pre class=\"source file\"><code class=\"language-csharp\">{WebUtility.HtmlEncode(text)}</code></pre>";
        return Page(file, root, usesPlotly: false,
            $"<nav class=\"lessons\"><span></span><a href=\"{root}index.html\">{BookTitle}</a><span></span></nav>\n" +
            $"<main>\n<h1 class=\"file\"><code>{WebUtility.HtmlEncode(file)}</code></h1>\n{content}\n</main>\n");
    }

    private static string RenderIndex(IReadOnlyList<Lesson> lessons, IReadOnlyList<string> library, string build)
    {
        var body = new StringBuilder();
        body.Append($"<main>\n<h1>{BookTitle}</h1>\n")
            .Append("<p>Notebooks for C#/.NET developers who want to understand residual networks by running them, on TorchSharp. ")
            .Append("They retell the <em>Residual Networks (ResNet)</em> chapter of <a href=\"https://d2l.ai\">Dive into Deep Learning</a> ")
            .Append("and He et al. (2016). This book shows every lesson as it ran, outputs included; to run them yourself, ")
            .Append("see the repository's README.</p>\n<h2>Lessons</h2>\n<ol class=\"lessons\">\n");
        foreach (var lesson in lessons)
        {
            var summary = MarkdownToHtml(lesson.SummaryMarkdown, "/", "notebooks", "", new HashSet<string>());
            body.Append($"<li><a href=\"{lesson.PageName}\">{WebUtility.HtmlEncode(lesson.Title)}</a>{summary}</li>\n");
        }
        body.Append("</ol>\n<h2>The library</h2>\n<p>The code the lessons use, one folder per layer.</p>\n");
        foreach (var folder in library.GroupBy(f => Path.GetDirectoryName(f)!.Replace('\\', '/')))
        {
            body.Append($"<h3><code>{WebUtility.HtmlEncode(folder.Key)}/</code></h3>\n<ul class=\"files\">\n");
            foreach (var file in folder)
            {
                body.Append($"<li><a href=\"{SourcePage(file)}\"><code>{WebUtility.HtmlEncode(Path.GetFileName(file))}</code></a></li>\n");
            }
            body.Append("</ul>\n");
        }
        body.Append($"</main>\n<footer>Built from the executed notebooks in <code>artifacts/notebooks/{WebUtility.HtmlEncode(build)}/</code> " +
                    "by <code>resnet-notebooks publish</code>.</footer>\n");
        return Page(BookTitle, "", usesPlotly: false, body.ToString());
    }

    private static string Page(string title, string root, bool usesPlotly, string body) =>
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
        $"<title>{WebUtility.HtmlEncode(title)}</title>\n" +
        $"<link rel=\"stylesheet\" href=\"{root}assets/katex/katex.min.css\">\n" +
        $"<link rel=\"stylesheet\" href=\"{root}assets/highlight/github.min.css\">\n" +
        $"<link rel=\"stylesheet\" href=\"{root}assets/book.css\">\n" +
        (usesPlotly ? $"<script src=\"{root}assets/plotly.min.js\"></script>\n" : "") +
        $"</head>\n<body>\n{body}" +
        $"<script src=\"{root}assets/katex/katex.min.js\"></script>\n" +
        $"<script src=\"{root}assets/highlight/highlight.min.js\"></script>\n" +
        $"<script src=\"{root}assets/highlight/csharp.min.js\"></script>\n" +
        $"<script src=\"{root}assets/book.js\"></script>\n</body>\n</html>\n";

    /// <summary>Where the pinned npm packages are, and the plotly.js version they hold.</summary>
    private sealed record Assets(string Modules, string SiteSources, string PlotlyVersion);

    /// <summary>Runs <c>npm ci</c> in site/ when its node_modules is missing or older than package-lock.json.</summary>
    private static Assets InstallAssets(string repository, TextWriter log)
    {
        var site = Path.Combine(repository, "site");
        var modules = Path.Combine(site, "node_modules");
        var installed = Path.Combine(modules, ".package-lock.json");
        if (!File.Exists(installed) || File.GetLastWriteTimeUtc(installed) < File.GetLastWriteTimeUtc(Path.Combine(site, "package-lock.json")))
        {
            log.WriteLine("Installing the site's pinned npm packages (npm ci in site/)...");
            var start = new ProcessStartInfo("npm") { WorkingDirectory = site, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
            {
                start.ArgumentList.Add(argument);
            }
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException(
                    $"publish: npm is needed once to install the site's pinned libraries (site/package-lock.json) and could not be started ({e.Message}); install Node.js and npm.", e);
            }
            using (process)
            {
                var stderr = process.StandardError.ReadToEndAsync();
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"publish: npm ci in {site} failed (exit code {process.ExitCode}): {stderr.Result.Trim().ReplaceLineEndings(" ")}");
                }
            }
        }
        var plotly = JsonNode.Parse(File.ReadAllText(Path.Combine(modules, "plotly.js-dist-min", "package.json")))!["version"]!.GetValue<string>();
        return new Assets(modules, site, plotly);
    }

    private static void CopyAssets(Assets assets, string target)
    {
        void Copy(string from, string to)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to, overwrite: true);
        }
        var katex = Path.Combine(assets.Modules, "katex", "dist");
        Copy(Path.Combine(katex, "katex.min.js"), Path.Combine(target, "katex", "katex.min.js"));
        Copy(Path.Combine(katex, "katex.min.css"), Path.Combine(target, "katex", "katex.min.css"));
        // Every browser that runs this site reads woff2, the first format katex.min.css names for each font.
        foreach (var font in Directory.GetFiles(Path.Combine(katex, "fonts"), "*.woff2"))
        {
            Copy(font, Path.Combine(target, "katex", "fonts", Path.GetFileName(font)));
        }
        Copy(Path.Combine(katex, "..", "LICENSE"), Path.Combine(target, "katex", "LICENSE"));
        var highlight = Path.Combine(assets.Modules, "@highlightjs", "cdn-assets");
        Copy(Path.Combine(highlight, "highlight.min.js"), Path.Combine(target, "highlight", "highlight.min.js"));
        Copy(Path.Combine(highlight, "languages", "csharp.min.js"), Path.Combine(target, "highlight", "csharp.min.js"));
        Copy(Path.Combine(highlight, "styles", "github.min.css"), Path.Combine(target, "highlight", "github.min.css"));
        Copy(Path.Combine(highlight, "LICENSE"), Path.Combine(target, "highlight", "LICENSE"));
        var plotly = Path.Combine(assets.Modules, "plotly.js-dist-min");
        Copy(Path.Combine(plotly, "plotly.min.js"), Path.Combine(target, "plotly.min.js"));
        Copy(Path.Combine(assets.SiteSources, "book.css"), Path.Combine(target, "book.css"));
        Copy(Path.Combine(assets.SiteSources, "book.js"), Path.Combine(target, "book.js"));
    }
}
