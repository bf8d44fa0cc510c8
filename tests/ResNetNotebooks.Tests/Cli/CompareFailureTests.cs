using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using ResNetNotebooks.Cli;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Training;

using static ResNetNotebooks.Tests.Cli.CliCalls;
using static ResNetNotebooks.Tests.Cli.MessageFacts;

namespace ResNetNotebooks.Tests.Cli;

/// <summary>Issue 22 for <c>compare</c>: finished runs are never lost to a command that then fails, the folder's lock
/// covers its runs, a hand-edited plan is checked, and damage is handled the same way in every run.</summary>
[Collection(GlobalTorchState.Name)]
public class CompareFailureTests
{
    /// <summary>plain-8 and ResNet-8 on the shipped subset's first 128 training images in 2 batches of 64, 64 test
    /// images, 2 epochs: 4 steps per run.</summary>
    private static readonly string[] Tiny =
        ["compare", "--nets", "plain,resnet", "--depths", "8", "--train-images", "128", "--test-images", "64", "--batch-size", "64", "--epochs", "2"];

    private static Dictionary<string, byte[]> Snapshot(TempFolder folder) =>
        folder.Files().ToDictionary(f => f, f => File.ReadAllBytes(folder.Combine(f)));

    [Fact]
    public void Overwrite_with_settings_that_do_not_fit_the_data_keeps_the_earlier_comparison()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Run([.. Tiny, "--out", folder.Path]).Code);
        var before = Snapshot(folder);

        // The shipped subset has 10,000 training images: the new settings are refused once the data is loaded.
        var (code, _, error) = Run(["compare", "--nets", "plain", "--depths", "8", "--train-images", "20000", "--out", folder.Path, "--overwrite"]);

        Assert.Equal(2, code);
        var problem = UsageLine(error, "resnet-cli compare");
        Assert.All(new[] { "--train-images 20000", "training data", "(10,000)", "leave --train-images out" }, fact => Assert.Contains(fact, problem));
        Assert.Equal(before.Keys, Snapshot(folder).Keys);
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(folder.Combine(f.Key))));
    }

    [Fact]
    public void A_train_into_a_run_folder_of_a_running_comparison_is_refused_and_the_summary_has_the_comparisons_numbers()
    {
        using var folder = new TempFolder();
        (int Code, string Out, string Err)? intruder = null;
        CompareCommand.AfterEpoch = (run, m) =>
        {
            if (run.Net == "resnet" && m.Epoch == 1)
            {
                // While the comparison trains ResNet-8, someone starts a train into its finished plain-8 folder.
                intruder = Run(["train", "--train-images", "64", "--test-images", "32", "--batch-size", "32", "--epochs", "1",
                    "--overwrite", "--out", folder.Combine("plain-8-seed1")]);
            }
        };
        (int Code, string Out, string Err) compare;
        try
        {
            compare = Run([.. Tiny, "--out", folder.Path]);
        }
        finally
        {
            CompareCommand.AfterEpoch = null;
        }

        Assert.True(compare.Code == 0, compare.Err);
        Assert.NotNull(intruder);
        Assert.Equal(1, intruder.Value.Code);
        Assert.StartsWith($"{folder.Combine("plain-8-seed1")} is in use by another run (process {Environment.ProcessId} on {Environment.MachineName} (resnet-cli compare --out {folder.Path})",
            OneLine(intruder.Value.Err));
        var info = Checkpoint.ReadInfo(folder.Combine("plain-8-seed1", Checkpoint.FileName));
        Assert.Equal((2, 4, 1), (info.CompletedEpochs, info.OptimizerSteps, info.Options.Seed));
        Assert.DoesNotContain(folder.Files(), f => f.EndsWith(RunFolderLock.FileName, StringComparison.Ordinal));
    }

    /// <summary>A valid plan as compare writes it, with one property replaced by <paramref name="json"/>.</summary>
    private static string Plan(string property, string json)
    {
        var options = new JsonSerializerOptions { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };
        var plan = JsonSerializer.SerializeToNode(new ComparePlan(["plain"], [8], [1], ComparePlan.PaperRecipe with { TrainImages = 64, TestImages = 32, BatchSize = 32 }), options)!;
        plan[property] = System.Text.Json.Nodes.JsonNode.Parse(json);
        return plan.ToJsonString(options);
    }

    [Theory]
    [InlineData("Nets", "[\"plain\", \"cnn\"]", "\"Nets\" holds 'cnn'; use \"plain\" and/or \"resnet\"")]
    [InlineData("Nets", "[null]", "\"Nets\" holds null; use \"plain\" and/or \"resnet\"")]
    [InlineData("Nets", "null", "\"Nets\" is missing or empty")]
    [InlineData("Nets", "[\"plain\", \"plain\"]", "\"Nets\" lists a network twice")]
    [InlineData("Depths", "[8, 8]", "\"Depths\" lists a depth twice")]
    [InlineData("Depths", "[2000000000]", "\"Depths\": depth 2000000000 is deeper than the paper's deepest CIFAR network (1202)")]
    [InlineData("Depths", "[7]", "\"Depths\": The CIFAR family has depth 6n + 2")]
    [InlineData("Depths", "[]", "\"Depths\" is missing or empty")]
    [InlineData("Seeds", "[-1]", "\"Seeds\" holds -1; give seeds of at least 0")]
    [InlineData("Seeds", "[1, 1]", "\"Seeds\" lists a seed twice")]
    [InlineData("Options", "null", "\"Options\" is missing")]
    public void A_hand_edited_plan_is_checked_like_the_command_line_and_named(string property, string json, string problem)
    {
        using var folder = new TempFolder();
        var path = folder.Combine("compare.json");
        File.WriteAllText(path, Plan(property, json));

        var (code, output, error) = Run(["compare", "--out", folder.Path, "--resume"]);

        Assert.Equal(1, code);
        var line = OneLine(error);
        Assert.StartsWith($"{path} is not a valid comparison plan: {problem}", line);
        Assert.EndsWith("fix the file (it lists nets, depths, seeds and options, as each run folder's run.json does), or start a new comparison in another folder with --out.", line);
        Assert.DoesNotContain("--overwrite", line);
        Assert.Equal(["compare.json"], folder.Files());
        Assert.Equal("", output);
    }

    [Fact]
    public void A_corrupt_plan_is_reported_with_its_file_name()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("compare.json");
        File.WriteAllText(path, Plan("Nets", "[\"plain\"]")[..40]);

        var (code, _, error) = Run(["compare", "--out", folder.Path, "--resume"]);

        Assert.Equal(1, code);
        Assert.StartsWith($"{path} cannot be read as a comparison plan (", OneLine(error));
        Assert.DoesNotContain("--overwrite", error);
    }

    [Fact]
    public void A_damaged_metrics_file_is_repaired_from_its_checkpoint_in_every_run_and_said()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Run([.. Tiny, "--out", folder.Path]).Code);
        var runs = new[] { "plain-8-seed1", "ResNet-8-seed1" };
        var good = runs.ToDictionary(r => r, r => File.ReadAllText(folder.Combine(r, "metrics.csv")));
        foreach (var run in runs)
        {
            File.WriteAllText(folder.Combine(run, "metrics.csv"), "not,a,metrics\nfile");
        }

        var (code, output, error) = Run(["compare", "--out", folder.Path, "--resume"]);

        Assert.True(code == 0, error);
        foreach (var run in runs)
        {
            Assert.Contains($"{run}: metrics.csv was damaged; rewritten from its checkpoint (epoch 2).", output);
            Assert.Equal(good[run], File.ReadAllText(folder.Combine(run, "metrics.csv")));
        }
    }

    [Theory]
    [InlineData("plain-8-seed1")]
    [InlineData("ResNet-8-seed1")]
    public void Lost_per_step_losses_stop_the_comparison_the_same_way_in_any_run_without_advising_to_overwrite(string damaged)
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Run([.. Tiny, "--out", folder.Path]).Code);
        File.WriteAllText(folder.Combine(damaged, "steps.csv"), StepsFile.Header + "\n");
        var before = Snapshot(folder);

        var (code, _, error) = Run(["compare", "--out", folder.Path, "--resume"]);

        Assert.Equal(1, code);
        var line = OneLine(error);
        AssertHas(line, $"{folder.Combine(damaged, "steps.csv")} holds 0 steps", $"{folder.Combine(damaged, "checkpoint.bin")} has 4", "per-step losses",
            $"move {folder.Combine(damaged)} away", "--resume");
        Assert.DoesNotContain("--overwrite", line);
        Assert.Equal(before.Keys, Snapshot(folder).Keys);
    }

    [Theory]
    [InlineData("RNBCKPT1", "is a checkpoint of format 1")]
    [InlineData("not a checkpoint", "is not a training checkpoint")]
    public void An_unusable_checkpoint_in_a_run_folder_gets_only_the_advice_that_keeps_the_other_runs(string content, string fact)
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Run([.. Tiny, "--out", folder.Path]).Code);
        File.WriteAllText(folder.Combine("ResNet-8-seed1", "checkpoint.bin"), content);

        var (code, _, error) = Run(["compare", "--out", folder.Path, "--resume"]);

        Assert.Equal(1, code);
        var line = OneLine(error);
        AssertHas(line, $"{folder.Combine("ResNet-8-seed1", "checkpoint.bin")} {fact}", $"move {folder.Combine("ResNet-8-seed1")} away", "--resume");
        // Not the library's advice for a train folder: "delete it and train again (resnet-cli train --overwrite)".
        Assert.DoesNotContain("--overwrite", line);
        Assert.DoesNotContain("delete it", line, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Resume_lists_only_the_options_given_that_differ()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Run([.. Tiny, "--out", folder.Path]).Code);

        var same = Run(["compare", "--epochs", "2", "--out", folder.Path, "--resume"]);
        var (code, _, error) = Run(["compare", "--epochs", "3", "--out", folder.Path, "--resume"]);

        Assert.True(same.Code == 0, same.Err);
        Assert.Equal(2, code);
        var problem = UsageLine(error, "resnet-cli compare");
        Assert.All(new[] { folder.Path, "--epochs: folder 2, given 3", "--out and --resume" }, fact => Assert.Contains(fact, problem));
        Assert.DoesNotContain("--nets", problem); // the same as the folder's
    }

    [Fact]
    public void A_stop_signal_during_a_comparison_says_what_was_kept_and_releases_every_lock()
    {
        using var folder = new TempFolder();
        var stop = new StopRequest();
        CompareCommand.AfterEpoch = (run, m) =>
        {
            if (run.Net == "resnet" && m.Epoch == 1)
            {
                stop.Request(PosixSignal.SIGINT);
            }
        };
        (int Code, string Out, string Err) stopped;
        try
        {
            stopped = Run([.. Tiny, "--out", folder.Path], stop);
        }
        finally
        {
            CompareCommand.AfterEpoch = null;
        }

        Assert.Equal(130, stopped.Code);
        AssertHas(OneLine(stopped.Err), "stopped by SIGINT", "ResNet-8-seed1", "epoch 1 of 2", "checkpoint of epoch 1 is kept", "the runs before it are kept",
            $"resnet-cli compare --out {folder.Path} --resume");
        Assert.DoesNotContain(folder.Files(), f => Path.GetFileName(f) is ".lock" or ".lock.owner");
        var resumed = Run(["compare", "--out", folder.Path, "--resume"]);
        Assert.True(resumed.Code == 0, resumed.Err);
    }

    [Fact]
    public void A_failed_compare_leaves_no_output_folder_it_created()
    {
        using var folder = new TempFolder();
        var target = folder.Combine("new", "compare");

        var (code, _, error) = Run(["compare", "--nets", "plain", "--depths", "8", "--train-images", "20000", "--out", target]);

        Assert.Equal(2, code);
        Assert.Contains("asks for more images than the training data holds (10,000)", error);
        Assert.False(Directory.Exists(folder.Combine("new")));
    }

    [UnixFact]
    public void A_fifo_as_plan_is_refused_at_once_instead_of_blocking_compare()
    {
        using var folder = new TempFolder();
        var fifo = folder.Combine("compare.json");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
        }

        var compare = Task.Run(() => Run(["compare", "--out", folder.Path, "--resume"]));
        // Not a time limit on speed: a blocked open never returns, so the test would otherwise hang.
        Assert.True(compare.Wait(TimeSpan.FromMinutes(2)), "compare is still waiting on the FIFO");

        Assert.Equal(1, compare.Result.Code);
        AssertHas(OneLine(compare.Result.Err), fifo, "named pipe (FIFO)", "remove it", "--out");
    }
}
