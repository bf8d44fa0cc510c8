using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ResNetNotebooks.Runner.Translations;

/// <summary>
/// A markdown cell of an English notebook, the source a translation block translates: its nbformat id, its text and
/// the hash that a block's marker records (translations/zh/README.md).
/// </summary>
/// <param name="Id">The cell's nbformat id (<c>"id"</c> in the .ipynb).</param>
/// <param name="Source">The cell's markdown, its lines joined exactly as stored.</param>
public sealed record EnglishCell(string Id, string Source)
{
    /// <summary>How many hex digits of the SHA-256 a marker keeps.</summary>
    public const int HashLength = 16;

    /// <summary>The first <see cref="HashLength"/> hex digits of the SHA-256 of <see cref="Source"/> as UTF-8.</summary>
    public string Hash => HashOf(Source);

    /// <summary>The first words of the cell (markdown heading marks left out), to name the cell in a report.</summary>
    public string FirstWords => FirstWordsOf(Source);

    /// <summary>The first <see cref="HashLength"/> hex digits (lower case) of the SHA-256 of <paramref name="source"/> as UTF-8.</summary>
    public static string HashOf(string source) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..HashLength];

    /// <summary>The first <paramref name="count"/> words of <paramref name="text"/> on one line, with "…" when there are more.</summary>
    public static string FirstWordsOf(string text, int count = 8)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Trim('#').Length > 0)
            .ToList();
        var first = string.Join(' ', words.Take(count));
        return words.Count > count ? first + " …" : first;
    }

    /// <summary>
    /// Every cell of <paramref name="notebook"/> with its id and type, in notebook order (a cell without an id gets
    /// an empty one: nbformat 4.5 requires ids, and the translations need them).
    /// </summary>
    public static IReadOnlyList<(string Id, string CellType, string Source)> CellsOf(NotebookDocument notebook) =>
        notebook.Cells.OfType<JsonObject>()
            .Select(c => (c["id"]?.GetValue<string>() ?? "", NotebookDocument.CellType(c), NotebookDocument.Source(c)))
            .ToList();

    /// <summary>The markdown cells of <paramref name="notebook"/>, in notebook order.</summary>
    public static IReadOnlyList<EnglishCell> MarkdownCellsOf(NotebookDocument notebook) => MarkdownCellsOf(CellsOf(notebook));

    /// <summary>The markdown cells among <paramref name="cells"/> (as <see cref="CellsOf"/> gives them), in order.</summary>
    public static IReadOnlyList<EnglishCell> MarkdownCellsOf(IEnumerable<(string Id, string CellType, string Source)> cells) =>
        cells.Where(c => c.CellType == "markdown").Select(c => new EnglishCell(c.Id, c.Source)).ToList();
}
