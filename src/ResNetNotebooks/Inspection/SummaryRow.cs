namespace ResNetNotebooks.Inspection;

/// <summary>One row of a <see cref="ModelSummary"/>: a layer, or a container cut off at the summary's depth.</summary>
/// <param name="Name">Qualified name, as in <c>named_modules()</c>: <c>b3.0.conv1</c>.</param>
/// <param name="TypeName">The module's class: <c>Conv2d</c>, <c>BatchNorm2d</c>, <c>Residual</c>, <c>Sequential</c>, ….</param>
/// <param name="Depth">1 for a child of the model, 2 for a grandchild, ….</param>
/// <param name="OutputShape">Shape of the module's output in the summary's forward pass; <c>null</c> if it did not run (or cannot be hooked).</param>
/// <param name="Parameters">The module's own parameters for a layer; the total of its subtree for a container row.</param>
public sealed record SummaryRow(string Name, string TypeName, int Depth, IReadOnlyList<long>? OutputShape, long Parameters);
