using System.Net;
using System.Reflection;
using Plotly.NET;

namespace ResNetNotebooks.Display;

/// <summary>
/// Turns Plotly.NET charts into HTML that draws without network access. plotly.js (2.28.0, the version Plotly.NET 6
/// is built for) is taken from the Plotly.NET assembly itself, where it is embedded, never from a CDN:
/// in a notebook the set-up cell emits it once (<see cref="ScriptTag"/>) and every chart after it calls the global
/// <c>Plotly</c>; a standalone page (<see cref="Page(GenericChart, string)"/>) carries its own copy.
/// </summary>
public static class PlotlyHtml
{
    private static readonly Lazy<string> Script = new(ReadEmbeddedPlotlyJs);

    /// <summary>The plotly.js version embedded in Plotly.NET, e.g. "2.28.0".</summary>
    public static string PlotlyJsVersion => EmbeddedName()["Plotly.NET.plotly-".Length..^".min.js".Length];

    /// <summary>A &lt;script&gt; element holding the whole of plotly.js (about 3.6 MB).</summary>
    public static string ScriptTag => $"<script type=\"text/javascript\">{Script.Value}</script>";

    /// <summary>
    /// The chart as an HTML fragment for a notebook output: a &lt;div&gt; and the script that draws it with the
    /// page's plotly.js, plus a visible hint when plotly.js is missing from the page.
    /// </summary>
    public static string Fragment(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return "<div class=\"resnet-plotly-missing\" style=\"display:none;color:#b00020\">plotly.js is not loaded in this page: " +
               "run the notebook's set-up cell (NotebookSetup.Initialize) first, then this cell again.</div>" +
               "<script type=\"text/javascript\">if (typeof window.Plotly === 'undefined') { " +
               "document.currentScript.previousElementSibling.style.display = 'block'; }</script>" +
               GenericChart.toChartHTML(chart);
    }

    /// <summary>A complete, self-contained HTML page showing the chart (works offline).</summary>
    public static string Page(GenericChart chart, string title)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n" +
               $"<title>{WebUtility.HtmlEncode(title)}</title>\n{ScriptTag}\n</head>\n<body>\n" +
               GenericChart.toChartHTML(chart) + "\n</body>\n</html>\n";
    }

    /// <summary>A complete, self-contained HTML page showing <paramref name="charts"/> one below the other (works
    /// offline: one copy of plotly.js for all of them).</summary>
    public static string Page(IEnumerable<GenericChart> charts, string title)
    {
        ArgumentNullException.ThrowIfNull(charts);
        return "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n" +
               $"<title>{WebUtility.HtmlEncode(title)}</title>\n{ScriptTag}\n</head>\n<body>\n" +
               string.Join("\n", charts.Select(GenericChart.toChartHTML)) + "\n</body>\n</html>\n";
    }

    private static string EmbeddedName() =>
        typeof(GenericChart).Assembly.GetManifestResourceNames()
            .Single(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal));

    private static string ReadEmbeddedPlotlyJs()
    {
        using var stream = typeof(GenericChart).Assembly.GetManifestResourceStream(EmbeddedName())
            ?? throw new InvalidOperationException("Plotly.NET does not embed plotly.js any more; pin Plotly.NET 6.0.0.");
        using var reader = new StreamReader(stream);
        // A literal "</script>" inside the script would end the element early; split it.
        return reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
    }
}
