using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;
using ResNetNotebooks.Native;
using ResNetNotebooks.Display;

namespace ResNetNotebooks.Notebooks;

/// <summary>What the notebook runs on: versions, threads, device and what the native set-up did.</summary>
/// <param name="Rows">(item, value) pairs in display order.</param>
public sealed record EnvironmentReport(IReadOnlyList<(string Item, string Value)> Rows) : IHtmlRenderable
{
    /// <summary>The value of an item, e.g. <c>report["libtorch"]</c>.</summary>
    public string this[string item] => Rows.First(r => r.Item == item).Value;

    /// <summary>Collects the report after a successful set-up.</summary>
    public static EnvironmentReport Collect(TorchNativeReport native, int seed)
    {
        var rows = new List<(string, string)>
        {
            ("TorchSharp", Version(typeof(torch).Assembly)),
            ("libtorch", torch.__version__),
            ("device", Compute.Device.ToString()),
            ("CUDA available", torch.cuda.is_available() ? "yes" : "no (CPU build of TorchSharp, or no GPU)"),
            ("torch threads", torch.get_num_threads().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (".NET", RuntimeInformation.FrameworkDescription),
            ("OS", RuntimeInformation.OSDescription),
            ("FSharp.Core loaded", AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core")?.GetName().Version?.ToString() ?? "not yet"),
            ("plotly.js", PlotlyHtml.PlotlyJsVersion + " (embedded, offline)"),
        };
        if (native.HostLibStdCxx is not null)
        {
            rows.Add(("C++ runtime", native.HostLibStdCxx));
        }
        foreach (var (path, outcome) in native.Fixes)
        {
            rows.Add(("native fix", $"{outcome}: {path}"));
        }
        if (native.PreloadedFrom is not null)
        {
            rows.Add(("libtorch loaded from", native.PreloadedFrom));
        }
        return new EnvironmentReport(rows);
    }

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "?";

    /// <inheritdoc />
    public string ToHtml()
    {
        var table = new HtmlTable(new HtmlColumn("item"), new HtmlColumn("value") { Code = true });
        foreach (var (item, value) in Rows)
        {
            table.AddRow(item, value);
        }

        return table.ToHtml();
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var width = Rows.Max(r => r.Item.Length);
        return string.Join(Environment.NewLine, Rows.Select(r => $"{r.Item.PadRight(width)}  {r.Value}"));
    }
}
