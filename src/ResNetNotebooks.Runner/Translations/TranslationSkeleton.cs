using ResNetNotebooks.Native;

namespace ResNetNotebooks.Runner.Translations;

/// <summary>
/// Writes or refreshes translation files so that each holds one block per markdown cell, in notebook order: a block
/// whose cell id and hash still match the English is kept as it is; a new or changed cell gets a block with the
/// current hash and the English text under a <c>TODO-EN</c> line (a changed cell's old translation is replaced: git
/// history keeps it); blocks of cells that are gone are dropped. The output is the same, byte for byte, as the script
/// that wrote the first skeletons.
/// </summary>
public static class TranslationSkeleton
{
    /// <summary>What <see cref="Refresh"/> did to one notebook's file.</summary>
    /// <param name="File">The translation file.</param>
    /// <param name="Blocks">Its blocks (the notebook's markdown cells).</param>
    /// <param name="Placeholders">How many of them hold the English placeholder after the refresh.</param>
    /// <param name="Changed">Whether the file was written (false: it was already current).</param>
    public sealed record Result(string File, int Blocks, int Placeholders, bool Changed);

    /// <summary>The title line of a new translation file, e.g. <c># 01-residual-block.ipynb · 中文译文</c>.</summary>
    public static string TitleFor(string notebookName, string language) =>
        language == "zh" ? $"# {notebookName} · 中文译文" : $"# {notebookName} · translation ({language})";

    /// <summary>
    /// The text of a notebook's translation file: <paramref name="title"/>, then one block per cell of
    /// <paramref name="markdownCells"/>, keeping the blocks of <paramref name="previous"/> whose id and hash match.
    /// </summary>
    public static string Render(string title, IReadOnlyList<EnglishCell> markdownCells, TranslationFile? previous)
    {
        var kept = new Dictionary<(string, string), string>();
        foreach (var block in previous?.Blocks ?? [])
        {
            kept.TryAdd((block.CellId, block.EnglishHash), block.Text);
        }
        var parts = new List<string> { title + "\n" };
        foreach (var cell in markdownCells)
        {
            var hash = cell.Hash;
            var body = kept.TryGetValue((cell.Id, hash), out var text) ? text : TranslationBlock.Placeholder + "\n" + cell.Source;
            parts.Add($"{TranslationBlock.MarkerFor(cell.Id, hash)}\n{body}\n");
        }
        return string.Join("\n", parts);
    }

    /// <summary>
    /// Refreshes the translation file of every notebook in <paramref name="notebooksFolder"/> in
    /// <paramref name="translationsFolder"/> (writing each atomically, and only when it changes). Every file is checked
    /// before any is written: a refusal leaves them all as they were.
    /// </summary>
    /// <exception cref="InvalidDataException">A notebook is not a valid notebook file, or a translation file has a
    /// malformed marker, whose block's text a refresh would move or drop (the message names the file and line).</exception>
    /// <exception cref="UnauthorizedAccessException">A file that would change is read-only (the message says how to make it writable).</exception>
    /// <exception cref="IOException">A file could not be written (the message names it; the old file is kept).</exception>
    public static IReadOnlyList<Result> Refresh(string notebooksFolder, string translationsFolder, string language)
    {
        var refreshed = new List<(Result Result, string Text)>();
        foreach (var notebookPath in Directory.GetFiles(notebooksFolder, "*.ipynb").Order(StringComparer.Ordinal))
        {
            var notebook = NotebookDocument.Load(notebookPath);
            var cells = EnglishCell.MarkdownCellsOf(notebook);
            var file = TranslationChecker.TranslationFilePath(translationsFolder, notebookPath);
            var old = File.Exists(file) ? File.ReadAllText(file) : null;
            var previous = old is null ? null : TranslationFile.Parse(old, file);
            if (previous?.MalformedMarkers is [var line, ..])
            {
                throw new InvalidDataException(
                    $"{file}:{line} starts like a block marker but is not <!-- cell: ID · en-sha256: HASH -->, so a refresh would " +
                    $"move or drop the text below it; fix that line first ('translations check --lang {language}' names it). Nothing was written.");
            }
            var text = Render(TitleFor(notebook.Name, language), cells, previous);
            if (text != old && old is not null && !OperatingSystem.IsWindows() &&
                (File.GetUnixFileMode(file) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0)
            {
                // Read-only says "do not change this file" (as for 'strip'): refuse rather than replace it.
                throw new UnauthorizedAccessException(
                    $"{file} is read-only (mode {Convert.ToString((int)File.GetUnixFileMode(file), 8)}) and would change; make it " +
                    $"writable (chmod u+w {file}) to refresh it. Nothing was written.");
            }
            var placeholders = TranslationFile.Parse(text, file).Blocks.Count(b => b.IsPlaceholder);
            refreshed.Add((new Result(file, cells.Count, placeholders, text != old), text));
        }
        foreach (var (result, text) in refreshed.Where(r => r.Result.Changed))
        {
            AtomicFile.WriteAllText(result.File, text);
        }
        return refreshed.Select(r => r.Result).ToList();
    }
}
