using System.Text.Json.Nodes;
using ResNetNotebooks.Runner;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>
/// Notebook 05 beyond the <c>ci</c> preset: its claims (deeper plain networks train worse, gradients, lesions, the loss
/// surface) are asserted by its own cells only at the size they were measured at, its defaults, which this slow test
/// runs; and its exercise, solved the way a learner would solve it, is checked as correct.
/// </summary>
public sealed class PlainVersusResidualTests
{
    private static string Notebook => Path.Combine(Repo.Notebooks, "05-plain-vs-residual.ipynb");

    [SlowFact]
    public async Task Notebook_05_with_its_own_defaults_checks_every_claim_and_passes()
    {
        // The per-cell timeout follows from the work of the longest training cell, not from one machine's speed: two
        // epochs of 5,000 images for four networks, counted in ResNet-18-at-28×28 images (notebook 04's unit: ResNet-20
        // costs about as much per image, ResNet-56 about three times as much), so 10,000 · (1 + 1 + 3 + 3) = 80,000, at
        // 20 images/s (a sixth of the slowest 2-core machine measured), plus 5 minutes for the kernel: 4,300 s.
        var cellTimeout = TimeSpan.FromSeconds(300 + (10_000 * (1 + 1 + 3 + 3) / 20.0));
        var output = Path.Combine(Repo.Root, "artifacts", "notebooks", "default", "05-plain-vs-residual.ipynb");

        var result = await ChildProcessRunner.RunAsync(Notebook, new RunOptions { CellTimeout = cellTimeout }, output);

        Assert.True(result.Status == NotebookStatus.Passed, result.Describe());
        var text = OutputText(File.ReadAllText(output));
        Assert.Contains("The claims are checked at these settings.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_exercise_solved_as_a_learner_would_is_marked_correct_and_trains_plain_32()
    {
        var notebook = JsonNode.Parse(File.ReadAllText(Notebook))!.AsObject();
        var folder = Path.Combine(Repo.Root, "artifacts", "exercise-05");
        Directory.CreateDirectory(folder);
        var library = Path.Combine(Repo.Root, "artifacts", "notebook-lib", "ResNetNotebooks.dll");
        var replaced = 0;
        foreach (var cell in notebook["cells"]!.AsArray())
        {
            var source = Source(cell!);
            var solved = source
                .Replace("ResNetConfig? myPlain32 = null;", "ResNetConfig? myPlain32 = ResNetConfig.CifarPlain(32);", StringComparison.Ordinal)
                .Replace("double? predictedLoss = null;", "double? predictedLoss = 0.9;", StringComparison.Ordinal)
                .Replace("\"../artifacts/notebook-lib/ResNetNotebooks.dll\"", $"\"{library}\"", StringComparison.Ordinal);
            if (solved != source)
            {
                replaced++;
                cell!["source"] = solved;
            }
        }

        Assert.Equal(2, replaced); // the #r cell and the exercise cell
        var path = Path.Combine(folder, "05-solved.ipynb");
        File.WriteAllText(path, notebook.ToJsonString());
        var output = Path.Combine(folder, "05-solved.executed.ipynb");

        var result = await ChildProcessRunner.RunAsync(
            path, new RunOptions { Preset = "ci", CellTimeout = TimeSpan.FromSeconds(NotebookExecutionTests.CellTimeoutSeconds) }, output);

        Assert.True(result.Status == NotebookStatus.Passed, result.Describe());
        var text = OutputText(File.ReadAllText(output));
        Assert.Contains("Correct: ", text, StringComparison.Ordinal);
        Assert.Contains("your prediction was off by", text, StringComparison.Ordinal);
    }

    private static string Source(JsonNode cell) =>
        cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)cell["source"] ?? "";

    /// <summary>Every text and HTML output of the executed notebook, concatenated.</summary>
    private static string OutputText(string executedNotebook) =>
        string.Join("\n", JsonNode.Parse(executedNotebook)!["cells"]!.AsArray()
            .SelectMany(c => c!["outputs"]?.AsArray() ?? [])
            .SelectMany(o => new[] { o!["text"], o["data"]?["text/plain"], o["data"]?["text/html"] })
            .Where(t => t is not null)
            .Select(t => t is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)t ?? ""));
}
