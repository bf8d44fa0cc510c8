using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using ResNetNotebooks.Models;

namespace ResNetNotebooks.Inspection;

/// <summary>
/// A layer-by-layer table of a model, in the spirit of torchinfo's <c>summary</c> and Keras' <c>summary()</c>:
/// qualified name, type, output shape and parameter count per row, then the totals. Works on any
/// <c>Module&lt;Tensor, Tensor&gt;</c>, not only on <see cref="ResNet"/>.
/// </summary>
/// <remarks>
/// <see cref="Create(nn.Module{Tensor, Tensor}, long[], SummaryDepth)"/> runs one forward pass on zeros of the
/// given shape, in eval mode and without gradients, with forward hooks that record each output's shape (as
/// <c>long[]</c>, never the tensor). The hooks are removed and every module's training flag is restored
/// afterwards. Rows come in definition order (depth-first, as <c>print(model)</c> lists them).
/// </remarks>
/// <example>
/// <code>
/// var summary = ModelSummary.Create(ResNet.ResNet18(), [1, 1, 224, 224], SummaryDepth.Stages);
/// Console.WriteLine(summary);     // b1 Sequential [1, 64, 56, 56] 3,328 … Total params: 11,178,378
/// </code>
/// </example>
public sealed class ModelSummary
{
    private ModelSummary(
        string modelName, long[] inputShape, long[] outputShape, IReadOnlyList<SummaryRow> rows, long total, long trainable)
    {
        ModelName = modelName;
        InputShape = inputShape;
        OutputShape = outputShape;
        Rows = rows;
        TotalParameters = total;
        TrainableParameters = trainable;
    }

    /// <summary>The model's class name, e.g. <c>ResNet</c>.</summary>
    public string ModelName { get; }

    /// <summary>The shape of the zeros the summary ran on.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>The shape of the model's output.</summary>
    public IReadOnlyList<long> OutputShape { get; }

    /// <summary>The rows, in definition order.</summary>
    public IReadOnlyList<SummaryRow> Rows { get; }

    /// <summary>All parameters of the model (shared parameters counted once).</summary>
    public long TotalParameters { get; }

    /// <summary>Parameters with <c>requires_grad</c> set.</summary>
    public long TrainableParameters { get; }

    /// <summary>Parameters that are frozen (<c>requires_grad</c> off).</summary>
    public long NonTrainableParameters => TotalParameters - TrainableParameters;

    /// <summary>Summarizes <paramref name="model"/> down to <paramref name="depth"/>.</summary>
    /// <param name="model">Any tensor-to-tensor module; it is left in the training mode it was in.</param>
    /// <param name="inputShape">The batch shape to run, e.g. <c>[1, 1, 224, 224]</c>; every size positive.</param>
    /// <param name="depth">Leaf layers (default), residual blocks or stages.</param>
    /// <returns>The summary; it holds no tensors.</returns>
    /// <exception cref="ArgumentException">The input shape is empty or has a size below 1, or the model rejects it.</exception>
    public static ModelSummary Create(nn.Module<Tensor, Tensor> model, long[] inputShape, SummaryDepth depth = SummaryDepth.Layers) =>
        Create(model, inputShape, (int)depth);

    /// <summary>Summarizes <paramref name="model"/> down to names with <paramref name="maxDepth"/> parts.</summary>
    /// <param name="model">Any tensor-to-tensor module; it is left in the training mode it was in.</param>
    /// <param name="inputShape">The batch shape to run, e.g. <c>[1, 1, 224, 224]</c>; every size positive.</param>
    /// <param name="maxDepth">1 for top-level children only, 2 for their children, …; <c>int.MaxValue</c> for every leaf.</param>
    /// <returns>The summary; it holds no tensors.</returns>
    /// <exception cref="ArgumentException">A size is not positive, or the model rejects the input.</exception>
    public static ModelSummary Create(nn.Module<Tensor, Tensor> model, long[] inputShape, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        Check.Positive(maxDepth, nameof(maxDepth), "use 1 for stages, 2 for blocks or int.MaxValue (SummaryDepth.Layers) for every layer", "ModelSummary");
        if (inputShape.Length == 0 || inputShape.Any(size => size <= 0))
        {
            throw new ArgumentException(
                $"ModelSummary needs an input shape with positive sizes but got {ShapeText.Of(inputShape)}; pass the " +
                "shape of one batch, e.g. [1, 1, 224, 224] for one 224×224 grayscale image.",
                nameof(inputShape));
        }

        var modules = ForwardProbe.Walk(model).ToList();
        var shapes = new Dictionary<string, long[]>();
        var firstParameter = model.parameters().FirstOrDefault();
        long[] outputShape;
        using (var input = zeros(inputShape, dtype: firstParameter?.dtype, device: firstParameter?.device))
        {
            outputShape = ForwardProbe.Run(
                model,
                input,
                modules.Select(e => (e.Name, e.Module)),
                (name, output) => shapes[name] = output.shape);
        }

        var rows = new List<SummaryRow>();
        foreach (var (name, module, depth) in modules)
        {
            var isLeaf = !module.named_children().Any();
            var ownParameters = Count(module.parameters(recurse: false));
            if (depth == maxDepth || (depth < maxDepth && (isLeaf || ownParameters > 0)))
            {
                var parameters = depth == maxDepth ? Count(module.parameters()) : ownParameters;
                rows.Add(new SummaryRow(name, module.GetType().Name, depth, shapes.GetValueOrDefault(name), parameters));
            }
        }

        var all = model.parameters().ToList();
        return new ModelSummary(
            model.GetType().Name,
            (long[])inputShape.Clone(),
            outputShape,
            rows,
            Count(all),
            Count(all.Where(p => p.requires_grad)));
    }

    /// <summary>One line: the model, its input and output shapes, its rows and parameters. The full table is
    /// <c>summary.ToTable()</c> in <c>ResNetNotebooks.Display</c>; a notebook shows that table by itself.</summary>
    /// <returns>e.g. <c>ResNet: input (1, 1, 224, 224) → output (1, 10), 9 rows, 11,178,378 parameters</c>.</returns>
    public override string ToString() =>
        $"{ModelName}: input {ShapeText.Of(InputShape)} → output {ShapeText.Of(OutputShape)}, {Rows.Count} rows, " +
        $"{TotalParameters.ToString("N0", CultureInfo.InvariantCulture)} parameters";

    private static long Count(IEnumerable<Tensor> parameters) => parameters.Sum(p => p.numel());



}
