using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;
using ResNetNotebooks.Inspection;

namespace ResNetNotebooks.Display;

/// <summary>
/// Charts of a network stage by stage: how channels grow while height × width shrink, and where the parameters are.
/// </summary>
/// <example>
/// <code>
/// var summary = ModelSummary.Create(ResNet.ResNet18(), [1, 1, 224, 224], SummaryDepth.Stages);
/// StageCharts.FeatureMapShapes(summary)                        // channels and H×W of input, b1..b5, avgpool
/// StageCharts.ParametersPerStage(ParameterCounts.PerStage(net)) // b1 3,328 … b5 8,393,728, fc 5,130
/// </code>
/// </example>
public static class StageCharts
{
    /// <summary>
    /// Two panels over the stages: the number of channels, and height × width on a logarithmic axis (each stride-2
    /// step divides it by 4). Only 4-D shapes (N, C, H, W) are drawn; vectors (flatten, fc) are skipped.
    /// </summary>
    /// <param name="shapes">Stage name and output shape, in the order of the forward pass (start with the input).</param>
    /// <param name="title">What the chart shows.</param>
    /// <returns>A new chart.</returns>
    /// <exception cref="ArgumentException">No 4-D shape is given, or the title is blank.</exception>
    public static GenericChart FeatureMapShapes(
        IEnumerable<(string Stage, IReadOnlyList<long> Shape)> shapes, string title = "Feature-map shapes per stage")
    {
        ArgumentNullException.ThrowIfNull(shapes);
        ChartStyle.RequireTitle(title, "StageCharts.FeatureMapShapes");
        var maps = shapes.Where(s => s.Shape is { Count: 4 }).ToList();
        if (maps.Count == 0)
        {
            throw new ArgumentException(
                "StageCharts.FeatureMapShapes found no 4-D (N, C, H, W) shape to draw; pass the outputs of the stages, e.g. " +
                "from ModelSummary.Create(net, [1, 1, 224, 224], SummaryDepth.Stages).",
                nameof(shapes));
        }

        var stages = maps.Select(m => m.Stage).ToArray();
        var maxChannels = maps.Max(m => m.Shape[1]);
        var maxArea = maps.Max(m => m.Shape[2] * m.Shape[3]);
        // Labels above the points, pulled inwards at both ends so that the plot area does not clip them.
        var positions = stages.Select((_, i) =>
            i == 0 ? StyleParam.TextPosition.TopRight
            : i == stages.Length - 1 ? StyleParam.TextPosition.TopLeft
            : StyleParam.TextPosition.TopCenter).ToArray();
        var channels = Chart.Line<string, long, string>(
                x: stages,
                y: maps.Select(m => m.Shape[1]).ToArray(),
                ShowMarkers: true,
                Name: "channels",
                ShowLegend: false,
                MultiText: maps.Select(m => m.Shape[1].ToString("N0", System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                MultiTextPosition: positions)
            .WithYAxisStyle<double, double, string>(TitleText: "channels C", MinMax: Tuple.Create(0.0, maxChannels * 1.15)) // room for the labels
            .WithXAxisStyle<double, double, string>(TitleText: "stage");
        var area = Chart.Line<string, long, string>(
                x: stages,
                y: maps.Select(m => m.Shape[2] * m.Shape[3]).ToArray(),
                ShowMarkers: true,
                Name: "height × width",
                ShowLegend: false,
                MultiText: maps.Select(m => $"{m.Shape[2]}×{m.Shape[3]}").ToArray(),
                MultiTextPosition: positions)
            .WithYAxisStyle<double, double, string>(
                TitleText: "H × W (log scale)",
                AxisType: StyleParam.AxisType.Log,
                MinMax: Tuple.Create(-0.3, Math.Log10(maxArea) + 0.5)) // a log axis takes its range in powers of 10
            .WithXAxisStyle<double, double, string>(TitleText: "stage");
        var chart = Chart.Grid([channels, area], 1, 2, SubPlotTitles: new[] { "channels grow", "height × width shrink" }, XGap: 0.25)
            .WithSize(Width: 900, Height: 420);
        return ChartStyle.Title(chart, title);
    }

    /// <summary>The shapes of a summary's input and of every row, as <see cref="FeatureMapShapes(IEnumerable{ValueTuple{string, IReadOnlyList{long}}}, string)"/> draws them.</summary>
    /// <param name="summary">A summary, best at <see cref="SummaryDepth.Stages"/>.</param>
    /// <param name="title">What the chart shows.</param>
    /// <returns>A new chart; the first point is the input.</returns>
    public static GenericChart FeatureMapShapes(ModelSummary summary, string title = "Feature-map shapes per stage")
    {
        ArgumentNullException.ThrowIfNull(summary);
        var shapes = new List<(string, IReadOnlyList<long>)> { ("input", summary.InputShape) };
        shapes.AddRange(summary.Rows.Where(r => r.OutputShape is not null).Select(r => (r.Name, r.OutputShape!)));
        return FeatureMapShapes(shapes, title);
    }

    /// <summary>A bar per stage with its parameter count written on it.</summary>
    /// <param name="perStage">Stage name → parameters (e.g. <see cref="ParameterCounts.PerStage"/>); stages without parameters are drawn as 0.</param>
    /// <param name="title">What the chart shows.</param>
    /// <returns>A new chart.</returns>
    /// <exception cref="ArgumentException">No stages, or a blank title.</exception>
    public static GenericChart ParametersPerStage(IEnumerable<KeyValuePair<string, long>> perStage, string title = "Parameters per stage")
    {
        ArgumentNullException.ThrowIfNull(perStage);
        ChartStyle.RequireTitle(title, "StageCharts.ParametersPerStage");
        var stages = perStage.ToList();
        if (stages.Count == 0)
        {
            throw new ArgumentException("StageCharts.ParametersPerStage needs at least one stage.", nameof(perStage));
        }

        var chart = Chart.Column<long, string, string>(
                values: stages.Select(s => s.Value).ToArray(),
                Keys: stages.Select(s => s.Key).ToArray(),
                Name: "parameters",
                MultiText: stages.Select(s => ComparisonChart.Label(s.Value)).ToArray(),
                TextPosition: StyleParam.TextPosition.Outside)
            .WithYAxisStyle<double, double, string>(TitleText: "parameters")
            .WithXAxisStyle<double, double, string>(TitleText: "stage")
            .WithSize(Width: 700, Height: 420);
        return ChartStyle.Title(chart, title);
    }
}
