using System.Diagnostics;
using System.Globalization;
using ResNetNotebooks.Data;
using ResNetNotebooks.Models;
using ResNetNotebooks.Notebooks;
using ResNetNotebooks.Training;
using Spectre.Console;
using static TorchSharp.torch;
using ResNetNotebooks.Display;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Cli;

/// <summary>
/// <c>train</c>: one training run with a progress bar; writes <c>metrics.csv</c> and the checkpoint after every epoch
/// and <c>training-curves.html</c> at the end, into the output folder.
/// </summary>
internal static class TrainCommand
{
    /// <summary>The chart's file name in the output folder.</summary>
    public const string ChartFileName = "training-curves.html";

    /// <summary>The model every run trains: d2l's ResNet-18 for 1-channel images and 10 classes.</summary>
    public static nn.Module<Tensor, Tensor> ResNet18() => ResNet.ResNet18();

    /// <summary>Checks what can be checked without torch (the output folder can be written, no other run holds it,
    /// its checkpoint against <c>--resume</c> and <c>--overwrite</c>), takes the folder's lock and returns the run,
    /// which releases the lock when it ends; or, when the options given differ from the settings of the run to resume,
    /// the usage error instead.</summary>
    /// <exception cref="CommandFailedException">The folder cannot be written or is in use by another run, nothing to
    /// resume, a checkpoint in the way, or an unreadable one.</exception>
    public static (Func<int>? Run, string? UsageError) Prepare(TrainArguments arguments, IAnsiConsole console, Func<nn.Module<Tensor, Tensor>> createModel)
    {
        var outFolder = Path.GetFullPath(arguments.Out ?? DefaultFolder(arguments.Options.Profile));
        RunFolderLock folderLock;
        try
        {
            WritableFolder.Ensure(outFolder, "The output folder");
            folderLock = RunFolderLock.Acquire(outFolder, $"{CliApp.Name} train");
        }
        catch (IOException e)
        {
            throw new CommandFailedException($"{e.Message.TrimEnd('.')}{(e is RunFolderLockedException ? "" : "; choose another folder with --out")}.", e);
        }

        try
        {
            var (resumeFrom, usageError) = CheckFolder(arguments, outFolder);
            if (usageError is not null)
            {
                folderLock.Dispose();
                return (null, usageError);
            }

            return (() =>
            {
                using (folderLock)
                {
                    return Run(arguments, resumeFrom, outFolder, console, createModel);
                }
            }, null);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    private static (CheckpointInfo? ResumeFrom, string? UsageError) CheckFolder(TrainArguments arguments, string outFolder)
    {
        var checkpointPath = Path.Combine(outFolder, Checkpoint.FileName);
        CheckpointInfo? resumeFrom = null;
        if (arguments.Resume)
        {
            if (!File.Exists(checkpointPath))
            {
                throw new CommandFailedException($"--resume: there is no checkpoint to continue in {outFolder} (looked for {Checkpoint.FileName}). Start the run without --resume.");
            }

            resumeFrom = ReadInfo(checkpointPath);
            // Without an explicit --precision a resumed run keeps the precision it was started with.
            var given = arguments.AutoPrecision ? arguments.Options with { Precision = resumeFrom.Options.Precision } : arguments.Options;
            if (arguments.Explicit && resumeFrom.Options != given)
            {
                return (null,
                    $"--resume continues the run in {outFolder} with the settings it was started with, but the options given differ: " +
                    $"{string.Join("; ", resumeFrom.Options.Differences(given, "checkpoint", "given"))}. Give only --out and --resume (or the same settings).");
            }
        }
        else if (File.Exists(checkpointPath) && !arguments.Overwrite)
        {
            var existing = ReadInfo(checkpointPath);
            throw new CommandFailedException(
                $"{outFolder} already holds a checkpoint (epoch {existing.CompletedEpochs} of {existing.Options.Epochs}, profile {existing.Options.Profile}). " +
                "Continue it with --resume, start it afresh with --overwrite, or choose another folder with --out.");
        }

        return (resumeFrom, null);
    }

    private static int Run(TrainArguments arguments, CheckpointInfo? resumeFrom, string outFolder, IAnsiConsole console, Func<nn.Module<Tensor, Tensor>> createModel)
    {
        var wall = Stopwatch.StartNew();
        Compute.SetThreads(arguments.Threads);
        var checkpointPath = Path.Combine(outFolder, Checkpoint.FileName);
        var options = resumeFrom?.Options
            ?? (arguments.AutoPrecision ? arguments.Options with { Precision = PrecisionChoice.Auto(arguments.Options.ImageSize) } : arguments.Options);
        var cpu = CpuFeatures.Current;
        if (!console.Profile.Capabilities.Interactive)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, 200); // one line per report in logs
        }

        console.WriteLine($"Training: {TrainingOptionsView.Describe(options)}");
        console.WriteLine($"Device: {Compute.Device}, torch threads: {get_num_threads()}, CPU flags: {cpu}, precision: " +
                          $"{PrecisionChoice.Describe(options.Precision, arguments.AutoPrecision && resumeFrom is null, cpu, options.ImageSize)}{(resumeFrom is not null ? " (the checkpoint's)" : "")}; output: {outFolder}");
        if (PrecisionChoice.Warning(options.Precision, cpu) is { } warning)
        {
            console.WriteLine($"Warning: {warning}");
        }

        using var data = LoadData(options);
        using var trainer = CreateTrainer(options, createModel, data, checkpointPath);
        if (resumeFrom is not null)
        {
            try
            {
                trainer.LoadCheckpoint(checkpointPath);
            }
            catch (CheckpointException e)
            {
                throw new CommandFailedException(e.Message, e);
            }

            console.WriteLine($"Resuming after epoch {trainer.CompletedEpochs} of {options.Epochs} ({trainer.Steps:N0} steps done).");
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{trainer.TrainCount:N0} training images, {trainer.TestCount:N0} test images, {trainer.BatchesPerEpoch} batches per epoch."));
        var curves = TrainingCurves.Record(trainer);
        trainer.EpochEnded += (_, m) =>
        {
            MetricsFile.Write(Path.Combine(outFolder, MetricsFile.FileName), trainer.History);
            console.WriteLine(EpochLine(m, options.Epochs));
        };

        try
        {
            ShowProgress(console, trainer, () => trainer.Fit());

            var chartPath = Path.Combine(outFolder, ChartFileName);
            AtomicFile.WriteAllText(chartPath, PlotlyHtml.Page(curves.ToChart(), $"Training curves: {options.Profile}, seed {options.Seed}"));
            // Once more from the history: after a resume with no epoch left (a crash between the last checkpoint and its
            // metrics row), the file would otherwise lack the last epoch.
            MetricsFile.Write(Path.Combine(outFolder, MetricsFile.FileName), trainer.History);
        }
        catch (TrainingDivergedException e)
        {
            throw new CommandFailedException($"{e.Message.TrimEnd('.')} with --lr.", e);
        }
        catch (IOException e)
        {
            // A checkpoint, metrics or chart write failed (disk full, folder made read-only): AtomicFile kept the
            // previous file and removed its temporary file; its message names the file and the reason.
            throw new CommandFailedException(
                $"{e.Message} The run stopped after training {trainer.CompletedEpochs} of {options.Epochs} epochs; " +
                (trainer.CheckpointedEpochs > 0
                    ? $"its checkpoint holds epoch {trainer.CheckpointedEpochs}: free space or fix the folder, then continue with --resume."
                    : "no checkpoint was written: free space or fix the folder, then start it again."), e);
        }
        if (trainer.History.Count > 0)
        {
            console.WriteLine();
            console.WriteLine(new ResultComparison(trainer.History[^1], options.Profile, PublishedResult.D2l).ToString());
        }

        console.WriteLine();
        console.WriteLine($"Wrote {MetricsFile.FileName}, {Checkpoint.FileName} and {ChartFileName} to {outFolder}");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wall time: {wall.Elapsed.TotalSeconds:F1} s"));
        return CliApp.Ok;
    }

    /// <summary>A live progress bar on a terminal; one line per quarter epoch elsewhere (logs, pipes); each starting
    /// with <paramref name="prefix"/> (e.g. the run's name).</summary>
    internal static void ShowProgress(IAnsiConsole console, Trainer trainer, Action fit, string prefix = "")
    {
        var total = (double)trainer.Options.Epochs * trainer.BatchesPerEpoch;
        if (!console.Profile.Capabilities.Interactive)
        {
            var every = Math.Max(1, trainer.BatchesPerEpoch / 4);
            trainer.BatchEnded += (_, p) =>
            {
                if (p.Batch % every == 0 && p.Batch < p.BatchesPerEpoch)
                {
                    console.WriteLine(prefix + new TrainingProgressView(p.Epochs, p).ToString());
                }
            };
            fit();
            return;
        }

        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(prefix) + "starting…", maxValue: total);
                task.Value = (double)trainer.Steps;
                trainer.BatchEnded += (_, p) =>
                {
                    task.Value = (p.Epoch - 1) * (double)p.BatchesPerEpoch + p.Batch;
                    task.Description = Markup.Escape(prefix + string.Create(CultureInfo.InvariantCulture,
                        $"epoch {p.Epoch}/{p.Epochs} · {p.ImagesPerSecond:N0} img/s · ETA {p.Remaining:h\\:mm\\:ss} · loss {p.TrainLoss:F3}"));
                };
                fit();
                task.Value = total;
            });
    }

    internal static string EpochLine(EpochMetrics m, int epochs) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {m.Epoch}/{epochs}: train loss {m.TrainLoss:F3}, train acc {m.TrainAccuracy:F3}, test acc {m.TestAccuracy:F3}, " +
        $"{m.ExamplesPerSecond:N0} examples/s, lr {m.LearningRate:G3}, peak memory {m.PeakMemoryBytes / 1048576.0:N0} MiB " +
        $"(train {m.TrainSeconds:F1} s, test {m.EvalSeconds:F1} s)");

    /// <summary>The trainer; settings that do not fit the data (fewer images than one batch with drop-last, more
    /// images than there are, too many steps) are a usage error.</summary>
    internal static Trainer CreateTrainer(TrainingOptions options, Func<nn.Module<Tensor, Tensor>> createModel, TrainTestData data, string checkpointPath)
    {
        try
        {
            return new Trainer(options, createModel, data.Train, data.Test) { CheckpointPath = checkpointPath };
        }
        catch (ArgumentException e) when (e.ParamName is { } name && typeof(TrainingOptions).GetProperty(name) is not null)
        {
            throw new CommandUsageException(UsageErrors.Message(e), e);
        }
    }

    internal static TrainTestData LoadData(TrainingOptions options)
    {
        try
        {
            return TrainTestData.Load(options.Data);
        }
        catch (Exception e) when (e is DataFileException or DirectoryNotFoundException)
        {
            throw new CommandFailedException(e.Message, e);
        }
    }

    private static CheckpointInfo ReadInfo(string path)
    {
        try
        {
            return Checkpoint.ReadInfo(path);
        }
        catch (CheckpointException e)
        {
            throw new CommandFailedException(e.Message, e);
        }
    }

    private static string DefaultFolder(string profile)
    {
        try
        {
            return RunFolders.For(profile);
        }
        catch (DirectoryNotFoundException)
        {
            return Path.Combine("runs", profile);
        }
    }
}
