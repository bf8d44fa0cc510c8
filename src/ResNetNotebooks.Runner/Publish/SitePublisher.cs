using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ResNetNotebooks.Runner.Publish;

namespace ResNetNotebooks.Runner;

/// <summary>
/// Turns executed notebooks into a static web book (<c>resnet-notebooks publish</c>): an index with the lessons in
/// order, one page per notebook with every output in place, and one page per library source file. It works offline
/// when viewed: prose is Markdown rendered by Markdig, math is typeset by KaTeX in the browser, code is highlighted by
/// highlight.js, charts are drawn by plotly.js, and all three libraries are copied from the pinned npm packages in
/// <c>site/</c> (package-lock.json) into <c>assets/</c>, so each is included once per site, never from a CDN.
/// </summary>
internal static class SitePublisher
{
    /// <summary>What a publish produced: <paramref name="Editions"/> are the languages, English first (en at the root, others in a folder each).</summary>
    internal sealed record Summary(string Folder, int Lessons, int SourcePages, long Bytes, int Files, IReadOnlyList<string> Editions);

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
    /// <exception cref="PublishFolderRefusedException">The target is not a folder publish may replace, or the executed
    /// copies' folder does not exist.</exception>
    /// <exception cref="PublishException">An executed copy is missing, invalid, never executed or holds an error, the npm packages cannot be installed, the notebooks'
    /// plotly.js is not the site's, or the site cannot be written; the message says what to do.</exception>
    public static Summary Publish(string repository, string executedFolder, string siteFolder, TextWriter log) =>
        Publish(repository, executedFolder, siteFolder, log, () => SiteAssets.Install(repository, log));

    /// <summary>As <see cref="Publish(string, string, string, TextWriter)"/>, with the assets' installer given (tests).</summary>
    internal static Summary Publish(string repository, string executedFolder, string siteFolder, TextWriter log, Func<SiteAssets> installAssets)
    {
        var clock = Stopwatch.StartNew();
        repository = FullFolder(repository);
        executedFolder = FullFolder(executedFolder);
        siteFolder = FullFolder(siteFolder);
        CheckTarget(repository, executedFolder, siteFolder);

        const string RunFirst = "run the notebooks first ('resnet-notebooks run' writes artifacts/notebooks/default/; 'run --preset ci' or " +
                                "'dotnet test' writes artifacts/notebooks/ci/, which 'publish --preset ci' reads), or pass --from FOLDER.";
        if (!Directory.Exists(executedFolder))
        {
            // Not "has no executed copy of" every lesson: the folder itself is wrong.
            throw new PublishFolderRefusedException(
                $"publish: the executed notebooks' folder {executedFolder} {(File.Exists(executedFolder) ? "is a file" : "does not exist")}; {RunFirst}");
        }
        var sources = Directory.GetFiles(Path.Combine(repository, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal).ToList();
        var missing = sources.Select(Path.GetFileName).Where(n => !File.Exists(Path.Combine(executedFolder, n!))).ToList();
        if (sources.Count == 0 || missing.Count > 0)
        {
            throw new PublishException(
                $"publish: {executedFolder} has no executed copy of {(sources.Count == 0 ? "any notebook" : string.Join(", ", missing))}; {RunFirst}");
        }
        var executed = sources.Select(s => Path.Combine(executedFolder, Path.GetFileName(s)))
            .Select(path => (Notebook: LoadExecuted(path), Written: new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero)))
            .ToList();
        Build(siteFolder, _ => { }, probe: true); // can the site be written there? (before npm runs)
        var assets = installAssets();

        // Every page is rendered before anything is written: an error output or a wrong plotly.js refuses here.
        var book = BookRenderer.Render(repository, executed, Path.GetFileName(executedFolder), assets.PlotlyVersion);
        var building = Build(siteFolder, folder =>
        {
            assets.CopyTo(Path.Combine(folder, "assets"));
            foreach (var (page, html) in book.Pages)
            {
                var target = Path.Combine(folder, page);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllText(target, html);
            }
            File.WriteAllText(Path.Combine(folder, ".nojekyll"), "");
        });
        var files = Directory.GetFiles(building, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != MarkerFile).ToList();
        var summary = new Summary(siteFolder, executed.Count, book.SourcePages, files.Sum(f => new FileInfo(f).Length), files.Count, book.Editions);
        Swap(building, siteFolder);
        var untranslated = book.Untranslated.Count == 0 ? "" :
            " " + string.Join("; ", book.Untranslated.Select(u => $"{u.Key}: {u.Value} cell(s) without a current translation, shown in English ('resnet-notebooks translations check --lang {u.Key}' names them)")) + ".";
        log.WriteLine($"Published {summary.Lessons} lessons in {string.Join(" and ", summary.Editions)} and {summary.SourcePages} source pages to {siteFolder}: " +
                      $"{summary.Files} files, {summary.Bytes / 1e6:0.0} MB, in {clock.Elapsed.TotalSeconds:0.0} s.{untranslated}");
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
    /// <exception cref="PublishFolderRefusedException">The folder is one of those; the message names it and the fix.</exception>
    internal static void CheckTarget(string repository, string executedFolder, string siteFolder)
    {
        const string Fix = "publish replaces its --out folder; give a new folder of its own (the default is artifacts/site/).";
        if (File.Exists(siteFolder))
        {
            throw new PublishFolderRefusedException($"publish: --out {siteFolder} is a file, not a folder; {Fix}");
        }
        if (IsSameOrInside(repository, siteFolder))
        {
            throw new PublishFolderRefusedException(
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
                throw new PublishFolderRefusedException($"publish: --out {siteFolder} {relation} {what} {folder}; {Fix}");
            }
        }
        if (Directory.Exists(siteFolder) && Directory.EnumerateFileSystemEntries(siteFolder).Any() &&
            !File.Exists(Path.Combine(siteFolder, MarkerFile)) && !IsUnmarkedOldSite(siteFolder))
        {
            throw new PublishFolderRefusedException(
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
    /// <exception cref="PublishException">The file is not a notebook, holds an error, or was not executed to the end.</exception>
    internal static NotebookDocument LoadExecuted(string path)
    {
        NotebookDocument notebook;
        try
        {
            notebook = NotebookDocument.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new PublishException($"publish: {e.Message} Run the notebook again to rewrite its executed copy.", e);
        }
        if (notebook.Metadata["resnet"]?[Translations.TranslatedNotebooks.MarkerKey] is { } translated)
        {
            throw new PublishException(
                $"publish: {path} is an executed translated copy ({translated}), not a lesson's; the book translates the " +
                "English lessons' copies itself. Run the English notebooks ('resnet-notebooks run') to rewrite it.");
        }
        var code = notebook.Cells.OfType<JsonObject>()
            .Select((cell, index) => (Cell: cell, Number: index + 1))
            .Where(c => NotebookDocument.CellType(c.Cell) == "code" && !string.IsNullOrWhiteSpace(NotebookDocument.Source(c.Cell)))
            .ToList();
        var notRun = code.Where(c => c.Cell["execution_count"] is null).Select(c => c.Number).ToList();
        if (notRun.Count > 0 && notRun.Count == code.Count)
        {
            throw new PublishException(
                $"publish: {path} was never executed (none of its code cells has an execution count): --from takes the " +
                "folder of executed copies that 'resnet-notebooks run' writes (artifacts/notebooks/default/), not the lessons.");
        }
        var error = code.SelectMany(c => (c.Cell["outputs"] as JsonArray ?? []).OfType<JsonObject>())
            .FirstOrDefault(o => o["output_type"]?.GetValue<string>() == "error");
        if (error is not null)
        {
            throw BookRenderer.ErrorOutput(notebook.Name, error);
        }
        if (notRun.Count > 0)
        {
            throw new PublishException(
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
            throw new PublishException(
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
            throw new PublishException(
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
}
