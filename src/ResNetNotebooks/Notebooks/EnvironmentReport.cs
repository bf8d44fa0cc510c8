using ResNetNotebooks.Training;
using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;
using ResNetNotebooks.Native;
using ResNetNotebooks.Display;

namespace ResNetNotebooks.Notebooks;

/// <summary>
/// What the notebook runs on: versions, threads, device and what the native set-up did. A notebook shows it as one
/// line (<see cref="Summary"/>); <see cref="Details"/> is the full table, which notebook 00 shows.
/// </summary>
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
            ("CPU flags", CpuFeatures.Current.ToString()),
            ("precision", PrecisionChoice.DescribeAuto(CpuFeatures.Current)),
            ("native heap", NativeHeap.IsTuned ? $"glibc mmap and trim thresholds {NativeHeap.KeptBytes >> 20} MiB (NativeHeap)" : "the C library's defaults"),
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

    /// <summary>What is known when TorchSharp's native library cannot be loaded: nothing here calls into libtorch.</summary>
    public static EnvironmentReport WithoutTorch() => new(
    [
        ("TorchSharp", Version(typeof(torch).Assembly)),
        (".NET", RuntimeInformation.FrameworkDescription),
        ("OS", RuntimeInformation.OSDescription),
        ("architecture", RuntimeInformation.ProcessArchitecture.ToString()),
        ("libtorch", "not loaded (see the error below)"),
    ]);

    /// <summary>
    /// One line with what a lesson's numbers depend on, e.g.
    /// <c>TorchSharp 0.107.0 · libtorch 2.10.0 · cpu · 2 torch threads · seed 0 · .NET 10.0.1 · auto precision: bf16 from 48×48
    /// (the CPU has avx512_bf16), fp32 below</c>: the last item is what a notebook trains in when it asks for the machine's
    /// choice (<see cref="PrecisionChoice.DescribeAuto"/>).
    /// </summary>
    public string Summary =>
        $"TorchSharp {Find("TorchSharp")} · libtorch {Find("libtorch")} · {Find("device")} · {Find("torch threads")} torch threads" +
        $" · seed {Find("seed")} · {Find(".NET")} · {Find("precision")}";

    /// <summary>Every item in a two-column table (HTML and text), for notebook 00 and for finding a set-up problem.</summary>
    public IHtmlRenderable Details => new DetailsTable(Rows);

    private string Find(string item) => Rows.FirstOrDefault(r => r.Item == item).Value ?? "?";

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "?";

    /// <summary>The one-line <see cref="Summary"/> as HTML.</summary>
    public string ToHtml() => $"<div class=\"environment\"><code>{System.Net.WebUtility.HtmlEncode(Summary)}</code></div>";

    /// <summary>The one-line <see cref="Summary"/>.</summary>
    public override string ToString() => Summary;

    private sealed class DetailsTable(IReadOnlyList<(string Item, string Value)> rows) : IHtmlRenderable
    {
        public string ToHtml()
        {
            var table = new HtmlTable(new HtmlColumn("item"), new HtmlColumn("value") { Code = true });
            foreach (var (item, value) in rows)
            {
                table.AddRow(item, value);
            }

            return table.ToHtml();
        }

        public override string ToString()
        {
            var width = rows.Max(r => r.Item.Length);
            return string.Join(Environment.NewLine, rows.Select(r => $"{r.Item.PadRight(width)}  {r.Value}"));
        }
    }
}
