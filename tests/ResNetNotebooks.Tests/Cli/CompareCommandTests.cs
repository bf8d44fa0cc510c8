using ResNetNotebooks.Cli;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Training;

using static ResNetNotebooks.Tests.Cli.CliCalls;
using static ResNetNotebooks.Tests.Cli.MessageFacts;

namespace ResNetNotebooks.Tests.Cli;

[Collection(GlobalTorchState.Name)]
public class CompareCommandTests
{
    /// <summary>plain-8 and ResNet-8 (16 channels and up: clear of the oneDNN bug) on the shipped subset's first 128
    /// training images in 2 batches of 64, 64 test images, 2 epochs: 4 steps per run.</summary>
    private static readonly string[] Tiny =
        ["compare", "--nets", "plain,resnet", "--depths", "8", "--train-images", "128", "--test-images", "64", "--batch-size", "64", "--epochs", "2"];

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Compare_writes_a_folder_per_network_with_metrics_steps_checkpoint_and_run_file_and_a_summary_and_chart()
    {
        using var folder = new TempFolder();

        var (code, output, error) = Run([.. Tiny, "--out", folder.Path]);

        Assert.True(code == 0, error);
        Assert.Equal(
        [
            "ResNet-8-seed1/checkpoint.bin", "ResNet-8-seed1/metrics.csv", "ResNet-8-seed1/run.json", "ResNet-8-seed1/steps.csv",
            "compare.json", "comparison.html",
            "plain-8-seed1/checkpoint.bin", "plain-8-seed1/metrics.csv", "plain-8-seed1/run.json", "plain-8-seed1/steps.csv",
            "summary.csv",
        ], folder.Files());
        // 128 images in batches of 64: 2 steps per epoch, 4 in 2 epochs.
        var steps = StepsFile.Read(folder.Combine("plain-8-seed1", "steps.csv"));
        Assert.Equal([1, 2, 3, 4], steps.Select(s => s.Step));
        Assert.Equal([1, 1, 2, 2], steps.Select(s => s.Epoch));
        Assert.All(steps, s => Assert.True(double.IsFinite(s.Loss) && s.Loss > 0));
        Assert.Equal(2, MetricsFile.Read(folder.Combine("ResNet-8-seed1", "metrics.csv")).Count);
        var info = Checkpoint.ReadInfo(folder.Combine("ResNet-8-seed1", "checkpoint.bin"));
        Assert.Equal((2, 4, 1), (info.CompletedEpochs, info.OptimizerSteps, info.Options.Seed));
        // The paper's recipe unless told otherwise.
        Assert.Equal((0.1, 0.9, 1e-4, WeightInit.He, LearningRateSchedule.Constant, true),
            (info.Options.LearningRate, info.Options.Momentum, info.Options.WeightDecay, info.Options.Init, info.Options.Schedule, info.Options.DropLast));
        var summary = File.ReadAllLines(folder.Combine("summary.csv"));
        Assert.Equal("network,depth,seed,epochs,final_train_loss,final_train_error,final_test_error", summary[0]);
        Assert.Equal(["plain,8,1,2", "resnet,8,1,2"], summary[1..].Select(l => string.Join(',', l.Split(',')[..4])));
        var html = File.ReadAllText(folder.Combine("comparison.html"));
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("\"name\":\"plain-8\"", html);
        Assert.Contains("\"name\":\"ResNet-8\"", html);
        Assert.Contains("Error per epoch", html);
        Assert.Contains("[2/2] ResNet-8-seed1: epoch 2/2: train loss", output);
        Assert.Equal(["plain-8", "ResNet-8"], CompareFolder.Read(folder.Path).Select(r => r.Name));
    }

    [Fact]
    public void Identity_init_is_recorded_in_every_run_and_starts_the_residual_branches_at_zero()
    {
        using var folder = new TempFolder();

        var (code, _, error) = Run([.. Tiny, "--identity-init", "--out", folder.Path]);

        Assert.True(code == 0, error);
        Assert.True(Checkpoint.ReadInfo(folder.Combine("ResNet-8-seed1", "checkpoint.bin")).Options.IdentityInit);
        Assert.True(Checkpoint.ReadInfo(folder.Combine("plain-8-seed1", "checkpoint.bin")).Options.IdentityInit);
        // With every branch at zero ResNet-8 starts near a uniform guess, ln 10 ≈ 2.30 (its first step's loss).
        Assert.InRange(StepsFile.Read(folder.Combine("ResNet-8-seed1", "steps.csv"))[0].Loss, Math.Log(10) - 0.5, Math.Log(10) + 0.5);
    }

    [Fact]
    public void Resume_after_a_stop_skips_finished_runs_drops_steps_beyond_the_checkpoint_and_gives_the_numbers_of_an_uninterrupted_comparison()
    {
        using var whole = new TempFolder();
        using var stopped = new TempFolder();
        Assert.Equal(0, Run([.. Tiny, "--out", whole.Path]).Code);

        // Stop the ResNet run after its first epoch, as a kill would; then add a step beyond its checkpoint, as a kill
        // between the last batch's steps.csv and the epoch's checkpoint would leave.
        CompareCommand.AfterEpoch = (run, m) =>
        {
            if (run.Net == "resnet" && m.Epoch == 1)
            {
                throw new OperationCanceledException();
            }
        };
        (int Code, string Out, string Err) stop;
        try
        {
            stop = Run([.. Tiny, "--out", stopped.Path]);
        }
        finally
        {
            CompareCommand.AfterEpoch = null;
        }

        Assert.Equal(1, stop.Code);
        AssertHas(OneLine(stop.Err), "ResNet-8-seed1", "epoch 1 of 2", "checkpoint of epoch 1 is kept", $"resnet-cli compare --out {stopped.Path} --resume");
        var stepsPath = stopped.Combine("ResNet-8-seed1", "steps.csv");
        File.AppendAllText(stepsPath, "3,2,9.5,0.000000\n");

        var (code, output, error) = Run("compare", "--out", stopped.Path, "--resume");

        Assert.True(code == 0, error);
        Assert.Contains("[1/2] plain-8-seed1: finished earlier (2 epochs); skipped.", output);
        Assert.Contains("[2/2] ResNet-8-seed1: resuming after epoch 1 of 2 (2 steps done).", output);
        static IEnumerable<string> WithoutSpeed(string path) => File.ReadAllLines(path).Select(l => l[..l.LastIndexOf(',')]);
        foreach (var run in new[] { "plain-8-seed1", "ResNet-8-seed1" })
        {
            Assert.Equal(File.ReadAllText(whole.Combine(run, "steps.csv")), File.ReadAllText(stopped.Combine(run, "steps.csv")));
            Assert.Equal(WithoutSpeed(whole.Combine(run, "metrics.csv")), WithoutSpeed(stopped.Combine(run, "metrics.csv")));
        }

        Assert.Equal(File.ReadAllText(whole.Combine("summary.csv")), File.ReadAllText(stopped.Combine("summary.csv")));
    }

    [Fact]
    public void A_folder_with_a_comparison_is_not_overwritten_unless_asked_and_resume_refuses_other_settings()
    {
        using var folder = new TempFolder();
        string[] plainOnly = ["compare", "--nets", "plain", "--depths", "8", "--train-images", "64", "--test-images", "32", "--batch-size", "64", "--epochs", "1"];
        Assert.Equal(0, Run([.. plainOnly, "--out", folder.Path]).Code);

        var again = Run([.. plainOnly, "--out", folder.Path]);
        var differentResume = Run([.. plainOnly[..^1], "3", "--out", folder.Path, "--resume"]);
        var overwrite = Run(["compare", "--nets", "resnet", .. plainOnly[3..], "--out", folder.Path, "--overwrite"]);

        Assert.Equal(1, again.Code);
        Assert.Contains("already holds a comparison", OneLine(again.Err));
        Assert.Equal(2, differentResume.Code);
        Assert.Contains("--epochs: folder 1, given 3", differentResume.Err);
        Assert.True(overwrite.Code == 0, overwrite.Err);
        Assert.Equal(["ResNet-8"], CompareFolder.Read(folder.Path).Select(r => r.Name));
        Assert.False(Directory.Exists(folder.Combine("plain-8-seed1")));
    }

    [Fact]
    public void Resume_without_a_comparison_and_an_output_folder_that_is_a_file_fail_with_code_1_and_one_line()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine("file"), "");

        var resume = Run("compare", "--out", folder.Combine("empty"), "--resume");
        var file = Run([.. Tiny, "--out", folder.Combine("file")]);

        Assert.Equal(1, resume.Code);
        Assert.Contains("--resume: there is no comparison to continue", OneLine(resume.Err));
        Assert.Equal(1, file.Code);
        Assert.Contains("choose another folder with --out", OneLine(file.Err));
    }

    // Each case: the arguments, then the facts the line must hold (the bad value, the option, the fix's key word).
    [Theory]
    [InlineData(new[] { "compare", "--depths", "9" }, new[] { "--depths", "6n + 2", "9" })]
    [InlineData(new[] { "compare", "--depths", "20,x" }, new[] { "--depths", "'x'", "whole number" })]
    [InlineData(new[] { "compare", "--depths", "1208" }, new[] { "--depths", "1208", "1202" })]
    [InlineData(new[] { "compare", "--depths", "" }, new[] { "--depths", "comma-separated", "empty" })]
    [InlineData(new[] { "compare", "--depths", "20,20" }, new[] { "--depths", "'20'", "twice" })]
    [InlineData(new[] { "compare", "--nets", "plain,highway" }, new[] { "--nets", "'highway'", "plain", "resnet" })]
    [InlineData(new[] { "compare", "--nets", "plain," }, new[] { "--nets", "comma-separated", "empty" })]
    [InlineData(new[] { "compare", "--seeds", "1,-2" }, new[] { "--seeds", "'-2'", "seed" })]
    [InlineData(new[] { "compare", "--epochs", "0" }, new[] { "--epochs", "'0'", "at least 1" })]
    [InlineData(new[] { "compare", "--lr", "fast" }, new[] { "--lr", "'fast'", "number" })]
    [InlineData(new[] { "compare", "--init", "zero" }, new[] { "--init", "'zero'", "he", "xavier", "default" })]
    [InlineData(new[] { "compare", "--train-images", "100" }, new[] { "--train-images 100", "--drop-last true", "--batch-size 128", "--drop-last false" })]
    [InlineData(new[] { "compare", "--resume", "--overwrite" }, new[] { "--resume", "--overwrite", "one of them" })]
    [InlineData(new[] { "compare", "--depth", "20" }, new[] { "--depth", "did you mean --depths?" })]
    public void Bad_arguments_exit_with_code_2_and_one_line_with_the_reason(string[] args, string[] facts)
    {
        var (code, output, error) = Run(args);

        Assert.Equal(2, code);
        var problem = UsageLine(error, "resnet-cli compare");
        Assert.All(facts, fact => Assert.Contains(fact, problem));
        Assert.Equal("", output);
    }

    [Fact]
    public void Help_lists_the_options_with_the_papers_defaults()
    {
        var (code, output, _) = Run("compare", "--help");

        Assert.Equal(0, code);
        foreach (var text in new[] { "--nets <NETS>", "--depths <DEPTHS>", "--seeds <SEEDS>", "--epochs <N>", "--data <subset|full>", "--lr <X>", "--init <he|xavier|default>", "--resume", "--overwrite", "runs/compare" })
        {
            Assert.Contains(text, output);
        }
    }
}
