using System.Reflection;
using Microsoft.DotNet.Interactive.Formatting;
using ResNetNotebooks.Notebooks;
using TorchSharp;
using ResNetNotebooks.Display;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Tests.Notebooks;

[Collection(GlobalTorchState.Name)]
public sealed class NotebookSetupTests
{
    [Fact]
    public void Initialize_reports_the_pinned_versions_and_the_chosen_threads_and_seed()
    {
        var report = NotebookSetup.Initialize(seed: 7, threads: 1);

        Assert.Equal("0.107.0", report["TorchSharp"]);      // Directory.Packages.props
        Assert.StartsWith("2.10.0", report["libtorch"]);     // LibTorch 2.10.0, what TorchSharp 0.107.0 wraps
        Assert.Equal("1", report["torch threads"]);
        Assert.Equal("7", report["seed"]);
        Assert.Equal("cpu", report["device"]);
        Assert.Same(report, NotebookSetup.Environment);
        Assert.Contains("<table>", report.Details.ToHtml());
        Assert.Contains("FSharp.Core loaded", report.Details.ToString());
        Assert.DoesNotContain("<table", report.ToHtml());                       // a lesson shows one line
        Assert.StartsWith("TorchSharp 0.107.0 · libtorch 2.10.0", report.ToString());
        Assert.Contains(" · cpu · 1 torch threads · seed 7 · .NET ", report.Summary);
        Assert.DoesNotContain(Environment.NewLine, report.Summary);
        var cpu = CpuFeatures.Current;
        Assert.Equal(cpu.HasNativeBf16 ? "auto precision: bf16 from 48×48" : "auto precision: fp32 (no native bf16", report["precision"][..(cpu.HasNativeBf16 ? 31 : 36)]);
        Assert.EndsWith(" · " + report["precision"], report.Summary);
        NotebookSetup.Initialize(); // back to the defaults for other tests
    }

    [Fact]
    public void Without_torch_the_report_names_the_package_and_the_runtime_and_says_libtorch_is_not_loaded()
    {
        var report = EnvironmentReport.WithoutTorch();

        Assert.Equal("0.107.0", report["TorchSharp"]);
        Assert.StartsWith("not loaded", report["libtorch"]);
        Assert.Contains("<table>", report.Details.ToHtml());
    }

    [Fact]
    public void The_same_seed_gives_the_same_random_tensor()
    {
        Compute.Seed(42);
        using var first = torch.rand(5);
        Compute.Seed(42);
        using var second = torch.rand(5);

        Assert.Equal(first.data<float>().ToArray(), second.data<float>().ToArray());
    }

    [Fact]
    public void A_request_for_a_newer_FSharp_Core_is_answered_with_the_loaded_one()
    {
        var loaded = typeof(Microsoft.FSharp.Core.Unit).Assembly; // FSharp.Core, as Plotly.NET loads it

        var answer = FSharpCoreRedirect.Resolve(new AssemblyName("FSharp.Core, Version=99.0.0.0"));

        Assert.Same(loaded, answer);
        Assert.Null(FSharpCoreRedirect.Resolve(new AssemblyName("Some.Other.Assembly, Version=1.0.0.0")));
    }

    [Fact]
    public void Tensors_and_shapes_are_shown_with_their_shape_type_and_device()
    {
        NotebookFormatters.Register();
        using var t = torch.arange(6, dtype: torch.ScalarType.Float32).reshape(2, 3);

        var html = t.ToDisplayString("text/html");
        var shape = new long[] { 4, 3, 6, 6 }.ToDisplayString("text/plain");

        Assert.StartsWith("<pre>Tensor (2, 3) float32 on cpu", html);
        Assert.Contains("[[0, 1, 2]", html);
        Assert.Equal("(4, 3, 6, 6)", shape);
    }

    [Fact]
    public void A_large_tensor_shows_its_size_not_its_values()
    {
        using var t = torch.zeros(1, 1, 28, 28);

        Assert.Equal("Tensor (1, 1, 28, 28) float32 on cpu (784 values, not shown)", NotebookFormatters.TensorText(t));
    }

    [Fact]
    public void A_chart_renders_as_a_div_and_a_script_that_uses_the_pages_plotly_js()
    {
        NotebookFormatters.Register();
        var chart = Plotly.NET.CSharp.Chart.Line<double, double, string>(new[] { 1.0, 2.0 }, new[] { 3.0, 4.0 });

        var html = chart.ToDisplayString("text/html");

        Assert.Contains("Plotly.newPlot(", html);
        Assert.Contains("plotly.js is not loaded in this page", html); // the hint shown when the set-up cell did not run
        Assert.DoesNotContain("cdn.plot.ly", html);
        Assert.DoesNotContain("require.config", html);
    }

    [Fact]
    public void A_chart_stays_offline_when_Plotly_NET_Interactive_registers_its_formatter_after_the_set_up()
    {
        NotebookFormatters.Register();
        // What Plotly.NET.Interactive's kernel extension does when a later cell references the package (its
        // FormatterKernelExtension registers a text/html formatter for GenericChart that loads plotly.js from a CDN).
        Formatter.Register<Plotly.NET.GenericChart>((_, writer) =>
            writer.Write("<script>require.config({paths: {plotly: 'https://cdn.plot.ly/plotly-2.28.0.min'}});</script>"), "text/html");
        try
        {
            var line = Plotly.NET.CSharp.Chart.Line<double, double, string>(new[] { 1.0, 2.0 }, new[] { 3.0, 4.0 });
            var grid = Plotly.NET.CSharp.Chart.Grid([line, line], 1, 2); // a MultiChart, the other kind of chart

            foreach (var html in new[] { line.ToDisplayString("text/html"), grid.ToDisplayString("text/html") })
            {
                Assert.Contains("Plotly.newPlot(", html);
                Assert.Contains("plotly.js is not loaded in this page", html); // the set-up's offline formatter
                Assert.DoesNotContain("cdn.plot.ly", html);
            }
        }
        finally
        {
            Formatter.ResetToDefault();
            NotebookFormatters.Register();
        }
    }

    [Fact]
    public void The_notebook_script_and_a_standalone_page_carry_plotly_js_itself()
    {
        var chart = Plotly.NET.CSharp.Chart.Point<double, double, string>(new[] { 1.0 }, new[] { 2.0 });

        var page = PlotlyHtml.Page(chart, "A <test>");

        Assert.Equal("2.28.0", PlotlyHtml.PlotlyJsVersion); // the version Plotly.NET 6.0.0 embeds
        Assert.Contains("plotly.js v2.28.0", PlotlyHtml.ScriptTag);
        Assert.True(PlotlyHtml.ScriptTag.Length > 3_000_000);
        Assert.Contains("<title>A &lt;test&gt;</title>", page);
        Assert.Contains("plotly.js v2.28.0", page);
        Assert.DoesNotContain("<script src=", page);
    }
}
