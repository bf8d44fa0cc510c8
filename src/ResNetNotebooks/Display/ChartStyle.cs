using Plotly.NET;

namespace ResNetNotebooks.Display;

/// <summary>
/// The few Plotly.NET (F#) layout calls the chart builders share, wrapped once so that each builder reads as C#.
/// </summary>
internal static class ChartStyle
{
    /// <summary>The chart with <paramref name="title"/> above it.</summary>
    public static GenericChart Title(GenericChart chart, string title) =>
        Plotly.NET.Chart.withTitle(title, null).Invoke(chart);

    /// <summary>Checks a title argument: charts in the lessons always say what they show.</summary>
    public static void RequireTitle(string title, string owner)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            throw new ArgumentException($"{owner} needs a title that says what the chart shows, e.g. \"Parameters per stage\".", nameof(title));
        }
    }
}
