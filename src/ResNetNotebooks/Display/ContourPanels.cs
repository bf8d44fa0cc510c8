using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace ResNetNotebooks.Display;

/// <summary>
/// Contour maps side by side on the same axes and the same colour scale, e.g. the loss around two trained networks
/// (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets", Fig. 5). The colour bar is the legend of the levels.
/// </summary>
/// <example>
/// <code>
/// ContourPanels.Draw(alphas, betas, [("plain-56", plainLoss), ("ResNet-56", residualLoss)],
///     "Training loss around the trained weights", "α (direction 1)", "β (direction 2)", "training loss")
/// </code>
/// </example>
public static class ContourPanels
{
    /// <summary>One contour panel per map, the first map's title on the left.</summary>
    /// <param name="x">The grid's x coordinates (columns of every map).</param>
    /// <param name="y">The grid's y coordinates (rows of every map).</param>
    /// <param name="maps">Panel titles and values: <c>values[row, column]</c> at (x[column], y[row]).</param>
    /// <param name="title">What the chart shows.</param>
    /// <param name="xTitle">The x axis's title.</param>
    /// <param name="yTitle">The y axis's title.</param>
    /// <param name="valueTitle">What the colours stand for (the colour bar's title).</param>
    /// <param name="zMax">Clip the colour scale at this value (large losses far from the minimum would flatten the
    /// rest); null: the largest value.</param>
    /// <returns>A new chart.</returns>
    /// <exception cref="ArgumentException">No maps, a map of the wrong size, or a blank title.</exception>
    public static GenericChart Draw(
        IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<(string Title, double[,] Values)> maps, string title,
        string xTitle, string yTitle, string valueTitle, double? zMax = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(maps);
        ChartStyle.RequireTitle(title, "ContourPanels.Draw");
        if (maps.Count == 0)
        {
            throw new ArgumentException("ContourPanels.Draw needs at least one map.", nameof(maps));
        }

        foreach (var (name, values) in maps)
        {
            if (values.GetLength(0) != y.Count || values.GetLength(1) != x.Count)
            {
                throw new ArgumentException(
                    $"Map \"{name}\" is {values.GetLength(0)}×{values.GetLength(1)} but the grid is {y.Count} rows (y) × {x.Count} " +
                    "columns (x); give values[row, column] at (x[column], y[row]).",
                    nameof(maps));
            }
        }

        var top = zMax ?? maps.Max(m => m.Values.Cast<double>().Max());
        var bottom = maps.Min(m => m.Values.Cast<double>().Min());
        var panels = maps.Select((m, i) =>
        {
            var z = Enumerable.Range(0, y.Count)
                .Select(r => (IEnumerable<double>)Enumerable.Range(0, x.Count).Select(c => Math.Min(m.Values[r, c], top)).ToArray())
                .ToArray();
            var contour = Chart.Contour<double, double, double, string>(
                zData: z, X: x.ToArray(), Y: y.ToArray(), Name: m.Title, ShowScale: i == 0, ContoursColoring: StyleParam.ContourColoring.Heatmap,
                ShowContoursLabels: true);
            // Plotly.NET.CSharp has no z range or colour-bar title: set them on the trace, as plotly.js names them.
            contour = GenericChart.mapTrace(
                Microsoft.FSharp.Core.FSharpFunc<Trace, Trace>.FromConverter(trace =>
                {
                    trace.SetProperty("zmin", bottom);
                    trace.SetProperty("zmax", top);
                    trace.SetProperty("colorbar", new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = valueTitle } });
                    return trace;
                }),
                contour);
            return contour
                .WithXAxisStyle<double, double, string>(TitleText: xTitle)
                .WithYAxisStyle<double, double, string>(TitleText: yTitle);
        });
        var chart = Chart.Grid(panels, 1, maps.Count, SubPlotTitles: maps.Select(m => m.Title).ToArray(), XGap: 0.15)
            .WithSize(Width: (430 * maps.Count) + 120, Height: 460);
        return ChartStyle.Title(chart, title);
    }
}
