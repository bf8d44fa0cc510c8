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
    public static (Func<int>? Run, string? UsageError) Prepare(TrainArguments arguments, IAnsiConsole console, Func<nn.Module<Tensor, Tensor>> createModel,
        CancellationToken stop = default)
    {
        var folder = OpenFolder(Path.GetFullPath(arguments.Out ?? DefaultFolder(arguments.Options.Profile)), $"{CliApp.Name} train");
        try
        {
            var resumeFrom = Start(folder, arguments.Resume ? RunStart.Resume : arguments.Overwrite ? RunStart.Overwrite : RunStart.New);
            // Only the options given are compared (a resumed run keeps the checkpoint's settings, its precision too).
            if (resumeFrom is not null && arguments.ApplyGiven(resumeFrom.Options) is var asked && resumeFrom.Options != asked)
            {
                folder.Dispose();
                return (null, RunMessages.ResumeDiffers("run", folder.FolderPath, resumeFrom.Options.Differences(asked, "checkpoint", "given")));
            }

            return (() =>
            {
                using (folder)
                {
                    return Run(arguments, resumeFrom, folder, console, createModel, stop);
                }
            }, null);
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary>Opens and locks a run folder; a folder that cannot be written or is in use is a command failure.</summary>
    private static RunFolder OpenFolder(string path, string holder)
    {
        try
        {
            return RunFolder.Open(path, holder, "The output folder");
        }
        catch (IOException e)
        {
            throw RunMessages.CannotOpen(e);
        }
    }

    /// <summary>The folder's start with the CLI's advice: the options that resume, replace or move the run.</summary>
    private static CheckpointInfo? Start(RunFolder folder, RunStart start)
    {
        try
        {
            return folder.Start(start);
        }
        catch (RunFolderException e)
        {
            throw new CommandFailedException(e.Problem switch
            {
                RunFolderProblem.SpecialFile => $"{e.Facts}, not a checkpoint file; remove it, or choose another folder with --out.",
                RunFolderProblem.NothingToResume => $"--resume: {e.Facts}. Start the run without --resume.",
                _ => $"{e.Facts}. Continue it with --resume, start it afresh with --overwrite, or choose another folder with --out.",
            }, e);
        }
        catch (CheckpointException e)
        {
            throw new CommandFailedException(e.Message, e);
        }
    }

    /// <summary>Called after each epoch's files are written (tests stop a run here, as a signal would).</summary>
    internal static Action<EpochMetrics>? AfterEpoch { get; set; }

    private static int Run(TrainArguments arguments, CheckpointInfo? resumeFrom, RunFolder folder, IAnsiConsole console, Func<nn.Module<Tensor, Tensor>> createModel,
        CancellationToken stop)
    {
        var wall = Stopwatch.StartNew();
        Compute.SetThreads(arguments.Threads);
        var outFolder = folder.FolderPath;
        var options = resumeFrom?.Options
            ?? (arguments.AutoPrecision ? arguments.Options with { Precision = PrecisionChoice.Auto(arguments.Options.ImageSize) } : arguments.Options);
        var cpu = CpuFeatures.Current;
        RunMessages.OneLinePerReport(console);

        console.WriteLine($"Training: {TrainingOptionsView.Describe(options)}");
        console.WriteLine($"Device: {Compute.Device}, torch threads: {get_num_threads()}, CPU flags: {cpu}, precision: " +
                          $"{PrecisionChoice.Describe(options.Precision, arguments.AutoPrecision && resumeFrom is null, cpu, options.ImageSize)}{(resumeFrom is not null ? " (the checkpoint's)" : "")}; output: {outFolder}");
        if (PrecisionChoice.Warning(options.Precision, cpu) is { } warning)
        {
            console.WriteLine($"Warning: {warning}");
        }

        using var data = LoadData(options);
        using var trainer = CreateTrainer(options, createModel, data);
        Attach(folder, trainer, resumeFrom, arguments.Overwrite);
        if (resumeFrom is not null)
        {
            console.WriteLine($"Resuming after epoch {trainer.CompletedEpochs} of {options.Epochs} ({trainer.Steps:N0} steps done).");
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{trainer.TrainCount:N0} training images, {trainer.TestCount:N0} test images, {trainer.BatchesPerEpoch} batches per epoch."));
        // The curves' points of the epochs before a resume come from their file (written after every epoch), so that
        // the chart of a resumed run has every epoch's points, not only one per earlier epoch.
        var pointsPath = Path.Combine(outFolder, CurvePointsFileName);
        var curves = TrainingCurves.Record(trainer, resumeFrom is null ? [] : ReadPoints(pointsPath, trainer.CompletedEpochs, console));
        trainer.EpochEnded += (_, m) =>
        {
            WritePoints(pointsPath, curves);
            console.WriteLine(EpochLine(m, options.Epochs));
            AfterEpoch?.Invoke(m);
        };

        try
        {
            ShowProgress(console, trainer, () => trainer.Fit(stop));

            var chartPath = Path.Combine(outFolder, ChartFileName);
            AtomicFile.WriteAllText(chartPath, PlotlyHtml.Page(curves.ToChart($"Training curves: {options.Profile}, seed {options.Seed}"), $"Training curves: {options.Profile}, seed {options.Seed}"));
            folder.Finish(trainer);
        }
        catch (TrainingDivergedException e)
        {
            throw new CommandFailedException(DivergedAdvice(e, options), e);
        }
        catch (OperationCanceledException e)
        {
            throw new CommandStoppedException(
                $"the run stopped after training {trainer.CheckpointedEpochs} of {options.Epochs} epochs; " +
                (trainer.CheckpointedEpochs > 0
                    ? $"its checkpoint of epoch {trainer.CheckpointedEpochs} is kept in {outFolder}; continue with: {CliApp.Name} train --out {CliValues.Quote(outFolder)} --resume"
                    : $"no epoch was finished, so nothing was kept; start it again with: {CliApp.Name} train --out {CliValues.Quote(outFolder)}{(resumeFrom is null ? "" : " --resume")}"), e);
        }
        catch (IOException e)
        {
            // A checkpoint, metrics or chart write failed (disk full, folder made read-only): AtomicFile kept the
            // previous file and removed its temporary file; its message names the file and the reason.
            throw new CommandFailedException(
                $"{e.Message} The run stopped after training {trainer.CompletedEpochs} of {options.Epochs} epochs; " +
                (trainer.CheckpointedEpochs > 0
                    ? $"its checkpoint holds epoch {trainer.CheckpointedEpochs}: {RunMessages.FixAndResume}"
                    : "no checkpoint was written: free space or fix the folder, then start it again."), e);
        }
        if (trainer.History.Count > 0)
        {
            console.WriteLine();
            console.WriteLine(new ResultComparison(trainer.History[^1], options.Profile, PublishedResult.D2l).ToString());
        }

        console.WriteLine();
        console.WriteLine($"Wrote {MetricsFile.FileName}, {Checkpoint.FileName}, {ChartFileName} and {CurvePointsFileName} to {outFolder}");
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

    /// <summary>The file of the chart's training points, e.g. <c>epoch,train_loss,train_accuracy</c> rows.</summary>
    public const string CurvePointsFileName = "training-curves.csv";

    private const string PointsHeader = "epoch,train_loss,train_accuracy";

    private static void WritePoints(string path, TrainingCurves curves) =>
        CsvTable.Write(path, PointsHeader, Enumerable.Range(0, curves.TrainLoss.Count),
            i => $"{curves.TrainLoss[i].Epoch:R},{curves.TrainLoss[i].Value:R},{curves.TrainAccuracy[i].Value:R}");

    /// <summary>The training points of the first <paramref name="epochs"/> epochs from <paramref name="path"/>; none
    /// (the chart then has one point per earlier epoch, from the checkpoint's metrics) when it is missing or damaged.</summary>
    private static IReadOnlyList<(double Epoch, double Loss, double Accuracy)> ReadPoints(string path, int epochs, IAnsiConsole console)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            return CsvTable.Read<(double Epoch, double Loss, double Accuracy)>(path, PointsHeader, (c, _) => (c.Double(0), c.Double(1), c.Double(2))).Where(p => p.Item1 <= epochs).ToList();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            console.WriteLine($"Note: {path} cannot be read ({e.Message.TrimEnd('.')}); the chart shows one point per epoch before the resume.");
            return [];
        }
    }

    /// <summary>What to change after a diverged run: the learning rate, or the weight decay when it alone explains it.
    /// On its own, weight decay is SGD on wd/2 · w²: with momentum m the weights stay bounded only while lr · wd is
    /// below 2(1 + m) (heavy ball), or 2(1 + m)/(1 + 2m) with Nesterov; 2 without momentum. Above that bound every step
    /// makes the weights larger, whatever the gradients.</summary>
    internal static string DivergedAdvice(TrainingDivergedException e, TrainingOptions options)
    {
        var message = e.Message.TrimEnd('.');
        // The rate of the batch that diverged (below the peak early in a one-cycle schedule).
        var product = e.LearningRate * options.WeightDecay;
        var m = options.Momentum;
        var bound = options.Nesterov ? 2 * (1 + m) / (1 + 2 * m) : 2 * (1 + m);
        if (product >= bound)
        {
            var cut = message.IndexOf(" Lower the learning rate", StringComparison.Ordinal);
            var facts = cut > 0 ? message[..cut] : message;
            return string.Create(CultureInfo.InvariantCulture,
                $"{facts} The weight decay is the cause: learning rate {e.LearningRate:G4} x --weight-decay {options.WeightDecay:G4} = {product:G4}, and from {bound:G3} on " +
                $"(momentum {m:G3}{(options.Nesterov ? ", Nesterov" : "")}) weight decay alone makes the weights grow at every step; lower --weight-decay below {bound / options.LearningRate:G3} " +
                $"(the tuned recipe uses 5e-4).");
        }

        return $"{message} with --lr.";
    }

    internal static string EpochLine(EpochMetrics m, int epochs) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {m.Epoch}/{epochs}: train loss {m.TrainLoss:F3}, train acc {m.TrainAccuracy:F3}, test acc {m.TestAccuracy:F3}, " +
        $"{m.ExamplesPerSecond:N0} examples/s, lr {m.LearningRate:G3}, peak memory {m.PeakMemoryBytes / 1048576.0:N0} MiB " +
        $"(train {m.TrainSeconds:F1} s, test {m.EvalSeconds:F1} s)");

    /// <summary>The trainer; settings that do not fit the data (fewer images than one batch with drop-last, more
    /// images than there are, too many steps) are a usage error.</summary>
    internal static Trainer CreateTrainer(TrainingOptions options, Func<nn.Module<Tensor, Tensor>> createModel, TrainTestData data)
    {
        try
        {
            return new Trainer(options, createModel, data.Train, data.Test);
        }
        catch (TrainingOptionException e)
        {
            throw new CommandUsageException(UsageErrors.ForCli(e), e);
        }
    }

    internal static TrainTestData LoadData(TrainingOptions options)
    {
        try
        {
            return TrainTestData.Load(options.Data);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new CommandFailedException(DataAdvice(e.Message, "run resnet-cli from inside the repository (its root or any folder in it, e.g. notebooks/)."), e);
        }
        catch (DataFileException e)
        {
            throw new CommandFailedException(e.Message, e);
        }
    }

    /// <summary>The data folder search's message with a fix a CLI user can follow (the library's names a parameter the
    /// command line does not have).</summary>
    internal static string DataAdvice(string message, string fix)
    {
        var cut = message.IndexOf(" Fix: ", StringComparison.Ordinal);
        return cut < 0 ? message : $"{message[..cut]} Fix: {fix}";
    }

    /// <summary>The folder follows the trainer (<see cref="RunFolder.Attach"/>); a checkpoint that cannot be loaded
    /// is a command failure.</summary>
    private static void Attach(RunFolder folder, Trainer trainer, CheckpointInfo? resumeFrom, bool overwrite)
    {
        try
        {
            folder.Attach(trainer, resumeFrom);
            if (overwrite)
            {
                // The folder removed the earlier run's checkpoint and metrics; its chart is this command's to remove.
                File.Delete(Path.Combine(folder.FolderPath, ChartFileName));
                File.Delete(Path.Combine(folder.FolderPath, CurvePointsFileName));
            }
        }
        catch (CheckpointException e)
        {
            throw new CommandFailedException(e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"{e.Message.TrimEnd('.')}; free space or fix the folder, then give the same command again.", e);
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
