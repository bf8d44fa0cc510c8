using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ResNetNotebooks.Runner;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>
/// Checks that the charts the lessons show really draw, not only that their HTML is there: a notebook cell per kind
/// of library chart runs in the kernel (through the runner, as the lessons run), and each chart's HTML output is
/// opened in headless Chromium together with the plotly.js that the set-up cell emitted, with every network lookup
/// blocked. The DOM Chromium leaves must hold the SVG plotly.js draws and one element per trace.
/// </summary>
/// <remarks>
/// Needs Chromium (Debian/Ubuntu: <c>apt-get install -y chromium</c>), or the CHROMIUM environment variable set to a
/// Chromium or Chrome executable. Without it the tests fail and say so; they are never skipped.
/// </remarks>
public sealed partial class ChartRenderingTests
{
    private static readonly string[] BrowserNames = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    /// <summary>One chart cell of the test notebook and what plotly.js must draw for it.</summary>
    private sealed record ChartCase(string Name, string Code, string TraceMarker, int Traces);

    private static readonly ChartCase[] Charts =
    [
        new("grid of heatmaps",
            """ResNetNotebooks.Display.Heatmaps.Grid([("a", new float[,] { { 0, 1 }, { 2, 3 } }), ("b", new float[,] { { 3, 2 }, { 1, 0 } }), ("c", new float[,] { { 1, 1 }, { 0, 0 } })], 3, "three heatmaps")""",
            "class=\"hm\"", 3),
        new("parameters per stage (bars)",
            """ResNetNotebooks.Display.StageCharts.ParametersPerStage(new Dictionary<string, long> { ["b1"] = 3_328, ["b2"] = 148_224 }, "parameters")""",
            "class=\"trace bars", 1),
        new("feature-map shapes (lines)",
            """ResNetNotebooks.Display.StageCharts.FeatureMapShapes(new (string, IReadOnlyList<long>)[] { ("input", new long[] { 1, 1, 224, 224 }), ("b1", new long[] { 1, 64, 56, 56 }) })""",
            "class=\"trace scatter", 2),
        new("comparison (bar panels)",
            """ResNetNotebooks.Display.ComparisonChart.Bars(["A", "B", "C"], [("parameters", new double[] { 0, 1, 2 }), ("multiply-adds", new double[] { 2, 1, 0 })], "options")""",
            "class=\"trace bars", 2),
        new("loss surfaces (contour panels)",
            """ResNetNotebooks.Display.ContourPanels.Draw([-1.0, 0, 1], [-1.0, 1], [("plain", new double[,] { { 3, 1, 3 }, { 4, 2, 4 } }), ("residual", new double[,] { { 2, 1, 2 }, { 2, 1, 2 } })], "surfaces", "α", "β", "loss")""",
            "class=\"contour\"", 2),
    ];

    [Fact]
    public void Chromium_is_installed_for_the_chart_rendering_tests()
    {
        Assert.NotNull(FindChromium());
    }

    [Fact]
    public async Task Every_kind_of_library_chart_draws_its_traces_in_headless_Chromium_without_network()
    {
        var chromium = FindChromium();
        var library = Path.Combine(Repo.Root, "artifacts", "notebook-lib", "ResNetNotebooks.dll");
        Assert.True(File.Exists(library), $"{library} is missing: build the solution first (dotnet build).");
        var cells = new List<string>
        {
            $"#r \"nuget: TorchSharp-cpu, 0.107.0\"\n#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\n#r \"{library}\"",
            "ResNetNotebooks.Notebooks.NotebookSetup.Initialize()",
        };
        cells.AddRange(Charts.Select(c => c.Code));
        var notebook = Repo.WriteNotebook("charts.ipynb", cells);

        var result = await ChildProcessRunner.RunAsync(
            notebook, new RunOptions { CellTimeout = TimeSpan.FromSeconds(120) }, Path.ChangeExtension(notebook, ".out.ipynb"));

        Assert.True(result.Status == NotebookStatus.Passed, result.Describe());
        var executed = (JsonArray)JsonNode.Parse(File.ReadAllText(result.OutputPath!))!["cells"]!;
        var plotlyJs = HtmlOutputs(executed[1]!).SingleOrDefault(h => h.StartsWith("<script", StringComparison.Ordinal) && h.Length > 1_000_000);
        Assert.True(plotlyJs is not null, "The set-up cell did not emit plotly.js as an HTML <script> output.");
        Assert.DoesNotMatch(ExternalScript(), plotlyJs);

        var folder = Directory.CreateTempSubdirectory("resnet-chart-render-").FullName;
        try
        {
            for (var i = 0; i < Charts.Length; i++)
            {
                var chart = Charts[i];
                var html = HtmlOutputs(executed[i + 2]!).SingleOrDefault(h => h.Contains("Plotly.newPlot", StringComparison.Ordinal));
                Assert.True(html is not null, $"The {chart.Name} cell has no chart HTML (Plotly.newPlot) in its output.");
                Assert.DoesNotMatch(ExternalScript(), html);
                var page = Path.Combine(folder, $"chart{i}.html");
                File.WriteAllText(page, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\">{plotlyJs}</head><body>{html}</body></html>");

                var dom = await DumpDom(chromium!, page, folder);

                Assert.True(dom.Contains("class=\"main-svg\"", StringComparison.Ordinal),
                    $"plotly.js drew nothing for the {chart.Name} chart in Chromium (no main-svg element); page: {page}");
                var traces = Regex.Matches(dom, Regex.Escape(chart.TraceMarker)).Count;
                Assert.True(traces == chart.Traces,
                    $"The {chart.Name} chart should draw {chart.Traces} trace(s) ({chart.TraceMarker}) but Chromium's DOM has {traces}; page: {page}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"<script[^>]*\bsrc\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalScript();

    private static IEnumerable<string> HtmlOutputs(JsonNode cell) =>
        ((JsonArray)cell["outputs"]!)
            .Select(o => o!["data"]?["text/html"])
            .Where(h => h is not null)
            .Select(h => h is JsonArray lines ? string.Concat(lines.Select(l => l!.GetValue<string>())) : h!.GetValue<string>());

    /// <summary>Runs Chromium headless on the page and returns the DOM after the scripts ran.</summary>
    private static async Task<string> DumpDom(string chromium, string page, string folder)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-extensions",
            "--host-resolver-rules=MAP * ~NOTFOUND",            // no network: plotly.js must come from the page itself
            $"--user-data-dir={Path.Combine(folder, "profile")}",
            "--virtual-time-budget=5000", "--dump-dom", new Uri(page).AbsoluteUri,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"Chromium did not finish within 120 s on {page}.");
        }

        var dom = await stdout;
        Assert.True(process.ExitCode == 0 && dom.Length > 0,
            $"Chromium failed on {page} (exit code {process.ExitCode}): {(await stderr).Trim()}");
        return dom;
    }

    /// <summary>The Chromium executable: CHROMIUM if set, else the first known name on PATH. Fails with the fix otherwise.</summary>
    private static string? FindChromium()
    {
        var configured = Environment.GetEnvironmentVariable("CHROMIUM");
        if (!string.IsNullOrEmpty(configured))
        {
            Assert.True(File.Exists(configured), $"CHROMIUM is set to {configured}, which does not exist.");
            return configured;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var found = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => BrowserNames.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
        Assert.True(found is not null,
            "Chromium is needed to check that the notebooks' charts draw, and none was found " +
            $"({string.Join(", ", BrowserNames)} on PATH). Install it (Debian/Ubuntu: apt-get install -y chromium) " +
            "or set CHROMIUM to a Chromium or Chrome executable.");
        return found;
    }
}
