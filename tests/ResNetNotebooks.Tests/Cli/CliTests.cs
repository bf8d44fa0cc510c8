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
    [InlineData(new[] { "fit" }, "unknown command 'fit'; use train, fetch-data or export.")]
    [InlineData(new[] { "trian" }, "unknown command 'trian'; did you mean train?")]
    [InlineData(new[] { "help" }, "unknown command 'help'; did you mean --help?")]
    [InlineData(new[] { "--epochs", "3" }, "unknown option --epochs; options follow a command (train, fetch-data or export).")]
    [InlineData(new[] { "train", "--epoch", "3" }, "unknown option --epoch for train; did you mean --epochs?")]
    [InlineData(new[] { "train", "--epochs" }, "--epochs needs a value")]
    [InlineData(new[] { "train", "--epochs", "ten" }, "--epochs takes a whole number of at least 1, not 'ten'")]
    [InlineData(new[] { "train", "--epochs", "abc" }, "--epochs takes a whole number of at least 1, not 'abc'")]
    [InlineData(new[] { "train", "--epochs=abc" }, "--epochs takes a whole number of at least 1, not 'abc'")]
    [InlineData(new[] { "train", "--epochs", "0" }, "--epochs takes a whole number of at least 1, not '0'")]
    [InlineData(new[] { "train", "--threads", "0" }, "--threads takes a whole number of at least 1, not '0'")]
    [InlineData(new[] { "train", "--seed", "1.5" }, "--seed takes a whole number, not '1.5'")]
    [InlineData(new[] { "train", "--lr", "fast" }, "--lr takes a number such as 0.05, not 'fast'")]
    [InlineData(new[] { "train", "--profile", "gpu" }, "There is no training profile \"gpu\"")]
    [InlineData(new[] { "train", "--recipe", "foo" }, "--recipe takes d2l or tuned, not 'foo'")]
    [InlineData(new[] { "train", "--schedule", "cosine" }, "--schedule takes constant or one-cycle, not 'cosine'")]
    [InlineData(new[] { "train", "--data=all" }, "--data takes subset or full, not 'all'")]
    [InlineData(new[] { "train", "--nesterov", "yes" }, "--nesterov takes true or false, not 'yes'")]
    [InlineData(new[] { "train", "--nesterov" }, "--nesterov needs a value")]
    [InlineData(new[] { "train", "--momentum", "0" }, "Training option Nesterov = True is not valid")]
    [InlineData(new[] { "train", "--resume", "--overwrite" }, "give one of them")]
    [InlineData(new[] { "train", "quick" }, "unexpected argument 'quick'; options start with -- (e.g. --profile quick).")]
    [InlineData(new[] { "fetch-data", "--folder" }, "--folder needs a value")]
    [InlineData(new[] { "fetch-data", "--forse" }, "unknown option --forse for fetch-data; did you mean --force?")]
    public void Bad_arguments_exit_with_code_2_and_one_line_with_the_reason(string[] args, string reason)
    {
        var (code, output, error) = Run(args);

        Assert.Equal(2, code);
        var lines = error.TrimEnd().Split(Environment.NewLine);
        Assert.True(lines.Length == 2, error);
        Assert.StartsWith("resnet-cli: ", lines[0]);
        Assert.Contains(reason, lines[0]);
        Assert.Matches(@"^Run 'resnet-cli (train |fetch-data )?--help' for the (options|commands)\.$", lines[1]);
        Assert.DoesNotContain("Usage:", error);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData(new[] { "--help" }, new[] { "train", "fetch-data", "--version", "Exit codes" })]
    [InlineData(new[] { "-h" }, new[] { "train", "fetch-data" })]
    [InlineData(new[] { "train", "--help" }, new[] { "--profile <quick|cpu|d2l>", "--recipe <d2l|tuned>", "--epochs <N>", "--nesterov <true|false>", "--schedule <constant|one-cycle>", "--data <subset|full>", "--init <xavier|default>", "--threads <N>", "--out <DIR>", "--resume", "--overwrite" })]
    [InlineData(new[] { "train", "-h", "--epochs", "0" }, new[] { "--epochs <N>" })]
    [InlineData(new[] { "fetch-data", "--help" }, new[] { "--folder <DIR>", "--force" })]
    public void Help_on_the_program_and_on_each_command_lists_the_options_and_exits_0(string[] args, string[] expected)
    {
        var (code, output, error) = Run(args);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        foreach (var text in expected)
        {
            Assert.Contains(text, output);
        }
    }

    [Fact]
    public void Version_prints_the_version_and_exits_0()
    {
        var (code, output, error) = Run("--version");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
    }

    [Fact]
    public void Fetch_data_takes_options_as_separate_values_or_with_equals()
    {
        Assert.Equal(("some/dir", true), FetchDataCommand.Parse(["--folder", "some/dir", "--force"]));
        Assert.Equal(("some/dir", false), FetchDataCommand.Parse(["--folder=some/dir"]));
        Assert.Equal((null, false), FetchDataCommand.Parse([]));
        Assert.Equal("--folder needs a value.", Assert.Throws<ArgumentException>(() => FetchDataCommand.Parse(["--folder"])).Message);
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

    [Fact]
    public void Train_takes_every_option_as_a_separate_value_or_with_equals()
    {
        string[] settings =
        [
            "--profile", "cpu", "--recipe", "d2l", "--epochs", "3", "--batch-size", "64", "--drop-last", "true", "--lr", "5e-2",
            "--momentum", "0.9", "--nesterov", "true", "--cycle-momentum", "false", "--weight-decay", "0.0001",
            "--schedule", "one-cycle", "--image-size", "96", "--data", "full", "--init", "default", "--seed", "-1",
            "--train-images", "100", "--test-images", "50", "--threads", "2", "--out", "runs/x",
        ];
        var withEquals = Enumerable.Range(0, settings.Length / 2).Select(i => $"{settings[2 * i]}={settings[2 * i + 1]}").ToArray();

        var separate = TrainArguments.Parse([.. settings, "--overwrite"]);
        var joined = TrainArguments.Parse([.. withEquals, "--overwrite"]);

        var expected = TrainingProfiles.Cpu.WithRecipe(TrainingRecipe.D2l) with
        {
            Epochs = 3, BatchSize = 64, DropLast = true, LearningRate = 0.05, Momentum = 0.9, Nesterov = true, CycleMomentum = false,
            WeightDecay = 0.0001, Schedule = LearningRateSchedule.OneCycle, ImageSize = 96, Data = TrainingData.Full,
            Init = WeightInit.Default, Seed = -1, TrainImages = 100, TestImages = 50,
        };
        Assert.Equal(new TrainArguments(expected, true, "runs/x", Resume: false, Overwrite: true, Threads: 2), separate);
        Assert.Equal(separate, joined);
        Assert.Equal(new TrainArguments(TrainingProfiles.Quick, false, null, false, false, null), TrainArguments.Parse([]));
        Assert.True(TrainArguments.Parse(["--resume=true"]).Resume);
        Assert.False(TrainArguments.Parse(["--resume=false"]).Resume);
        Assert.Equal(LearningRateSchedule.OneCycle, TrainArguments.Parse(["--schedule", "onecycle"]).Options.Schedule);
    }

    private static TrainingOptions TrainingArgumentsFor(string[] args) => TrainArguments.Parse(args).Options;
}
