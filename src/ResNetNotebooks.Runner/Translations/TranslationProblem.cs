namespace ResNetNotebooks.Runner.Translations;

/// <summary>One problem of a translation, reported as one line: where, which cell, what kind, and the fix.</summary>
/// <param name="Notebook">The notebook's file name, e.g. <c>01-residual-block.ipynb</c>.</param>
/// <param name="CellId">The cell's id ("" for a malformed marker line, which names no cell).</param>
/// <param name="Kind">What is wrong.</param>
/// <param name="FirstWords">The English cell's first words, or the block's when the notebook has no such markdown cell.</param>
/// <param name="Location">The translation file and line, e.g. <c>translations/zh/01-residual-block.md:12</c>, or the file alone.</param>
/// <param name="Detail">What was found and how to fix it.</param>
public sealed record TranslationProblem(
    string Notebook, string CellId, TranslationProblemKind Kind, string FirstWords, string Location, string Detail)
{
    /// <summary>The kind as reports write it: <c>MISSING</c>, <c>STALE</c>, <c>OUT-OF-ORDER</c>, <c>NO-CHINESE</c>, …</summary>
    public string KindName => KindNameOf(Kind);

    /// <summary>The report form of a kind (upper case, words joined by '-').</summary>
    public static string KindNameOf(TranslationProblemKind kind) => kind switch
    {
        TranslationProblemKind.OutOfOrder => "OUT-OF-ORDER",
        TranslationProblemKind.NoChinese => "NO-CHINESE",
        TranslationProblemKind.LostLink => "LOST-LINK",
        TranslationProblemKind.ExtraLink => "EXTRA-LINK",
        TranslationProblemKind.DisplayMath => "DISPLAY-MATH",
        TranslationProblemKind.MalformedMarker => "MALFORMED-MARKER",
        _ => kind.ToString().ToUpperInvariant(),
    };

    /// <summary>
    /// One line, e.g. <c>01-residual-block.ipynb cell 5a6fedd4 STALE "01 · The residual block Stacking more layers
    /// should never …" (translations/zh/01-residual-block.md:3): the English changed after translation; retranslate the
    /// cell and update its hash to c5c33f35319e616b.</c>
    /// </summary>
    public override string ToString() =>
        $"{Notebook} cell {(CellId.Length == 0 ? "-" : CellId)} {KindName} \"{FirstWords}\" ({Location}): {Detail}";
}
