using System.Text.Json.Nodes;

namespace ResNetNotebooks.Runner.Translations;

/// <summary>
/// Writes translated copies of the lessons (<c>resnet-notebooks translations notebooks --lang zh</c>): each notebook of
/// notebooks/ as committed (no outputs), its markdown cells replaced by their current translations (a missing or stale
/// one keeps the English and is counted), code cells unchanged. The copies are generated, not committed: the English
/// notebooks and translations/LANG/ stay the only sources. They go to a folder beside notebooks/ (default
/// notebooks-LANG/), because the lessons load the library and data by paths relative to their folder (../artifacts/…).
/// </summary>
public static class TranslatedNotebooks
{
    /// <summary>The metadata key that marks a generated copy (so that a rewrite replaces only files it wrote).</summary>
    public const string MarkerKey = "translated_from";

    /// <summary>What was written for one notebook: the file, its markdown cells, and how many stayed in English.</summary>
    public sealed record Result(string File, int MarkdownCells, int English);

    /// <summary>Writes the copies of every lesson into <paramref name="outFolder"/>.</summary>
    /// <exception cref="OutFolderRefusedException">The folder is not directly inside the repository, is notebooks/ or a file, or holds
    /// anything this command did not write (Jupyter's .ipynb_checkpoints aside); the message says what to do. Nothing is
    /// written then.</exception>
    public static IReadOnlyList<Result> Write(string repository, string language, string outFolder)
    {
        var notebooks = Path.Combine(repository, "notebooks");
        outFolder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outFolder));
        if (Path.GetDirectoryName(outFolder) != Path.TrimEndingDirectorySeparator(Path.GetFullPath(repository)) || outFolder == Path.GetFullPath(notebooks))
        {
            throw new OutFolderRefusedException(
                $"--out {outFolder} must be a folder of its own directly inside the repository, beside notebooks/ (e.g. notebooks-{language}), " +
                "because the lessons load the library and data by relative paths (../artifacts/notebook-lib/).");
        }
        if (File.Exists(outFolder))
        {
            throw new OutFolderRefusedException(
                $"--out {outFolder} is a file, not a folder; give a folder of its own beside notebooks/ (e.g. notebooks-{language}).");
        }
        var sources = Directory.GetFiles(notebooks, "*.ipynb").Order(StringComparer.Ordinal).ToList();
        var lessons = sources.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        // The folder is the copies' own: besides them it may hold only Jupyter's checkpoints, so that a source folder
        // (.github, src, docs…) never receives notebooks, and a notebook of the user's is never replaced.
        var foreign = Directory.Exists(outFolder)
            ? Directory.EnumerateFileSystemEntries(outFolder)
                .Order(StringComparer.Ordinal)
                .FirstOrDefault(entry => Path.GetFileName(entry) != ".ipynb_checkpoints" && !IsCopyWritten(entry))
            : null;
        if (foreign is not null)
        {
            throw new OutFolderRefusedException(lessons.Contains(Path.GetFileName(foreign))
                ? $"{foreign} is a file this command did not write, and it would be replaced; give another --out or move it away."
                : $"--out {outFolder} holds {foreign}, which this command did not write; give a folder of its own (e.g. notebooks-{language}, the default) or move it away.");
        }
        var copies = new List<(NotebookDocument Notebook, Result Result)>();
        foreach (var source in sources)
        {
            var notebook = NotebookDocument.Load(source);
            var translation = TranslationFile.Of(Path.Combine(repository, "translations"), language, notebook.Name);
            var (markdown, untranslated) = translation.Apply(notebook);
            foreach (var (cell, text) in markdown)
            {
                cell["source"] = NotebookDocument.SourceLines(text);
            }
            notebook.ClearOutputs();
            notebook.RemoveInjectedParameters();
            var resnet = notebook.Metadata["resnet"] as JsonObject ?? (JsonObject)(notebook.Metadata["resnet"] = new JsonObject());
            resnet[MarkerKey] = $"notebooks/{notebook.Name} with translations/{language}/{Path.GetFileName(translation.Path)}";
            copies.Add((notebook, new Result(Path.Combine(outFolder, notebook.Name), markdown.Count, untranslated.Count)));
        }
        Directory.CreateDirectory(outFolder);
        foreach (var (notebook, result) in copies)
        {
            notebook.Save(result.File);
        }
        return copies.Select(c => c.Result).ToList();
    }

    /// <summary>True when <paramref name="path"/> is a copy this command wrote; a folder, or a file that is not a notebook, is someone else's.</summary>
    private static bool IsCopyWritten(string path)
    {
        if (!path.EndsWith(".ipynb", StringComparison.Ordinal) || !File.Exists(path))
        {
            return false;
        }

        try
        {
            return NotebookDocument.Load(path).Metadata["resnet"]?[MarkerKey] is not null;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}

/// <summary>The output folder given to <see cref="TranslatedNotebooks.Write"/> cannot take the copies (a usage error:
/// the message names the folder and what to give instead); nothing was written.</summary>
public sealed class OutFolderRefusedException(string message) : InvalidOperationException(message);
