using System.Text.Json.Nodes;
using ResNetNotebooks.Runner;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>
/// Notebook 06's exercise 3 answered the way a learner might answer it wrongly: a bottleneck with the right layers, the
/// right parameter count and the right output shape that never adds its shortcut, or that puts the stride on the first
/// 1×1 convolution. The check compares what the block computes with the library's weights, so it must say "Not quite",
/// and for the stride it must name the stride.
/// </summary>
public sealed class ResNetFamilyTests
{
    private static string Notebook => Path.Combine(Repo.Notebooks, "06-resnet-family.ipynb");

    private const string ExerciseLine = "Func<BlockSpec, nn.Module<Tensor, Tensor>>? myBottleneck = null;";

    /// <summary>
    /// A learner's bottleneck, d2l-style and torchvision-named, with one mistake: <paramref name="mistake"/> is
    /// "no-shortcut" (the forward pass never adds it) or "stride-on-1x1" (the paper's place for the stride, not torchvision's).
    /// </summary>
    private static string WrongBlock(string mistake)
    {
        var (stride1, stride3) = mistake == "stride-on-1x1" ? ("spec.Stride", "1") : ("1", "spec.Stride");
        var output = mistake == "no-shortcut"
            ? "nn.functional.relu(bn3.call(conv3.call(Y)))"   // the shortcut is never added
            : "nn.functional.relu(bn3.call(conv3.call(Y)) + (downsample is null ? X : downsample.call(X)))";
        return $$"""
            class WrongBottleneck : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> conv1, bn1, conv2, bn2, conv3, bn3;
                private readonly nn.Module<Tensor, Tensor>? downsample;

                public WrongBottleneck(BlockSpec spec) : base(nameof(WrongBottleneck))
                {
                    conv1 = nn.Conv2d(spec.InChannels, spec.Width, 1, stride: {{stride1}}, bias: spec.Bias);
                    bn1 = nn.BatchNorm2d(spec.Width);
                    conv2 = nn.Conv2d(spec.Width, spec.Width, 3, stride: {{stride3}}, padding: 1, groups: spec.Groups, bias: spec.Bias);
                    bn2 = nn.BatchNorm2d(spec.Width);
                    conv3 = nn.Conv2d(spec.Width, spec.OutChannels, 1, bias: spec.Bias);
                    bn3 = nn.BatchNorm2d(spec.OutChannels);
                    downsample = spec.Downsample;
                    RegisterComponents();
                }

                public override Tensor forward(Tensor X)
                {
                    var Y = nn.functional.relu(bn1.call(conv1.call(X)));
                    Y = nn.functional.relu(bn2.call(conv2.call(Y)));
                    return {{output}};
                }
            }
            Func<BlockSpec, nn.Module<Tensor, Tensor>>? myBottleneck = spec => new WrongBottleneck(spec);
            """;
    }

    [Theory]
    [InlineData("no-shortcut", "Not quite: with the library's weights your network computes something else")]
    [InlineData("stride-on-1x1", "Not quite: your block computes what the paper's layout computes: its stride is on the first 1×1 convolution")]
    public async Task Exercise_3_marks_a_bottleneck_with_the_right_count_and_shape_but_a_wrong_computation_as_wrong(string mistake, string expected)
    {
        var notebook = JsonNode.Parse(File.ReadAllText(Notebook))!.AsObject();
        var folder = Path.Combine(Repo.Root, "artifacts", "exercise-06");
        Directory.CreateDirectory(folder);
        var library = Path.Combine(Repo.Root, "artifacts", "notebook-lib", "ResNetNotebooks.dll");
        var replaced = 0;
        foreach (var cell in notebook["cells"]!.AsArray())
        {
            var source = Source(cell!);
            var answered = source
                .Replace(ExerciseLine, WrongBlock(mistake), StringComparison.Ordinal)
                .Replace("\"../artifacts/notebook-lib/ResNetNotebooks.dll\"", $"\"{library}\"", StringComparison.Ordinal);
            if (answered != source)
            {
                replaced++;
                cell!["source"] = answered;
            }
        }

        Assert.Equal(2, replaced); // the #r cell and the exercise cell
        var path = Path.Combine(folder, $"06-{mistake}.ipynb");
        File.WriteAllText(path, notebook.ToJsonString());
        var output = Path.Combine(folder, $"06-{mistake}.executed.ipynb");

        var result = await ChildProcessRunner.RunAsync(
            path, new RunOptions { Preset = "ci", CellTimeout = TimeSpan.FromSeconds(NotebookExecutionTests.CellTimeoutSeconds) }, output);

        Assert.True(result.Status == NotebookStatus.Passed, result.Describe());
        var verdict = System.Net.WebUtility.HtmlDecode(ExerciseThreeVerdict(File.ReadAllText(output)));
        Assert.Contains(expected, verdict, StringComparison.Ordinal);
        Assert.DoesNotContain("Correct", verdict, StringComparison.Ordinal);
    }

    private static string Source(JsonNode cell) =>
        cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)cell["source"] ?? "";

    /// <summary>The text and HTML outputs of the cell that checks exercise 3 (the one that calls ModuleExercise.Check on yourNet).</summary>
    private static string ExerciseThreeVerdict(string executedNotebook)
    {
        var cell = JsonNode.Parse(executedNotebook)!["cells"]!.AsArray()
            .Single(c => Source(c!).Contains("ModuleExercise.Check(yourNet", StringComparison.Ordinal))!;
        return string.Join("\n", (cell["outputs"]?.AsArray() ?? [])
            .SelectMany(o => new[] { o!["text"], o["data"]?["text/plain"], o["data"]?["text/html"] })
            .Where(t => t is not null)
            .Select(t => t is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)t ?? ""));
    }
}
