using Plotly.NET;
using Plotly.NET.CSharp;
using ResNetNotebooks.Training;
using Chart = Plotly.NET.CSharp.Chart;

namespace ResNetNotebooks.Display;

/// <summary>The charts of a <see cref="ConfusionMatrix"/>: per-class accuracy and the annotated heatmap.</summary>
public static class ConfusionMatrixCharts
{
    /// <summary>A bar per class: the fraction of its images classified correctly.</summary>
    /// <param name="matrix">The confusion matrix.</param>
    /// <param name="title">The chart's title.</param>
    public static GenericChart ClassAccuracyChart(this ConfusionMatrix matrix, string title = "Test accuracy per class")
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ChartStyle.RequireTitle(title, "ClassAccuracyChart");
        return ChartStyle.Title(Chart.Bar<double, string, string>(matrix.ClassAccuracy, Keys: matrix.ClassNames.ToArray(), Name: "recognised", ShowLegend: true), title)
            .WithXAxisStyle<double, double, string>(TitleText: "fraction of the class's test images classified correctly",
                MinMax: new Tuple<double, double>(0, 1))
            .WithSize(Width: 640, Height: 360);
    }

    /// <summary>A heatmap with the counts written in the cells, true classes top to bottom.</summary>
    /// <param name="matrix">The confusion matrix.</param>
    /// <param name="title">The chart's title.</param>
    public static GenericChart ToChart(this ConfusionMatrix matrix, string title = "Confusion matrix of the test images: true class (rows) against predicted class (columns)")
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ChartStyle.RequireTitle(title, "ConfusionMatrix.ToChart");
        var n = matrix.ClassNames.Count;
        var rows = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(j => matrix[i, j]).ToArray()).ToArray();
        var text = rows.Select(r => r.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        return ChartStyle.Title(Chart.AnnotatedHeatmap<int, string, string, string>(
                rows, text, X: matrix.ClassNames.ToArray(), Y: matrix.ClassNames.ToArray(), ColorScale: StyleParam.Colorscale.YIGnBu, ReverseScale: true, ReverseYAxis: true), title)
            .WithXAxisStyle<double, double, string>(TitleText: "predicted")
            .WithYAxisStyle<double, double, string>(TitleText: "true")
            .WithSize(Width: 720, Height: 600);
    }
}
