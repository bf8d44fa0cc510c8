using System.Text.Json.Nodes;
using ResNetNotebooks.Runner;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>
/// Executes every notebook in notebooks/ headlessly with the runner's <c>ci</c> preset (what CI runs; a notebook without
/// parameters runs its own defaults), one test case per notebook, and writes the executed copies to
/// artifacts/notebooks/ci/. A failing cell fails the test with the notebook, the cell and the error.
/// The per-cell timeout is NOTEBOOK_CELL_TIMEOUT seconds (default 300), a hang detector sized by the work of the
/// heaviest cell, not by one machine's speed: under the ci preset notebook 04's training cell sees 2 epochs of 1,024
/// images plus 3 passes over 512 test images, 3,584 images, which take 180 s at 20 images/s (a sixth of the slowest
/// 2-core machine measured, 120 images/s). The accuracy floor of the full quick profile is checked by the slow
/// <see cref="QuickProfileTests"/>.
/// </summary>
public sealed class NotebookExecutionTests
{
    public static TheoryData<string> Notebooks => new(Repo.NotebookFiles.Select(Path.GetFileName)!);

    /// <summary>The per-cell timeout in seconds: NOTEBOOK_CELL_TIMEOUT, default 300 (the Jupyter and book tests use it too).</summary>
    internal static double CellTimeoutSeconds { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("NOTEBOOK_CELL_TIMEOUT"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 && s <= 86_400 ? s : 300;

    private static readonly TimeSpan CellTimeout = TimeSpan.FromSeconds(CellTimeoutSeconds);

    private const string Preset = "ci";

    internal static string OutputFolder => Path.Combine(Repo.Root, "artifacts", "notebooks", Preset);

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_headlessly_with_the_ci_preset(string name)
    {
        var options = new RunOptions { Preset = Preset, CellTimeout = CellTimeout };

        var result = await ChildProcessRunner.RunAsync(Path.Combine(Repo.Notebooks, name), options, Path.Combine(OutputFolder, name));

        Assert.True(result.Status == NotebookStatus.Passed, result.Describe());
        Assert.True(File.Exists(result.OutputPath));
    }
}
