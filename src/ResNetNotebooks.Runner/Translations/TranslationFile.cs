using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ResNetNotebooks.Runner.Translations;

/// <summary>
/// A translation of one notebook's markdown cells (translations/&lt;lang&gt;/&lt;notebook&gt;.md): a title line, then
/// one <see cref="TranslationBlock"/> per markdown cell, in notebook order. The format is described in
/// translations/zh/README.md.
/// </summary>
public sealed partial class TranslationFile
{
    private TranslationFile(string path, string header, IReadOnlyList<TranslationBlock> blocks, IReadOnlyList<int> malformedMarkers)
    {
        Path = path;
        Header = header;
        Blocks = blocks;
        MalformedMarkers = malformedMarkers;
    }

    /// <summary>Where the file was read from (or the name given to <see cref="Parse"/>).</summary>
    public string Path { get; }

    /// <summary>Everything before the first marker, e.g. <c># 01-residual-block.ipynb · 中文译文</c>.</summary>
    public string Header { get; }

    /// <summary>The blocks in file order.</summary>
    public IReadOnlyList<TranslationBlock> Blocks { get; }

    /// <summary>
    /// Line numbers (1-based) of lines that start like a marker (<c>&lt;!-- cell:</c>) but do not match its form; their
    /// text counts as part of the block above them.
    /// </summary>
    public IReadOnlyList<int> MalformedMarkers { get; }

    [GeneratedRegex(@"^<!-- cell: (\S+) · en-sha256: ([0-9a-f]{16}) -->$")]
    private static partial Regex MarkerLine();

    /// <summary>The translation of <paramref name="notebookName"/> (e.g. <c>01-residual-block.ipynb</c>) into
    /// <paramref name="language"/> in <paramref name="translationsFolder"/>; an empty one (every cell untranslated) when
    /// there is no file.</summary>
    public static TranslationFile Of(string translationsFolder, string language, string notebookName)
    {
        var path = System.IO.Path.Combine(translationsFolder, language, System.IO.Path.ChangeExtension(notebookName, ".md"));
        return Parse(File.Exists(path) ? File.ReadAllText(path) : "", path);
    }

    /// <summary>Each markdown cell of <paramref name="notebook"/> with its text in this language: the block's when it
    /// is written and translates the cell's current English (same hash), else the English, and the cell is listed in
    /// <c>Untranslated</c>.</summary>
    public (IReadOnlyDictionary<JsonObject, string> Markdown, IReadOnlySet<JsonObject> Untranslated) Apply(NotebookDocument notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        var blocks = Blocks.GroupBy(b => b.CellId).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var markdown = new Dictionary<JsonObject, string>();
        var untranslated = new HashSet<JsonObject>();
        foreach (var cell in notebook.Cells.OfType<JsonObject>().Where(c => NotebookDocument.CellType(c) == "markdown"))
        {
            var english = NotebookDocument.Source(cell);
            if (cell["id"] is JsonValue id && id.TryGetValue<string>(out var cellId) && blocks.TryGetValue(cellId, out var block) &&
                block.EnglishHash == EnglishCell.HashOf(english) && !block.IsPlaceholder)
            {
                markdown[cell] = block.Text;
            }
            else
            {
                markdown[cell] = english;
                untranslated.Add(cell);
            }
        }
        return (markdown, untranslated);
    }

    /// <summary>Parses the text of a translation file; <paramref name="path"/> only names it.</summary>
    public static TranslationFile Parse(string text, string path)
    {
        var lines = text.Split('\n');
        var header = new List<string>();
        var blocks = new List<TranslationBlock>();
        var malformed = new List<int>();
        (string Id, string Hash, int Line)? current = null;
        var body = new List<string>();

        void Close()
        {
            if (current is { } block)
            {
                blocks.Add(new TranslationBlock(block.Id, block.Hash, string.Join('\n', body).Trim('\n', '\r'), block.Line));
            }
            body.Clear();
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var match = MarkerLine().Match(line);
            if (match.Success)
            {
                Close();
                current = (match.Groups[1].Value, match.Groups[2].Value, i + 1);
                continue;
            }
            if (line.StartsWith("<!-- cell:", StringComparison.Ordinal))
            {
                malformed.Add(i + 1);
            }
            (current is null ? header : body).Add(lines[i]);
        }
        Close();
        return new TranslationFile(path, string.Join('\n', header).Trim('\n', '\r'), blocks, malformed);
    }
}
