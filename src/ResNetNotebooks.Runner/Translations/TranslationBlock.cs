namespace ResNetNotebooks.Runner.Translations;

/// <summary>
/// One block of a translation file: the marker line <c>&lt;!-- cell: ID · en-sha256: HASH --&gt;</c> and the
/// translated markdown under it, up to the next marker.
/// </summary>
/// <param name="CellId">The id of the English notebook cell the block translates.</param>
/// <param name="EnglishHash">The hash of the English source the block was translated from (<see cref="EnglishCell.HashOf"/>).</param>
/// <param name="Text">The block's markdown, without the marker and without leading and trailing blank lines.</param>
/// <param name="Line">The marker's line number in the file (1-based).</param>
public sealed record TranslationBlock(string CellId, string EnglishHash, string Text, int Line)
{
    /// <summary>The first line of a block that still holds the English placeholder instead of a translation.</summary>
    public const string Placeholder = "TODO-EN";

    /// <summary>Whether the block still holds the English placeholder (its text starts with <see cref="Placeholder"/>).</summary>
    public bool IsPlaceholder => Text.StartsWith(Placeholder, StringComparison.Ordinal);

    /// <summary>The marker line that starts this block.</summary>
    public string Marker => MarkerFor(CellId, EnglishHash);

    /// <summary>The marker line for a cell id and an English hash.</summary>
    public static string MarkerFor(string cellId, string englishHash) => $"<!-- cell: {cellId} · en-sha256: {englishHash} -->";
}
