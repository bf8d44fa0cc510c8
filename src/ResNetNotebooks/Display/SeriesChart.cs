using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace ResNetNotebooks.Display;

/// <summary>One line of a <see cref="SeriesChart"/>: its legend name, points, and whether it is dashed.</summary>
/// <param name="Name">The legend entry, e.g. "plain-56".</param>
/// <param name="X">The x values, e.g. layer numbers.</param>
/// <param name="Y">One y value per x value.</param>
/// <param name="Dashed">Draw the line dashed (the lessons dash plain networks and draw residual ones solid).</param>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Dashed = false);

/// <summary>
/// Lines with markers against a shared x axis, one per <see cref="Series"/>, with a legend, axis titles and an optional
/// logarithmic y axis: gradient norms layer by layer, accuracy after removing each block.
/// </summary>
/// <example>
/// <code>
/// SeriesChart.Lines([new Series("plain-56", layers, plainNorms, Dashed: true), new Series("ResNet-56", layers, resNorms)],
///     "Gradient norm of each convolution's weights", "layer (1 = first)", "‖∂L/∂W‖", logY: true)
/// </code>
/// </example>
public static class SeriesChart
{
    /// <summary>Draws the series as lines with markers.</summary>
    /// <param name="series">At least one series; each with as many y values as x values.</param>
    /// <param name="title">What the chart shows.</param>
    /// <param name="xTitle">The x axis's title.</param>
    /// <param name="yTitle">The y axis's title.</param>
    /// <param name="logY">A logarithmic y axis (all y values must then be positive).</param>
    /// <param name="markers">Draw a marker at every point (false for long curves, e.g. a loss per step).</param>
    /// <returns>A new chart.</returns>
    /// <exception cref="ArgumentException">No series, a series whose lengths differ, a blank title or axis title, or a
    /// non-positive value on a log axis.</exception>
    public static GenericChart Lines(IReadOnlyList<Series> series, string title, string xTitle, string yTitle, bool logY = false, bool markers = true)
    {
        ArgumentNullException.ThrowIfNull(series);
        ChartStyle.RequireTitle(title, "SeriesChart.Lines");
        if (series.Count == 0)
        {
            throw new ArgumentException("SeriesChart.Lines needs at least one series to draw.", nameof(series));
        }

        if (string.IsNullOrWhiteSpace(xTitle) || string.IsNullOrWhiteSpace(yTitle))
        {
            throw new ArgumentException("SeriesChart.Lines needs both axis titles, e.g. \"layer\" and \"gradient norm\".", nameof(xTitle));
        }

        foreach (var s in series)
        {
            if (s.X.Count != s.Y.Count)
            {
                throw new ArgumentException(
                    $"Series \"{s.Name}\" has {s.X.Count} x values but {s.Y.Count} y values; give one y per x.", nameof(series));
            }

            if (logY && s.Y.Any(v => !(v > 0)))
            {
                throw new ArgumentException(
                    $"Series \"{s.Name}\" has a value ≤ 0 (or not a number), which a logarithmic y axis cannot show; use logY: false.",
                    nameof(series));
            }
        }

        var lines = series.Select(s => Chart.Line<double, double, string>(
            x: s.X,
            y: s.Y,
            Name: s.Name,
            ShowMarkers: markers,
            LineDash: s.Dashed ? StyleParam.DrawingStyle.Dash : StyleParam.DrawingStyle.Solid));
        var chart = Chart.Combine(lines)
            .WithXAxisStyle<double, double, string>(TitleText: xTitle)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle, AxisType: logY ? StyleParam.AxisType.Log : StyleParam.AxisType.Linear)
            .WithSize(Width: 820, Height: 460);
        return ChartStyle.Title(chart, title);
    }

    /// <summary>Grouped bars: one bar per category for each series, side by side, with a legend entry per series.</summary>
    /// <param name="categories">The categories on the x axis, e.g. stage names.</param>
    /// <param name="series">Legend name and one value per category (NaN: no bar).</param>
    /// <param name="title">What the chart shows.</param>
    /// <param name="xTitle">The x axis's title.</param>
    /// <param name="yTitle">The y axis's title.</param>
    /// <returns>A new chart.</returns>
    /// <exception cref="ArgumentException">No categories or series, a series without one value per category, or a blank
    /// title or axis title.</exception>
    public static GenericChart Bars(
        IReadOnlyList<string> categories, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, string title, string xTitle, string yTitle)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(series);
        ChartStyle.RequireTitle(title, "SeriesChart.Bars");
        if (categories.Count == 0 || series.Count == 0)
        {
            throw new ArgumentException($"SeriesChart.Bars needs at least one category and one series, got {categories.Count} and {series.Count}.");
        }

        if (string.IsNullOrWhiteSpace(xTitle) || string.IsNullOrWhiteSpace(yTitle))
        {
            throw new ArgumentException("SeriesChart.Bars needs both axis titles, e.g. \"stage\" and \"dead weights (%)\".", nameof(xTitle));
        }

        foreach (var (name, values) in series)
        {
            if (values.Count != categories.Count)
            {
                throw new ArgumentException(
                    $"Series \"{name}\" has {values.Count} value(s) but there are {categories.Count} categories; give one value per category (NaN for none).",
                    nameof(series));
            }
        }

        var bars = series.Select(s => Chart.Column<double, string, string>(values: s.Values, Keys: categories.ToArray(), Name: s.Name, ShowLegend: true));
        var chart = Chart.Combine(bars)
            .WithXAxisStyle<double, double, string>(TitleText: xTitle)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle)
            .WithSize(Width: 760, Height: 420);
        return ChartStyle.Title(chart, title);
    }
}
