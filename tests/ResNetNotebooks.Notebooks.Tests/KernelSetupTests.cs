using System.Text.Json.Nodes;
using ResNetNotebooks.Runner;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>The kernel set-up, seen from a real kernel: what 00-environment's executed copy contains.</summary>
public sealed class KernelSetupTests
{
    private static string Html(JsonNode cell) =>
        string.Concat(((JsonArray)cell["outputs"]!).Select(o => o!["data"]?["text/html"]?.GetValue<string>() ?? ""));

    [Fact]
    public async Task In_a_kernel_the_set_up_emits_plotly_js_once_and_Plotly_NET_and_XPlot_charts_draw_with_it()
    {
        var notebook = Path.Combine(Repo.Notebooks, "00-environment.ipynb");
        var output = Path.Combine(Path.GetTempPath(), $"00-environment.{Guid.NewGuid():N}.ipynb");

        var result = await ChildProcessRunner.RunAsync(notebook, new RunOptions { CellTimeout = TimeSpan.FromSeconds(300) }, output);

        Assert.True(result.Status == NotebookStatus.Passed, result.Describe());
        var cells = JsonNode.Parse(File.ReadAllText(output))!["cells"]!.AsArray()
            .Where(c => c!["cell_type"]!.GetValue<string>() == "code").ToList();
        var setUp = Html(cells[1]!);
        Assert.Contains("plotly.js v2.28.0", setUp);                  // the script itself, not a CDN link
        Assert.Contains("TorchSharp 0.107.0", setUp);                 // the set-up cell's one line
        var details = Html(cells[2]!);                                // 00 shows the full table in the next cell
        Assert.Contains("FSharp.Core loaded", details);
        Assert.Contains("10.0.0.0", details);                         // the kernel's FSharp.Core, as in VS Code: the redirect was needed
        var charts = cells.Skip(3).Select(c => Html(c!)).Where(h => h.Contains("Plotly.newPlot(")).ToList();
        Assert.Equal(2, charts.Count);                                // the Plotly.NET chart and the XPlot chart
        Assert.All(cells.Skip(2), c => Assert.DoesNotContain("plotly.js v2.28.0", Html(c!))); // emitted once only
        Assert.DoesNotContain(cells, c => Html(c!).Contains("<script src="));    // nothing loaded from the network
        File.Delete(output);
    }
}
