using ResNetNotebooks.Cli;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Tests.Training;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Tests.Cli;

[Collection(GlobalTorchState.Name)]
public class CliTests
{
    /// <summary>A tiny run on the shipped subset: 64 training images in 2 batches, 32 test images, 2 epochs.</summary>
    private static readonly string[] Tiny = ["--train-images", "64", "--test-images", "32", "--batch-size", "32", "--epochs", "2"];

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr, TinyRun.Model);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "fit" }, "unknown command 'fit'")]
    [InlineData(new[] { "train", "--epoch", "3" }, "unknown option --epoch for train")]
    [InlineData(new[] { "train", "--epochs" }, "--epochs needs a value")]
    [InlineData(new[] { "train", "--epochs", "ten" }, "--epochs takes a whole number of at least 1, not 'ten'")]
    [InlineData(new[] { "train", "--epochs", "0" }, "--epochs takes a whole number of at least 1, not '0'")]
    [InlineData(new[] { "train", "--lr", "fast" }, "--lr takes a number such as 0.05, not 'fast'")]
    [InlineData(new[] { "train", "--profile", "gpu" }, "There is no training profile \"gpu\"")]
    [InlineData(new[] { "train", "--schedule", "cosine" }, "--schedule takes constant or one-cycle, not 'cosine'")]
    [InlineData(new[] { "train", "--momentum", "0" }, "Training option Nesterov = True is not valid")]
    [InlineData(new[] { "train", "--resume", "--overwrite" }, "give one of them")]
    [InlineData(new[] { "train", "quick" }, "unexpected argument 'quick'")]
    [InlineData(new[] { "fetch-data", "--folder" }, "--folder needs a value")]
    public void Bad_arguments_exit_with_code_2_the_reason_and_the_usage(string[] args, string reason)
    {
        var (code, output, error) = Run(args);

        Assert.Equal(2, code);
        Assert.Contains(reason, error);
        Assert.Contains("Usage: dotnet run --project src/ResNetNotebooks.Cli -- <command> [options]", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void Help_prints_the_usage_and_exits_0()
    {
        var (code, output, _) = Run("help");

        Assert.Equal(0, code);
        Assert.Contains("fetch-data", output);
        Assert.Contains("--resume", output);
    }

    [Fact]
    public void The_fetch_command_constant_names_this_program()
    {
        Assert.Equal("dotnet run --project src/ResNetNotebooks.Cli -- fetch-data", ResNetNotebooks.Data.FashionMnist.FetchCommand);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(ResNetNotebooks.Data.DataFolder.Find(AppContext.BaseDirectory))!, "src", "ResNetNotebooks.Cli", "ResNetNotebooks.Cli.csproj")));
    }

    [Fact]
    public void Train_writes_metrics_checkpoint_and_chart_into_the_output_folder()
    {
        using var folder = new TempFolder();

        var (code, output, error) = Run(["train", .. Tiny, "--out", folder.Path]);

        Assert.True(code == 0, error);
        Assert.Equal(["checkpoint.bin", "metrics.csv", "training-curves.html"], folder.Files());
        var lines = File.ReadAllLines(folder.Combine("metrics.csv"));
        Assert.Equal("epoch,train_loss,train_acc,test_acc,examples_per_sec", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("1,", lines[1]);
        var html = File.ReadAllText(folder.Combine("training-curves.html"));
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("\"name\":\"train loss\"", html);
        Assert.Equal(2, Checkpoint.ReadInfo(folder.Combine("checkpoint.bin")).CompletedEpochs);
        Assert.Contains("epoch 2/2: train loss", output);
        Assert.Contains("Wall time:", output);
    }

    [Fact]
    public void Resume_continues_a_stopped_run_to_the_numbers_of_an_uninterrupted_one()
    {
        using var whole = new TempFolder();
        using var stopped = new TempFolder();
        Assert.Equal(0, Run(["train", .. Tiny, "--out", whole.Path]).Code);
        // Stop the same run after epoch 1: the library writes the checkpoint and metrics the CLI would have left.
        var options = TrainingArgumentsFor(Tiny);
        using (var data = TrainTestData.Load(TrainingData.Subset))
        using (var trainer = new Trainer(options, TinyRun.Model, data.Train, data.Test) { CheckpointPath = stopped.Combine("checkpoint.bin") })
        {
            trainer.EpochEnded += (_, _) => throw new OperationCanceledException();
            Assert.Throws<OperationCanceledException>(() => trainer.Fit());
        }

        var (code, output, error) = Run("train", "--out", stopped.Path, "--resume");

        Assert.True(code == 0, error);
        Assert.Contains("Resuming after epoch 1 of 2", output);
        static IEnumerable<string> WithoutSpeed(string path) => File.ReadAllLines(path).Select(l => l[..l.LastIndexOf(',')]);
        Assert.Equal(WithoutSpeed(whole.Combine("metrics.csv")), WithoutSpeed(stopped.Combine("metrics.csv")));
    }

    [Fact]
    public void A_folder_with_a_checkpoint_is_not_overwritten_unless_asked()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Run(["train", .. Tiny, "--out", folder.Path]).Code);

        var again = Run(["train", .. Tiny, "--out", folder.Path]);
        var differentResume = Run(["train", .. Tiny, "--seed", "3", "--out", folder.Path, "--resume"]);
        var overwrite = Run(["train", .. Tiny, "--seed", "3", "--out", folder.Path, "--overwrite"]);

        Assert.Equal(1, again.Code);
        Assert.Contains("already holds a checkpoint (epoch 2 of 2", again.Err);
        Assert.Equal(2, differentResume.Code);
        Assert.Contains("Seed: checkpoint 0, given 3", differentResume.Err);
        Assert.Equal(0, overwrite.Code);
        Assert.Equal(3, Checkpoint.ReadInfo(folder.Combine("checkpoint.bin")).Options.Seed);
    }

    [Fact]
    public void Resume_without_a_checkpoint_fails_with_code_1()
    {
        using var folder = new TempFolder();

        var (code, _, error) = Run("train", "--out", folder.Path, "--resume");

        Assert.Equal(1, code);
        Assert.Contains("there is no checkpoint to continue", error);
    }

    [Fact]
    public void Options_apply_the_profile_then_the_recipe_then_single_settings_whatever_their_order()
    {
        var parsed = TrainArguments.Parse(["--lr", "0.2", "--recipe", "d2l", "--profile", "cpu", "--image-size=32"]);

        Assert.Equal(TrainingProfiles.Cpu.WithRecipe(TrainingRecipe.D2l) with { LearningRate = 0.2, ImageSize = 32 }, parsed.Options);
        Assert.True(parsed.Explicit);
        Assert.False(TrainArguments.Parse(["--out", "x", "--resume"]).Explicit);
    }

    private static TrainingOptions TrainingArgumentsFor(string[] args) => TrainArguments.Parse(args).Options;
}
