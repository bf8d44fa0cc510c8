using System.Net;
using System.Text;
using TorchSharp;
using ResNetNotebooks.Training;
using ResNetNotebooks.Data;

namespace ResNetNotebooks.Display;

/// <summary>
/// Test images with their true and predicted labels, as d2l's <c>predict_ch3</c> shows them (true label above the
/// prediction); wrong predictions in red.
/// </summary>
/// <param name="Items">(image index, pixels 28×28, true label, predicted label) per image.</param>
/// <param name="Columns">Images per row.</param>
public sealed record PredictionGrid(IReadOnlyList<(int Index, byte[] Pixels, string Actual, string Predicted)> Items, int Columns = 10)
    : IHtmlRenderable
{
    /// <summary>Images whose prediction is wrong.</summary>
    public int Mistakes => Items.Count(i => i.Actual != i.Predicted);

    /// <summary>The images at <paramref name="indices"/> of <paramref name="data"/> with the labels and predictions
    /// of <paramref name="evaluation"/> (made on the same images, in the same order).</summary>
    /// <exception cref="ArgumentException">An index is outside the evaluation.</exception>
    public static PredictionGrid Create(FashionMnistDataset data, Evaluation evaluation, IEnumerable<int> indices, int columns = 10)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(indices);
        var items = new List<(int, byte[], string, string)>();
        foreach (var i in indices)
        {
            if (i < 0 || i >= evaluation.Count || i >= data.Count)
            {
                throw new ArgumentException($"Image index {i} is outside the {evaluation.Count} evaluated images.", nameof(indices));
            }

            using (torch.NewDisposeScope())
            {
                var pixels = data.Images[i].contiguous().data<byte>().ToArray();
                items.Add((i, pixels, data.ClassNames[evaluation.Labels[i]], data.ClassNames[evaluation.Predictions[i]]));
            }
        }

        return new PredictionGrid(items, columns);
    }

    /// <inheritdoc />
    public string ToHtml()
    {
        var html = new StringBuilder("<div style=\"display:grid;grid-template-columns:repeat(")
            .Append(Columns).Append(",84px);gap:6px;font-size:11px;line-height:1.2\">");
        foreach (var (index, pixels, actual, predicted) in Items)
        {
            var colour = actual == predicted ? "inherit" : "#c62828";
            html.Append("<div style=\"text-align:center\">")
                .Append($"<img src=\"{Png.DataUri(pixels, FashionMnist.ImageSize, FashionMnist.ImageSize)}\" width=\"56\" height=\"56\" ")
                .Append($"style=\"image-rendering:pixelated\" alt=\"test image {index}\"><br>")
                .Append(WebUtility.HtmlEncode(actual)).Append("<br>")
                .Append($"<span style=\"color:{colour}\">{WebUtility.HtmlEncode(predicted)}</span></div>");
        }

        return html.Append("</div>").ToString();
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(Environment.NewLine, Items.Select(i => $"#{i.Index}: {i.Actual} → {i.Predicted}{(i.Actual == i.Predicted ? "" : "  ✗")}"));
}
