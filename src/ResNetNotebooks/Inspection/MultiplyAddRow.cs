namespace ResNetNotebooks.Inspection;

/// <summary>One convolution or linear layer of a <see cref="MultiplyAdds"/> count.</summary>
/// <param name="Name">Qualified name, e.g. <c>b3.0.downsample</c>.</param>
/// <param name="TypeName">The layer's class: <c>Conv2d</c> or <c>Linear</c> (also <c>Conv1d</c>, <c>Conv3d</c>).</param>
/// <param name="OutputShape">Shape of the layer's output in the counted forward pass.</param>
/// <param name="MultiplyAdds">Multiply-adds for the whole batch: outputs × (weights per output).</param>
public sealed record MultiplyAddRow(string Name, string TypeName, IReadOnlyList<long> OutputShape, long MultiplyAdds);
