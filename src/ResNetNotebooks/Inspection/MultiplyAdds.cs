using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using ResNetNotebooks.Models;

namespace ResNetNotebooks.Inspection;

/// <summary>
/// Counts the multiply-adds (MACs) of a forward pass, the usual measure of a network's compute: He et al. (2016)
/// give ResNet-18 as 1.8×10⁹ "FLOPs", which are multiply-adds. Only convolutions and linear layers are counted
/// (batch norm, ReLU, pooling and the shortcut additions cost little in comparison, and biases are left out, as in
/// the paper and in common counters such as fvcore and ptflops).
/// </summary>
/// <remarks>
/// One forward pass on zeros, in eval mode and without gradients, records each layer's output shape through forward
/// hooks (the model is left as it was). Each output value of a layer with weight shape (C_out, w₁, w₂, …) needs
/// w₁·w₂·… multiply-adds: for a k×k convolution C_in/groups·k·k, for a linear layer its input size. So
/// MACs = output elements × weights per output channel, e.g. a 3×3 convolution 64 → 128 with output 28×28:
/// 128·28·28 · 64·3·3 = 57,802,752.
/// </remarks>
/// <example>
/// <code>
/// var macs = MultiplyAdds.Count(ResNet.ResNet18(), [1, 1, 224, 224]);
/// Console.WriteLine(macs.PerImage);                 // about 1.74 billion
/// </code>
/// </example>
public sealed class MultiplyAdds
{
    private MultiplyAdds(string modelName, long[] inputShape, IReadOnlyList<MultiplyAddRow> layers)
    {
        ModelName = modelName;
        InputShape = inputShape;
        Layers = layers;
        Total = layers.Sum(l => l.MultiplyAdds);
    }

    /// <summary>The model's class name.</summary>
    public string ModelName { get; }

    /// <summary>The batch shape the count ran on; its first size is the batch size.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>Every convolution and linear layer that ran, in the order they ran.</summary>
    public IReadOnlyList<MultiplyAddRow> Layers { get; }

    /// <summary>Multiply-adds of the whole batch.</summary>
    public long Total { get; }

    /// <summary>Multiply-adds for one image (<see cref="Total"/> divided by the batch size).</summary>
    public long PerImage => Total / InputShape[0];

    /// <summary>Counts the multiply-adds of <paramref name="model"/> on a batch of <paramref name="inputShape"/>.</summary>
    /// <param name="model">Any tensor-to-tensor module; its training flags are restored afterwards.</param>
    /// <param name="inputShape">The batch shape, e.g. <c>[1, 1, 224, 224]</c>; every size positive.</param>
    /// <returns>The count; it holds no tensors.</returns>
    /// <exception cref="ArgumentException">A size is not positive, or the model rejects the input.</exception>
    public static MultiplyAdds Count(nn.Module<Tensor, Tensor> model, long[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length == 0 || inputShape.Any(size => size <= 0))
        {
            throw new ArgumentException(
                $"MultiplyAdds needs an input shape with positive sizes but got {ShapeText.Of(inputShape)}; pass the " +
                "shape of one batch, e.g. [1, 1, 224, 224] for one 224×224 grayscale image.",
                nameof(inputShape));
        }

        // The model itself counts too when it is a single layer; it is then named after its class.
        var counted = ForwardProbe.Walk(model)
            .Select(e => (e.Name, e.Module))
            .Prepend((Name: model.GetType().Name, Module: (nn.Module)model))
            .Where(e => e.Module is Conv1d or Conv2d or Conv3d or Linear)
            .ToList();
        var weightsPerOutput = counted.ToDictionary(
            e => e.Name,
            e =>
            {
                var weight = e.Module.named_parameters(recurse: false).Single(p => p.name == "weight").parameter;
                return weight.numel() / weight.shape[0];
            });
        var rows = new List<MultiplyAddRow>();
        var firstParameter = model.parameters().FirstOrDefault();
        using (var input = zeros(inputShape, dtype: firstParameter?.dtype, device: firstParameter?.device))
        {
            ForwardProbe.Run(model, input, counted, (name, output) =>
            {
                var module = counted.First(e => e.Name == name).Module;
                rows.Add(new MultiplyAddRow(name, module.GetType().Name, output.shape, output.numel() * weightsPerOutput[name]));
            });
        }

        return new MultiplyAdds(model.GetType().Name, (long[])inputShape.Clone(), rows);
    }

    /// <summary>
    /// Multiply-adds per image of the layers whose name is <paramref name="prefix"/> or starts with
    /// <c>prefix + "."</c>, e.g. <c>"b3"</c> for a stage or <c>"b3.0"</c> for a block.
    /// </summary>
    /// <param name="prefix">A qualified module name.</param>
    /// <returns>The sum; 0 when no counted layer lies under that name.</returns>
    public long PerImageUnder(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return Layers.Where(l => l.Name == prefix || l.Name.StartsWith(prefix + ".", StringComparison.Ordinal))
            .Sum(l => l.MultiplyAdds) / InputShape[0];
    }

    /// <summary>Multiply-adds per image of the layers whose name contains <paramref name="part"/>, e.g. <c>"downsample"</c>.</summary>
    /// <param name="part">Part of a qualified name.</param>
    /// <returns>The sum; 0 when no counted layer matches.</returns>
    public long PerImageWhereNameContains(string part)
    {
        ArgumentNullException.ThrowIfNull(part);
        return Layers.Where(l => l.Name.Contains(part, StringComparison.Ordinal)).Sum(l => l.MultiplyAdds) / InputShape[0];
    }

    /// <summary>One line: the model, the input and the totals. The per-layer table is <c>macs.ToTable()</c> in
    /// <c>ResNetNotebooks.Display</c>; a notebook shows that table by itself.</summary>
    /// <returns>e.g. <c>ResNet: 1,742,… multiply-adds per image for input (1, 1, 224, 224)</c>.</returns>
    public override string ToString() =>
        $"{ModelName}: {Number(PerImage)} multiply-adds per image for input {ShapeText.Of(InputShape)} ({Layers.Count} layers counted, total {Number(Total)})";

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
