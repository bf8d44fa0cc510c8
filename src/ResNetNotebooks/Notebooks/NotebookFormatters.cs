using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using TorchSharp;
using ResNetNotebooks.Display;
using ResNetNotebooks.Inspection;
using ResNetNotebooks.Models;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Notebooks;

/// <summary>
/// How the notebooks show tensors, shapes, charts and the library's tables. Registered by
/// <see cref="NotebookSetup.Initialize"/>; safe to register again.
/// </summary>
public static class NotebookFormatters
{
    private const string Html = "text/html";
    private const string Text = "text/plain";
    private const int MaxElementsShown = 64;
    private static int _xplotHooked;

    /// <summary>Registers every formatter.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // Plotly.NET types must not be touched before the FSharp.Core redirect.
    public static void Register()
    {
        Formatter.Register<torch.Tensor>(t => WebUtility.HtmlEncode(TensorText(t)) is var s ? $"<pre>{s}</pre>" : "", Html);
        Formatter.Register<torch.Tensor>(TensorText, Text);
        Formatter.Register<long[]>(shape => $"<code>{ShapeText.Of(shape)}</code>", Html);
        Formatter.Register<long[]>(ShapeText.Of, Text);
        Formatter.Register<GenericChart>(PlotlyHtml.Fragment, Html);
        RegisterChartCases();
        Formatter.Register<IHtmlRenderable>(x => x.ToHtml(), Html);
        Formatter.Register<IHtmlRenderable>(x => x.ToString() ?? "", Text);

        // The inspection tools and the training settings know nothing of display; their tables live in Display.
        RegisterTable<ModelSummary>(InspectionTables.ToTable);
        RegisterTable<MultiplyAdds>(InspectionTables.ToTable);
        RegisterTable<TimingComparison>(InspectionTables.ToTable);
        RegisterTable<TrainingOptions>(TrainingOptionsView.ToTable);
        HookXPlot();
    }

    /// <summary>
    /// Plotly.NET.Interactive's kernel extension, loaded when a learner adds <c>#r "nuget: Plotly.NET.Interactive"</c>
    /// (as Plotly.NET's documentation says) in a cell after the set-up, registers its own formatter for
    /// <see cref="GenericChart"/>, whose HTML loads require.js and plotly.js from a CDN: offline, an empty chart. The
    /// kernel picks the formatter of the most specific type, whatever the order of registration, and every chart is
    /// one of GenericChart's union cases (Chart, MultiChart): registered for those, the offline formatter always wins.
    /// </summary>
    private static void RegisterChartCases()
    {
        foreach (var chartCase in typeof(GenericChart).GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic)
                     .Where(t => t.IsSubclassOf(typeof(GenericChart))))
        {
            Formatter.Register(chartCase, (chart, writer) => writer.Write(PlotlyHtml.Fragment((GenericChart)chart)), Html);
        }
    }

    private static void RegisterTable<T>(Func<T, HtmlTable> table)
    {
        Formatter.Register<T>(x => table(x).ToHtml(), Html);
        Formatter.Register<T>(x => table(x).ToString(), Text);
    }

    /// <summary>
    /// XPlot.Plotly 4.1.0 (used by older notebooks) has no notebook extension served here, so its charts would show
    /// as plain objects. Its <c>PlotlyChart.GetInlineHtml()</c> draws with the global <c>Plotly</c> that the set-up
    /// cell loads: register that as the chart's HTML, now if XPlot is loaded, or as soon as it is.
    /// Reflection keeps XPlot an optional dependency of the notebooks.
    /// </summary>
    private static void HookXPlot()
    {
        if (Interlocked.Exchange(ref _xplotHooked, 1) == 0)
        {
            AppDomain.CurrentDomain.AssemblyLoad += (_, e) => TryRegisterXPlot(e.LoadedAssembly);
        }
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            TryRegisterXPlot(assembly);
        }
    }

    private static void TryRegisterXPlot(Assembly assembly)
    {
        if (assembly.GetName().Name != "XPlot.Plotly" || assembly.GetType("XPlot.Plotly.PlotlyChart") is not { } chartType)
        {
            return;
        }
        var inlineHtml = chartType.GetMethod("GetInlineHtml", Type.EmptyTypes);
        if (inlineHtml is not null)
        {
            Formatter.Register(chartType, (chart, writer) => writer.Write(inlineHtml.Invoke(chart, null)), Html);
        }
    }

    /// <summary>A tensor's shape, type and device, then its values when it is small.</summary>
    public static string TensorText(torch.Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        var header = $"Tensor {ShapeText.Of(t.shape)} {t.dtype.ToString().ToLowerInvariant()} on {t.device}";
        return t.numel() <= MaxElementsShown
            ? header + "\n" + t.ToString(TensorStringStyle.Numpy)
            : header + $" ({t.numel():N0} values, not shown)";
    }
}
