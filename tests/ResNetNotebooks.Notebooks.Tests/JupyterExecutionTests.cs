using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>
/// The Jupyter front-end, tested: every notebook in notebooks/ (listed at test time, so new lessons are covered) is
/// executed through the Jupyter protocol by nbclient with the pinned dotnet-interactive kernel (<c>.net-csharp</c>)
/// and the runner's <c>ci</c> preset injected, and fails on any error output, as the runner's tests do. Executed
/// copies go to artifacts/notebooks/jupyter-ci/. Without Jupyter or the kernel these tests are reported as skipped.
/// </summary>
public sealed class JupyterExecutionTests
{
    public static TheoryData<string> Notebooks => new(Repo.NotebookFiles.Select(Path.GetFileName)!);

    private static string OutputFolder => Path.Combine(Repo.Root, "artifacts", "notebooks", "jupyter-ci");

    private static TimeSpan CellTimeout => TimeSpan.FromSeconds(NotebookExecutionTests.CellTimeoutSeconds);

    [JupyterTheory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_runs_under_Jupyter_with_the_ci_preset(string name)
    {
        var result = Jupyter.Execute(Path.Combine(Repo.Notebooks, name), "ci", Path.Combine(OutputFolder, name), CellTimeout);

        Assert.True(result.Passed, result.Describe(name));
    }

    [JupyterFact]
    public void A_failing_cell_under_Jupyter_fails_the_run_and_names_the_cell()
    {
        var notebook = Repo.WriteNotebook("fails.ipynb",
            ["var answer = 6 * 7;", "throw new InvalidOperationException($\"boom {answer}\");", "\"not reached\""]);

        var result = Jupyter.Execute(notebook, null, Path.ChangeExtension(notebook, ".out.ipynb"), CellTimeout);

        Assert.False(result.Passed, "a cell that throws must fail the Jupyter run");
        Assert.Equal(2, result.Cell);
        Assert.Contains("boom 42", result.Error, StringComparison.Ordinal);
        Assert.Empty(Jupyter.Outputs(Path.ChangeExtension(notebook, ".out.ipynb"))[2]);
    }
}

/// <summary>
/// Plotly.NET's documentation tells learners to reference Plotly.NET.Interactive. These tests add that reference
/// (at the version pinned in Directory.Packages.props) to a notebook that starts like the lessons, run it in the
/// real kernel under Jupyter (the in-process runner does not load packages' kernel extensions), and check that a
/// Plotly.NET chart is shown once and draws in headless Chromium with the network cut off.
/// </summary>
public sealed class PlotlyInteractiveTests
{
    private static string Version => XDocument.Load(Path.Combine(Repo.Root, "Directory.Packages.props"))
        .Descendants("PackageVersion").Single(e => (string?)e.Attribute("Include") == "Plotly.NET.Interactive").Attribute("Version")!.Value;

    private const string ChartCode =
        "Plotly.NET.CSharp.Chart.Line<double, double, string>(new double[] { 1, 2, 3 }, new double[] { 1, 4, 9 }, Name: \"squares\")";

    /// <summary>The first two cells of the lessons, taken from the first notebook (they are the same in every notebook).</summary>
    private static (string References, string SetUp) LessonCells()
    {
        var cells = ((JsonArray)JsonNode.Parse(File.ReadAllText(Repo.NotebookFiles.First()))!["cells"]!)
            .OfType<JsonObject>().Where(c => c["cell_type"]!.GetValue<string>() == "code")
            .Select(c => Runner.NotebookDocument.Source(c)).ToList();
        return (cells[0], cells[1]);
    }

    [JupyterFact]
    public async Task A_chart_draws_offline_once_when_the_learner_references_Plotly_NET_Interactive_with_the_other_packages()
    {
        var (references, setUp) = LessonCells();
        var notebook = Repo.WriteNotebook("plotly-interactive-first.ipynb",
            [references + $"\n#r \"nuget: Plotly.NET.Interactive, {Version}\"", setUp, ChartCode]);

        await AssertChartDrawsOnce(notebook, chartCell: 2);
    }

    // Failed before issue 22 (the extension's CDN formatter replaced the set-up's): NotebookFormatters now registers
    // the offline formatter for GenericChart's union cases, which the kernel prefers to the extension's GenericChart one.
    [JupyterFact]
    public async Task A_chart_draws_offline_once_when_the_learner_references_Plotly_NET_Interactive_after_the_set_up()
    {
        var (references, setUp) = LessonCells();
        var notebook = Repo.WriteNotebook("plotly-interactive-later.ipynb",
            [references, setUp, $"#r \"nuget: Plotly.NET.Interactive, {Version}\"", ChartCode]);

        await AssertChartDrawsOnce(notebook, chartCell: 3);
    }

    private static async Task AssertChartDrawsOnce(string notebook, int chartCell)
    {
        var executed = Path.ChangeExtension(notebook, ".out.ipynb");
        var result = Jupyter.Execute(notebook, null, executed, TimeSpan.FromSeconds(NotebookExecutionTests.CellTimeoutSeconds));
        Assert.True(result.Passed, result.Describe(Path.GetFileName(notebook)));

        var outputs = Jupyter.Outputs(executed);
        var html = outputs.Select(o => o.Select(x => x!["data"]?["text/html"]).Where(h => h is not null)
            .Select(h => h is JsonArray lines ? string.Concat(lines.Select(l => l!.GetValue<string>())) : h!.GetValue<string>()).ToList()).ToList();
        var plotlyJs = html[1].SingleOrDefault(h => h.StartsWith("<script", StringComparison.Ordinal) && h.Length > 1_000_000);
        Assert.True(plotlyJs is not null, "The set-up cell did not emit plotly.js under Jupyter.");
        var charts = html[chartCell].Where(h => h.Contains("Plotly.newPlot", StringComparison.Ordinal)).ToList();
        Assert.True(charts.Count == 1, $"The chart cell should show the chart once; it has {charts.Count} chart outputs.");

        var page = Path.Combine(Path.GetDirectoryName(notebook)!, "chart.html");
        await File.WriteAllTextAsync(page, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\">{plotlyJs}</head><body>{charts[0]}</body></html>");
        await using var browser = await Browser.LaunchAsync();
        var visit = await browser.OpenAsync(new Uri(page).AbsoluteUri);
        try
        {
            await visit.Page.WaitForFunctionAsync("() => document.querySelector('svg.main-svg .trace')",
                new PuppeteerSharp.WaitForFunctionOptions { Timeout = 30_000 });
        }
        catch (PuppeteerSharp.WaitTaskTimeoutException)
        {
            Assert.Fail($"The chart did not draw offline in Chromium; requests it tried: {string.Join(", ", visit.Blocked)}; " +
                        $"errors: {string.Join(" | ", visit.Errors)}; page: {page}");
        }
        Assert.Empty(visit.Blocked);
        Assert.Empty(visit.Errors);
    }
}
