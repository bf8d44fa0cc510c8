using System.Globalization;
using System.Text;
using ResNetNotebooks.Notebooks;
using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

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
public sealed class ModelSummary : IHtmlRenderable
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
        Guard.Positive(maxDepth, "ModelSummary", nameof(maxDepth), "use 1 for stages, 2 for blocks or int.MaxValue (SummaryDepth.Layers) for every layer");
        if (inputShape.Length == 0 || inputShape.Any(size => size <= 0))
        {
            throw new ArgumentException(
                $"ModelSummary needs an input shape with positive sizes but got {Guard.Format(inputShape)}; pass the " +
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

    /// <summary>Renders an aligned text table with the totals underneath.</summary>
    /// <returns>The table, one line per row.</returns>
    public override string ToString()
    {
        string[] header = ["Layer", "Type", "Output shape", "Param #"];
        var cells = Rows.Select(r => new[] { r.Name, r.TypeName, ShapeText(r.OutputShape), Number(r.Parameters) }).ToList();
        var widths = Enumerable.Range(0, header.Length)
            .Select(c => cells.Select(row => row[c].Length).Append(header[c].Length).Max())
            .ToArray();
        var ruleWidth = widths.Sum() + (2 * (widths.Length - 1));

        var text = new StringBuilder();
        text.AppendLine($"{ModelName}: input {Guard.Format(InputShape)} → output {Guard.Format(OutputShape)}");
        text.AppendLine(new string('=', ruleWidth));
        text.AppendLine(Line(header, widths));
        text.AppendLine(new string('-', ruleWidth));
        foreach (var row in cells)
        {
            text.AppendLine(Line(row, widths));
        }

        text.AppendLine(new string('=', ruleWidth));
        text.AppendLine($"Total params: {Number(TotalParameters)}");
        text.AppendLine($"Trainable params: {Number(TrainableParameters)}");
        text.Append($"Non-trainable params: {Number(NonTrainableParameters)}");
        return text.ToString();
    }

    /// <summary>Renders an HTML <c>&lt;table&gt;</c> (text escaped) for a notebook cell.</summary>
    /// <returns>The table with a caption, one body row per <see cref="Rows"/> entry and the totals in the footer.</returns>
    public string ToHtml()
    {
        var table = new HtmlTable("model-summary", new("Layer"), new("Type"), new("Output shape"), HtmlColumn.Number("Param #"))
            .WithCaption($"{ModelName}: input {Guard.Format(InputShape)} → output {Guard.Format(OutputShape)}");
        foreach (var r in Rows)
        {
            table.AddRow(r.Name, r.TypeName, ShapeText(r.OutputShape), Number(r.Parameters));
        }

        return table
            .AddFooter("Total params", Number(TotalParameters))
            .AddFooter("Trainable params", Number(TrainableParameters))
            .AddFooter("Non-trainable params", Number(NonTrainableParameters))
            .ToHtml();
    }

    private static long Count(IEnumerable<Tensor> parameters) => parameters.Sum(p => p.numel());

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string ShapeText(IReadOnlyList<long>? shape) => shape is null ? "—" : Guard.Format(shape);

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, c) => c == cells.Length - 1 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd();
}
