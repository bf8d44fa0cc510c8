using System.Runtime.InteropServices;
using ResNetNotebooks.Cli;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Tests.Training;
using ResNetNotebooks.Training;

using static ResNetNotebooks.Tests.Cli.CliCalls;
using static ResNetNotebooks.Tests.Cli.MessageFacts;

namespace ResNetNotebooks.Tests.Cli;

/// <summary>Issue 22 for <c>train</c>: what a hostile or unlucky user did that lost work, gave wrong results, hung, or
/// gave advice a CLI user cannot follow.</summary>
[Collection(GlobalTorchState.Name)]
public class CliFailureTests
{
    /// <summary>A tiny run on the shipped subset: 64 training images in 2 batches, 32 test images, 2 epochs.</summary>
    private static readonly string[] Tiny = ["--train-images", "64", "--test-images", "32", "--batch-size", "32", "--epochs", "2"];

    /// <summary>Runs <paramref name="args"/> with a stop requested by <paramref name="signal"/> after epoch
    /// <paramref name="epoch"/>, as the signal handler requests it.</summary>
    private static (int Code, string Out, string Err) RunStoppedAfter(int epoch, PosixSignal signal, string[] args)
    {
        var stop = new StopRequest();
        TrainCommand.AfterEpoch = m =>
        {
            if (m.Epoch == epoch)
            {
                stop.Request(signal);
            }
        };
        try
        {
            return Run(args, stop);
        }
        finally
        {
            TrainCommand.AfterEpoch = null;
        }
    }

    [Theory]
    [InlineData(PosixSignal.SIGTERM, 143)]
    [InlineData(PosixSignal.SIGINT, 130)]
    public void A_stop_signal_says_what_was_kept_and_how_to_continue_and_releases_the_lock(PosixSignal signal, int exitCode)
    {
        using var folder = new TempFolder();
        string[] threeEpochs = ["--train-images", "64", "--test-images", "32", "--batch-size", "32", "--epochs", "3"];

        var (code, _, error) = RunStoppedAfter(1, signal, ["train", .. threeEpochs, "--out", folder.Path]);

        // 128 + the signal's number (SIGINT 2, SIGTERM 15), as a shell reports a process the signal ended.
        Assert.Equal(exitCode, code);
        AssertHas(OneLine(error), $"stopped by {signal}", "1 of 3 epochs", "checkpoint of epoch 1 is kept", $"resnet-cli train --out {folder.Path} --resume");
        Assert.DoesNotContain(RunFolderLock.FileName, folder.Files());
        Assert.DoesNotContain(RunFolderLock.OwnerFileName, folder.Files());
        var resumed = Run(["train", "--out", folder.Path, "--resume"]);
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Equal(3, Checkpoint.ReadInfo(folder.Combine(Checkpoint.FileName)).CompletedEpochs);
    }

    [Fact]
    public void A_resumed_runs_chart_keeps_the_training_points_of_the_epochs_before_the_checkpoint()
    {
        using var whole = new TempFolder();
        using var stopped = new TempFolder();
        Assert.Equal(0, Run(["train", .. Tiny, "--out", whole.Path]).Code);
        Assert.Equal(143, RunStoppedAfter(1, PosixSignal.SIGTERM, ["train", .. Tiny, "--out", stopped.Path]).Code);

        var (code, _, error) = Run(["train", "--out", stopped.Path, "--resume"]);

        Assert.True(code == 0, error);
        // 64 images at batch 32: 2 batches an epoch, fewer than d2l's 5 points, so every batch is a point: x = 0.5, 1, 1.5, 2.
        var points = File.ReadAllLines(stopped.Combine(TrainCommand.CurvePointsFileName)).Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(["0.5", "1", "1.5", "2"], points);
        Assert.Equal(File.ReadAllText(whole.Combine(TrainCommand.CurvePointsFileName)), File.ReadAllText(stopped.Combine(TrainCommand.CurvePointsFileName)));
        var html = File.ReadAllText(stopped.Combine(TrainCommand.ChartFileName));
        Assert.Contains("\"x\":[0.5,1.0,1.5,2.0]", html);
    }

    [Fact]
    public void Resume_lists_only_the_options_given_that_differ()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Run(["train", .. Tiny, "--out", folder.Path]).Code);

        var same = Run(["train", "--epochs", "2", "--out", folder.Path, "--resume"]);
        var (code, _, error) = Run(["train", "--epochs", "3", "--out", folder.Path, "--resume"]);

        Assert.True(same.Code == 0, same.Err);
        Assert.Equal(2, code);
        var problem = UsageLine(error, "resnet-cli train");
        Assert.All(new[] { folder.Path, "--epochs: checkpoint 2, given 3", "--out and --resume" }, fact => Assert.Contains(fact, problem));
        Assert.DoesNotContain("--seed", problem); // the same as the checkpoint's
    }

    [Theory]
    [InlineData("--lr", "1e-320")]
    [InlineData("--weight-decay", "1e-300")]
    [InlineData("--momentum", "1e-46")]
    public void A_rate_that_rounds_to_zero_in_float32_is_a_usage_error(string option, string value)
    {
        // float's smallest positive value is 2^-149 ≈ 1.4e-45; anything below half of it rounds to 0.
        Assert.Equal(0f, (float)double.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        var train = Run(["train", option, value]);
        var compare = Run(["compare", option, value]);

        foreach (var (code, output, error) in new[] { train, compare })
        {
            Assert.Equal(2, code);
            Assert.Contains($"{option} {value} rounds to 0", error);
            Assert.Contains("32-bit", error);
            Assert.Equal("", output);
        }
    }

    [UnixFact]
    public void A_fifo_as_checkpoint_is_refused_at_once_instead_of_blocking_train()
    {
        using var folder = new TempFolder();
        var fifo = folder.Combine(Checkpoint.FileName);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
        }

        foreach (var flags in new[] { new[] { "--resume" }, [], ["--overwrite"] })
        {
            var train = Task.Run(() => Run(["train", .. Tiny, "--out", folder.Path, .. flags]));
            // Not a time limit on speed: a blocked open never returns, so the test would otherwise hang.
            Assert.True(train.Wait(TimeSpan.FromMinutes(2)), "train is still waiting on the FIFO");

            var (code, _, error) = train.Result;
            Assert.Equal(1, code);
            AssertHas(OneLine(error), fifo, "named pipe (FIFO)", "not a checkpoint file", "remove it", "--out");
        }
    }

    [Fact]
    public void A_weight_decay_blow_up_is_blamed_on_the_weight_decay_not_the_learning_rate()
    {
        using var folder = new TempFolder();

        // The quick profile: SGD with Nesterov momentum 0.9, one-cycle from 0.1 / 25. On its own, weight decay is SGD on
        // wd/2 · w², which Nesterov momentum m keeps bounded only while lr · wd < 2(1 + m)/(1 + 2m) = 3.8/2.8 ≈ 1.36;
        // 0.004 × 1e30 is far above it. Below it at the peak rate 0.1: a weight decay under 1.357 / 0.1 ≈ 13.6.
        var (code, _, error) = Run(["train", .. Tiny, "--weight-decay", "1e30", "--out", folder.Path]);

        Assert.Equal(1, code);
        var line = OneLine(error);
        Assert.StartsWith("Training diverged: the loss of epoch ", line);
        Assert.Contains("The weight decay is the cause: learning rate ", line);
        Assert.Contains("x --weight-decay 1E+30 = ", line);
        Assert.EndsWith("lower --weight-decay below 13.6 (the tuned recipe uses 5e-4).", line);
        Assert.DoesNotContain("Lower the learning rate", line);
    }

    [Fact]
    public void A_failed_train_leaves_no_output_folder_it_created()
    {
        using var folder = new TempFolder();
        var target = folder.Combine("new", "run");

        // The shipped subset has 10,000 training images: found once the data is loaded, after the folder was made.
        var (code, _, error) = Run(["train", "--train-images", "20000", "--test-images", "32", "--out", target]);

        Assert.Equal(2, code);
        var problem = UsageLine(error, "resnet-cli train");
        Assert.All(new[] { "--train-images 20000", "training data", "(10,000)", "at most 10000", "leave --train-images out" }, fact => Assert.Contains(fact, problem));
        Assert.False(Directory.Exists(folder.Combine("new")));
    }

    [Fact]
    public void A_data_folder_that_is_not_found_is_explained_with_a_step_a_cli_user_can_take()
    {
        using var folder = new TempFolder();
        var missing = Assert.Throws<DirectoryNotFoundException>(() => ResNetNotebooks.Data.DataFolder.Find(folder.Path));

        var message = TrainCommand.DataAdvice(missing.Message, "run resnet-cli from inside the repository (its root or any folder in it, e.g. notebooks/).");

        // The library's advice ("pass the data folder explicitly") names a parameter that train has no option for.
        Assert.Equal($"No data/fashion-mnist-subset/ folder found in {folder.Path} or any folder above it. Fix: run resnet-cli from inside the repository (its root or any folder in it, e.g. notebooks/).", message);
    }

    /// <summary>The real signal on the real program: resnet-cli (built beside the tests) trains d2l's ResNet-18 on 64
    /// images until SIGTERM arrives after its first checkpoint. (SIGINT takes the same path; it is not sent here because
    /// a process started in the background by a non-interactive shell, as test runners often are, ignores it.)</summary>
    [UnixFact]
    public void Sigterm_to_the_program_stops_train_with_143_keeps_the_checkpoint_and_releases_the_lock()
    {
        using var folder = new TempFolder();
        var repository = Path.GetDirectoryName(ResNetNotebooks.Data.DataFolder.Find(AppContext.BaseDirectory))!;
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repository, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "resnet-cli.dll"), "train", "--train-images", "64", "--test-images", "32",
                     "--batch-size", "32", "--epochs", "100000", "--threads", "1", "--out", folder.Path })
        {
            start.ArgumentList.Add(argument);
        }

        using var child = System.Diagnostics.Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEndAsync();
        try
        {
            // Guards against a hang, not limits on speed.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(folder.Combine(Checkpoint.FileName)) && !child.HasExited && waited.Elapsed < TimeSpan.FromMinutes(10))
            {
                Thread.Sleep(200);
            }

            // (Not error.Result in the message: it waits for the child's end, which is what the test is about to cause.)
            Assert.True(File.Exists(folder.Combine(Checkpoint.FileName)), "resnet-cli wrote no checkpoint");
            using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            Assert.True(child.WaitForExit(TimeSpan.FromMinutes(10)), "resnet-cli did not stop after SIGTERM");
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }
        }

        Assert.Equal(143, child.ExitCode);
        var lines = error.Result.TrimEnd().Split('\n');
        Assert.Equal("resnet-cli: SIGTERM received: stopping after the current batch (send it again to end at once).", lines[0]);
        Assert.Matches($"^resnet-cli: stopped by SIGTERM: the run stopped after training [0-9]+ of 100000 epochs; its checkpoint of epoch [0-9]+ is kept in {System.Text.RegularExpressions.Regex.Escape(folder.Path)}; " +
                       $"continue with: resnet-cli train --out {System.Text.RegularExpressions.Regex.Escape(folder.Path)} --resume$", lines[1]);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain(RunFolderLock.FileName, folder.Files());
        Assert.DoesNotContain(RunFolderLock.OwnerFileName, folder.Files());
        Assert.True(Checkpoint.ReadInfo(folder.Combine(Checkpoint.FileName)).CompletedEpochs >= 1);
        Assert.Contains("epoch 1/100000", output.Result);
    }
}
