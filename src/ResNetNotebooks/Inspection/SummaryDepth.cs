namespace ResNetNotebooks.Inspection;

/// <summary>
/// How deep a <see cref="ModelSummary"/> looks, counted in dots of the qualified name: <c>b3</c> is at depth 1,
/// <c>b3.0</c> at 2, <c>b3.0.conv1</c> at 3. Modules at the cut-off depth are shown as one row with the parameters
/// of their whole subtree; leaves above it are shown as they are. Any positive <c>int</c> cast to this enum works.
/// </summary>
public enum SummaryDepth
{
    /// <summary>Top-level children only: for a <see cref="Models.ResNet"/>, <c>b1</c>..<c>b5</c>, <c>avgpool</c>, <c>flatten</c>, <c>fc</c>.</summary>
    Stages = 1,

    /// <summary>Down to residual blocks: <c>b2.0</c>, <c>b2.1</c>, … (and the layers of the stem <c>b1.0</c>..<c>b1.3</c>).</summary>
    Blocks = 2,

    /// <summary>Every leaf layer (the default): <c>b3.0.conv1</c>, <c>b3.0.bn1</c>, ….</summary>
    Layers = int.MaxValue,
}
