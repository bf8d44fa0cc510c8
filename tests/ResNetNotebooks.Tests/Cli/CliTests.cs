using ResNetNotebooks.Cli;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Tests.Training;
using ResNetNotebooks.Training;

using static ResNetNotebooks.Tests.Cli.CliCalls;

namespace ResNetNotebooks.Tests.Cli;

[Collection(GlobalTorchState.Name)]
public class CliTests
{
    /// <summary>A tiny run on the shipped subset: 64 training images in 2 batches, 32 test images, 2 epochs.</summary>
    private static readonly string[] Tiny = ["--train-images", "64", "--test-images", "32", "--batch-size", "32", "--epochs", "2"];

    private static (int Code, string Out, string Err) Run(params string[] args) => RunWith(TinyRun.Model, args);

    private static (int Code, string Out, string Err) RunWith(Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>> model, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr, model);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void An_output_folder_that_is_a_file_fails_with_code_1_before_training()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine("run"), "");

        var (code, output, error) = Run(["train", .. Tiny, "--out", folder.Combine("run")]);

        Assert.Equal(1, code);
        Assert.Equal($"The output folder {folder.Combine("run")} is a file, not a folder; choose another folder with --out.", OneLine(error));
        Assert.Equal("", output);
    }

    [Fact]
    public void An_output_folder_that_cannot_be_written_fails_with_code_1_before_training()
    {
        var path = Native.ReadOnlyLocation.Path();

        var (code, output, error) = Run(["train", .. Tiny, "--out", path]);

        Assert.Equal(1, code);
        Assert.StartsWith($"The output folder {path} cannot be written: ", OneLine(error));
        Assert.EndsWith("; choose another folder with --out.", error.TrimEnd());
        Assert.Equal("", output);
    }

    [Fact]
    public void A_folder_in_use_by_another_run_fails_with_code_1_naming_the_holder_and_is_left_alone()
    {
        using var folder = new TempFolder();
        using var held = RunFolderLock.Acquire(folder.Path, "resnet-cli train --seed 1");

        var (code, _, error) = Run(["train", .. Tiny, "--overwrite", "--out", folder.Path]);

        Assert.Equal(1, code);
        Assert.StartsWith($"{folder.Path} is in use by another run (process {Environment.ProcessId} on {Environment.MachineName} (resnet-cli train --seed 1)", OneLine(error));
        Assert.Equal([RunFolderLock.FileName, RunFolderLock.OwnerFileName], folder.Files());
    }

    [Fact]
    public void More_images_per_batch_than_the_data_holds_with_drop_last_is_a_usage_error()
    {
        using var folder = new TempFolder();

        // The shipped subset has 10,000 training images; the quick profile drops the last, incomplete batch.
        var (code, _, error) = Run("train", "--batch-size", "20000", "--test-images", "32", "--out", folder.Path);

        Assert.Equal(2, code);
        var problem = UsageLine(error, "resnet-cli train");
        Assert.All(new[] { "--batch-size 20000", "--drop-last true", "10,000 training images", "--drop-last false" }, fact => Assert.Contains(fact, problem));
        Assert.Empty(folder.Files()); // the lock is released, nothing written
    }

    [Fact]
    public void A_diverging_run_fails_with_code_1_naming_epoch_batch_and_rate_and_keeps_its_last_checkpoint()
    {
        using var folder = new TempFolder();

        // Tiny: 64 images at batch 32, 2 batches an epoch; the model's 3rd training call is epoch 2's first batch.
        var (code, _, error) = RunWith(() => new Training.TrainingFailureTests.PoisonAfter(TinyRun.Model(), calls: 2), ["train", .. Tiny, "--out", folder.Path]);

        Assert.Equal(1, code);
        Assert.Matches(@"^Training diverged: the loss of epoch 2, batch 1 is NaN at learning rate [0-9.eE+-]+\. The checkpoint of epoch 1 is kept\. Lower the learning rate .* with --lr\.$", OneLine(error));
        Assert.Equal(1, Checkpoint.ReadInfo(folder.Combine("checkpoint.bin")).CompletedEpochs);
        Assert.Equal(["checkpoint.bin", "metrics.csv", "training-curves.csv"], folder.Files());
    }

    [Fact]
    public void A_checkpoint_that_cannot_be_written_fails_with_code_1_naming_the_file_and_leaves_no_temporary_file()
    {
        using var folder = new TempFolder();
        // A folder where the checkpoint goes: the atomic rename onto it fails after the first epoch, as a full disk would.
        Directory.CreateDirectory(folder.Combine("checkpoint.bin"));

        var (code, _, error) = Run(["train", .. Tiny, "--out", folder.Path]);

        Assert.Equal(1, code);
        var message = OneLine(error);
        Assert.StartsWith($"Could not write {folder.Combine("checkpoint.bin")}: ", message);
        Assert.EndsWith("The run stopped after training 1 of 2 epochs; no checkpoint was written: free space or fix the folder, then start it again.", message);
        Assert.Empty(folder.Files());
    }

    [Theory]
    [InlineData("flip", "is a corrupt checkpoint: the SHA-256 of its body is ")]
    [InlineData("truncate", "is a corrupt checkpoint: the header gives a body of ")]
    [InlineData("old", "is a checkpoint of format 1 (RNBCKPT1, written before checkpoints carried a checksum)")]
    [InlineData("text", "is not a training checkpoint (it does not start with RNBCKPT2)")]
    public void A_bad_checkpoint_fails_with_code_1_on_resume_and_is_kept_as_it_was(string damage, string expected)
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Run(["train", .. Tiny, "--out", folder.Path]).Code);
        var path = folder.Combine("checkpoint.bin");
        var bytes = File.ReadAllBytes(path);
        byte[] bad = damage switch
        {
            "flip" => [.. bytes[..(bytes.Length / 2)], (byte)(bytes[bytes.Length / 2] ^ 1), .. bytes[(bytes.Length / 2 + 1)..]],
            "truncate" => bytes[..100],
            "old" => [.. "RNBCKPT1"u8, .. bytes[8..]],
            _ => "hello\n"u8.ToArray(),
        };
        File.WriteAllBytes(path, bad);

        var resumed = Run("train", "--out", folder.Path, "--resume");
        var fresh = Run(["train", .. Tiny, "--out", folder.Path]);

        Assert.Equal((1, 1), (resumed.Code, fresh.Code));
        Assert.StartsWith($"{path} {expected}", OneLine(resumed.Err));
        Assert.StartsWith($"{path} {expected}", OneLine(fresh.Err));
        Assert.Equal(bad, File.ReadAllBytes(path));
    }

    [Fact]
    public void An_unexpected_error_is_one_line_with_a_pointer_to_a_log_holding_the_stack_trace_and_exit_code_1()
    {
        using var folder = new TempFolder();

        var (code, _, error) = RunWith(() => throw new InvalidOperationException("simulated bug"), ["train", .. Tiny, "--out", folder.Path]);

        Assert.Equal(1, code);
        var match = System.Text.RegularExpressions.Regex.Match(OneLine(error),
            @"^unexpected error: InvalidOperationException: simulated bug\. The details are in (?<log>\S+\.log); please report them\.$");
        Assert.True(match.Success, error);
        var log = match.Groups["log"].Value;
        var text = File.ReadAllText(log);
        File.Delete(log);
        Assert.Contains("System.InvalidOperationException: simulated bug", text);
        Assert.Contains("   at ", text);
        Assert.Contains($"train {string.Join(' ', Tiny)} --out {folder.Path}", text);
    }

    // Each case: the arguments, then the facts the line must hold (the bad value or token, the option, the fix's key word).
    [Theory]
    [InlineData(new string[0], new[] { "no command", "train", "export" })]
    [InlineData(new[] { "fit" }, new[] { "'fit'", "train", "fetch-data", "export" })]
    [InlineData(new[] { "trian" }, new[] { "'trian'", "did you mean train?" })]
    [InlineData(new[] { "help" }, new[] { "'help'", "did you mean --help?" })]
    [InlineData(new[] { "--epochs", "3" }, new[] { "--epochs", "follow a command", "train" })]
    [InlineData(new[] { "train", "--epoch", "3" }, new[] { "--epoch", "did you mean --epochs?" })]
    [InlineData(new[] { "train", "--epochs" }, new[] { "--epochs", "value" })]
    [InlineData(new[] { "train", "--epochs", "ten" }, new[] { "--epochs", "'ten'", "whole number" })]
    [InlineData(new[] { "train", "--epochs=abc" }, new[] { "--epochs", "'abc'", "whole number" })]
    [InlineData(new[] { "train", "--epochs", "0" }, new[] { "--epochs", "'0'", "at least 1" })]
    [InlineData(new[] { "train", "--epochs", "99999999999" }, new[] { "--epochs", "'99999999999'", "at least 1" })]
    [InlineData(new[] { "train", "--threads", "0" }, new[] { "--threads", "'0'", "1 to 256" })]
    [InlineData(new[] { "train", "--threads", "100000" }, new[] { "--threads", "'100000'", "1 to 256" })]
    [InlineData(new[] { "train", "--seed", "1.5" }, new[] { "--seed", "'1.5'", "whole number" })]
    [InlineData(new[] { "train", "--lr", "fast" }, new[] { "--lr", "'fast'", "number" })]
    [InlineData(new[] { "train", "--lr", "Infinity" }, new[] { "--lr", "'Infinity'", "number" })]
    [InlineData(new[] { "train", "--lr", "1e308" }, new[] { "--lr 1e308", "too large", "32-bit" })]
    [InlineData(new[] { "train", "--weight-decay", "1e300" }, new[] { "--weight-decay 1e300", "too large", "32-bit" })]
    [InlineData(new[] { "train", "--profile", "gpu" }, new[] { "\"gpu\"", "profile", "quick", "cpu", "d2l" })]
    [InlineData(new[] { "train", "--recipe", "foo" }, new[] { "--recipe", "'foo'", "d2l", "tuned" })]
    [InlineData(new[] { "train", "--schedule", "cosine" }, new[] { "--schedule", "'cosine'", "constant", "one-cycle" })]
    [InlineData(new[] { "train", "--data=all" }, new[] { "--data", "'all'", "subset", "full" })]
    [InlineData(new[] { "train", "--nesterov", "yes" }, new[] { "--nesterov", "'yes'", "true or false" })]
    [InlineData(new[] { "train", "--nesterov" }, new[] { "--nesterov", "value" })]
    [InlineData(new[] { "train", "--momentum", "0" }, new[] { "--nesterov true", "--momentum 0.9", "--nesterov false" })]
    [InlineData(new[] { "train", "--resume", "--overwrite" }, new[] { "--resume", "--overwrite", "one of them" })]
    [InlineData(new[] { "train", "quick" }, new[] { "'quick'", "--profile quick" })]
    [InlineData(new[] { "train", "--out", "" }, new[] { "--out", "empty" })]
    [InlineData(new[] { "train", "--image-size", "513" }, new[] { "--image-size", "'513'", "28 to 512" })]
    [InlineData(new[] { "train", "--image-size", "2147483648" }, new[] { "--image-size", "'2147483648'", "28 to 512" })]
    [InlineData(new[] { "train", "--train-images", "100" }, new[] { "--train-images 100", "--drop-last true", "--batch-size 256", "--drop-last false" })]
    [InlineData(new[] { "train", "--cycle-momentum", "true", "--schedule", "constant" }, new[] { "--cycle-momentum true", "--schedule one-cycle", "--cycle-momentum false" })]
    [InlineData(new[] { "fetch-data", "--folder", "" }, new[] { "--folder", "empty" })]
    [InlineData(new[] { "fetch-data", "--folder" }, new[] { "--folder", "value" })]
    [InlineData(new[] { "fetch-data", "--forse" }, new[] { "--forse", "did you mean --force?" })]
    public void Bad_arguments_exit_with_code_2_and_one_line_with_the_reason(string[] args, string[] facts)
    {
        var (code, output, error) = Run(args);

        Assert.Equal(2, code);
        // The line names the command by its whole path and points to that command's help.
        var command = args is ["train" or "fetch-data", ..] ? $"resnet-cli {args[0]}" : "resnet-cli";
        var problem = UsageLine(error, command);
        Assert.All(facts, fact => Assert.Contains(fact, problem));
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData(new[] { "--help" }, new[] { "train", "compare", "fetch-data", "--version", "Exit codes" })]
    [InlineData(new[] { "-h" }, new[] { "train", "fetch-data" })]
    [InlineData(new[] { "train", "--help" }, new[] { "--profile <quick|cpu|d2l>", "--recipe <d2l|tuned>", "--epochs <N>", "--nesterov <true|false>", "--schedule <constant|one-cycle>", "--data <subset|full>", "--init <xavier|default|he>", "--threads <N>", "--out <DIR>", "--resume", "--overwrite" })]
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
        var missing = Assert.Throws<ArgumentException>(() => FetchDataCommand.Parse(["--folder"])).Message;
        Assert.Contains("--folder", missing);
        Assert.Contains("value", missing);
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
        Assert.Equal(["checkpoint.bin", "metrics.csv", "training-curves.csv", "training-curves.html"], folder.Files());
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
        Assert.Contains("--seed: checkpoint 0, given 3", differentResume.Err);
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
            "--train-images", "100", "--test-images", "50", "--threads", "2", "--out", "runs/x", "--precision", "bf16",
        ];
        var withEquals = Enumerable.Range(0, settings.Length / 2).Select(i => $"{settings[2 * i]}={settings[2 * i + 1]}").ToArray();

        var separate = TrainArguments.Parse([.. settings, "--overwrite"]);
        var joined = TrainArguments.Parse([.. withEquals, "--overwrite"]);

        var expected = TrainingProfiles.Cpu.WithRecipe(TrainingRecipe.D2l) with
        {
            Epochs = 3, BatchSize = 64, DropLast = true, LearningRate = 0.05, Momentum = 0.9, Nesterov = true, CycleMomentum = false,
            WeightDecay = 0.0001, Schedule = LearningRateSchedule.OneCycle, ImageSize = 96, Data = TrainingData.Full,
            Init = WeightInit.Default, Seed = -1, TrainImages = 100, TestImages = 50, Precision = Precision.Bf16,
        };
        Assert.Equal(new TrainArguments(expected, true, "runs/x", Resume: false, Overwrite: true, Threads: 2, AutoPrecision: false), separate);
        Assert.Equal(separate, joined);
        Assert.Equal(new TrainArguments(TrainingProfiles.Quick, false, null, false, false, null), TrainArguments.Parse([]));
        Assert.True(TrainArguments.Parse(["--resume=true"]).Resume);
        Assert.False(TrainArguments.Parse(["--resume=false"]).Resume);
        Assert.Equal(LearningRateSchedule.OneCycle, TrainArguments.Parse(["--schedule", "onecycle"]).Options.Schedule);
    }

    [Fact]
    public void Train_precision_is_auto_unless_fp32_or_bf16_is_asked_for()
    {
        Assert.True(TrainArguments.Parse([]).AutoPrecision);
        Assert.True(TrainArguments.Parse(["--precision", "auto"]).AutoPrecision);
        Assert.False(TrainArguments.Parse(["--precision", "auto"]).Explicit);
        var fp32 = TrainArguments.Parse(["--precision", "fp32"]);
        Assert.Equal((false, true, Precision.Fp32), (fp32.AutoPrecision, fp32.Explicit, fp32.Options.Precision));
        Assert.Equal(Precision.Bf16, TrainArguments.Parse(["--precision=bf16"]).Options.Precision);

        var e = Assert.Throws<ArgumentException>(() => TrainArguments.Parse(["--precision", "fp16"]));
        Assert.All(new[] { "--precision", "'fp16'", "auto", "fp32", "bf16" }, fact => Assert.Contains(fact, e.Message));
    }

    /// <summary>The settings <c>train</c> runs with for <paramref name="args"/>: without --precision, the machine's choice.</summary>
    private static TrainingOptions TrainingArgumentsFor(string[] args) => TrainArguments.Parse(args) is var parsed && parsed.AutoPrecision
        ? parsed.Options with { Precision = PrecisionChoice.Auto(parsed.Options.ImageSize) }
        : parsed.Options;
}
