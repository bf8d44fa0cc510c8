using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace ResNetNotebooks.Display;

/// <summary>
/// Compares a few alternatives (shortcut options A, B, C; identity versus projection) on several metrics at once:
/// one bar panel per metric, side by side, each with its own y axis because the metrics have different units.
/// </summary>
/// <example>
/// <code>
/// ComparisonChart.Bars(["A", "B", "C"],
///     [("shortcut parameters", [0, 172_928, 526_208]), ("total parameters (millions)", [11.01, 11.18, 11.53])],
///     "ResNet-18: shortcut options")
/// </code>
/// </example>
public static class ComparisonChart
{
    /// <summary>One panel of bars per metric; every panel has a bar for each category, labelled with its value.</summary>
    /// <param name="categories">The alternatives compared (the x axis of every panel).</param>
    /// <param name="metrics">Name (the panel's title) and one value per category.</param>
    /// <param name="title">What the chart compares.</param>
    /// <param name="categoryTitle">The x axis's title in every panel, e.g. "stage"; none when null.</param>
    /// <returns>A new chart.</returns>
    /// <exception cref="ArgumentException">
    /// No categories or metrics, a metric without one value per category, or a blank title.
    /// </exception>
    public static GenericChart Bars(
        IReadOnlyList<string> categories, IReadOnlyList<(string Metric, IReadOnlyList<double> Values)> metrics, string title,
        string? categoryTitle = null)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(metrics);
        ChartStyle.RequireTitle(title, "ComparisonChart.Bars");
        if (categories.Count == 0 || metrics.Count == 0)
        {
            throw new ArgumentException(
                $"ComparisonChart.Bars needs at least one category and one metric, got {categories.Count} and {metrics.Count}.");
        }

        foreach (var (metric, values) in metrics)
        {
            if (values.Count != categories.Count)
            {
                throw new ArgumentException(
                    $"Metric \"{metric}\" has {values.Count} value(s) but there are {categories.Count} categories " +
                    $"({string.Join(", ", categories)}); give one value per category, in the same order.",
                    nameof(metrics));
            }
        }

        // Labels above the bars, horizontal and never clipped: rotated labels inside narrow bars are hard to read.
        var horizontalOutside = Microsoft.FSharp.Core.FSharpFunc<Trace, Trace>.FromConverter(trace =>
        {
            trace.SetProperty("textangle", 0);
            trace.SetProperty("cliponaxis", false);
            trace.SetProperty("constraintext", "none");
            return trace;
        });
        var panels = metrics.Select(m =>
            GenericChart.mapTrace(
                horizontalOutside,
                Chart.Column<double, string, string>(
                    values: m.Values,
                    Keys: categories.ToArray(),
                    Name: m.Metric,
                    ShowLegend: false,
                    MultiText: m.Values.Select(Label).ToArray(),
                    TextPosition: StyleParam.TextPosition.Outside)
                .WithYAxisStyle<double, double, string>(
                    MinMax: Tuple.Create(Math.Min(0, m.Values.Min()) * 1.15, Math.Max(0, m.Values.Max()) * 1.15)) // room for the labels
                .WithXAxisStyle<double, double, string>(TitleText: categoryTitle ?? "")));
        var panelWidth = Math.Max(240, 70 * categories.Count);
        var chart = Chart.Grid(panels, 1, metrics.Count, SubPlotTitles: metrics.Select(m => m.Metric).ToArray(), XGap: 0.25)
            .WithSize(Width: Math.Max(420, (panelWidth * metrics.Count) + 100), Height: 420);
        return ChartStyle.Title(chart, title);
    }

    /// <summary>
    /// The text on a bar: thousands separated; below 100, at most three decimals (e.g. <c>172,928</c>, <c>462</c>,
    /// <c>11.178</c>).
    /// </summary>
    internal static string Label(double value) =>
        value.ToString(Math.Abs(value) >= 100 || value == Math.Floor(value) ? "N0" : "#,0.###", System.Globalization.CultureInfo.InvariantCulture);
}
