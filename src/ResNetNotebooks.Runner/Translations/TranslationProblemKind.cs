namespace ResNetNotebooks.Runner.Translations;

/// <summary>What is wrong with a translation block, as <see cref="TranslationChecker"/> reports it.</summary>
public enum TranslationProblemKind
{
    /// <summary>A markdown cell has no block, or its block still holds the English placeholder (<c>TODO-EN</c>).</summary>
    Missing,

    /// <summary>The block's hash is not that of the English cell's current source: the English changed after translation.</summary>
    Stale,

    /// <summary>A block for a cell id that the notebook does not have, or that is not a markdown cell.</summary>
    Orphan,

    /// <summary>A second block for the same cell.</summary>
    Duplicate,

    /// <summary>A block that is not in the notebook's order of cells.</summary>
    OutOfOrder,

    /// <summary>A translated block without a single Chinese character (checked for Chinese translations only).</summary>
    NoChinese,

    /// <summary>A link target of the English cell that the block does not have.</summary>
    LostLink,

    /// <summary>A link target in the block that the English cell does not have.</summary>
    ExtraLink,

    /// <summary>The block holds another number of display-math blocks (<c>$$ … $$</c>) than the English cell.</summary>
    DisplayMath,

    /// <summary>A line that starts like a marker but does not have the marker's form.</summary>
    MalformedMarker,
}
