using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ResNetNotebooks.Display;
using ResNetNotebooks.Models;
using ResNetNotebooks.Native;
using ResNetNotebooks.Training;
using Spectre.Console;
using static TorchSharp.torch;

namespace ResNetNotebooks.Cli;

/// <summary>
/// <c>compare</c>: plain versus residual CIFAR networks of several depths (He et al. 2016, Fig. 6), one run per
/// network, depth and seed, one after the other. Each run has its folder <c>&lt;name&gt;-seed&lt;k&gt;</c> with
/// <c>metrics.csv</c> and the checkpoint (after every epoch), <c>steps.csv</c> (each batch's loss, written just before
/// the epoch's checkpoint, so that it never lacks a checkpointed step) and <c>run.json</c>; the output folder gets
/// <c>compare.json</c> (the plan, for <c>--resume</c>), and after every run <c>summary.csv</c> and
/// <c>comparison.html</c>. Every file is written atomically.
/// </summary>
internal static class CompareCommand
{
    /// <summary>The output folder unless <c>--out</c> says otherwise (relative to the current folder).</summary>
    public const string DefaultFolder = "runs/compare";

    /// <summary>The plan's file name in the output folder.</summary>
    public const string PlanFileName = "compare.json";

    /// <summary>The run description's file name in a run folder.</summary>
    public const string RunFileName = "run.json";

    /// <summary>The charts' file name in the output folder.</summary>
    public const string ChartFileName = "comparison.html";

    /// <summary>The summary's file name in the output folder.</summary>
    public const string SummaryFileName = "summary.csv";

    /// <summary>The summary's header: errors are fractions (1 − accuracy) of the last epoch.</summary>
    public const string SummaryHeader = "network,depth,seed,epochs,final_train_loss,final_train_error,final_test_error";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>Called after each epoch's files are written (tests stop a run here, as a kill would).</summary>
    internal static Action<CompareRun, EpochMetrics>? AfterEpoch { get; set; }

    /// <summary>Checks the output folder (writable, not in use, its comparison against <c>--resume</c> and
    /// <c>--overwrite</c>), takes its lock and returns the comparison to run, which releases the lock when it ends; or,
    /// when the options given differ from those of the comparison to resume, the usage error.</summary>
    /// <exception cref="CommandFailedException">The folder cannot be written or is in use, nothing to resume, a
    /// comparison in the way, or an unreadable plan.</exception>
    public static (Func<int>? Run, string? UsageError) Prepare(CompareArguments arguments, IAnsiConsole console)
    {
        var outFolder = Path.GetFullPath(arguments.Out ?? DefaultFolder);
        RunFolderLock folderLock;
        try
        {
            WritableFolder.Ensure(outFolder, "The output folder");
            folderLock = RunFolderLock.Acquire(outFolder, $"{CliApp.Name} compare");
        }
        catch (IOException e)
        {
            throw new CommandFailedException($"{e.Message.TrimEnd('.')}{(e is RunFolderLockedException ? "" : "; choose another folder with --out")}.", e);
        }

        try
        {
            var (plan, usageError) = CheckFolder(arguments, outFolder);
            if (plan is null)
            {
                folderLock.Dispose();
                return (null, usageError);
            }

            return (() =>
            {
                using (folderLock)
                {
                    return Run(plan, arguments, outFolder, console);
                }
            }, null);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    private static (ComparePlan? Plan, string? UsageError) CheckFolder(CompareArguments arguments, string outFolder)
    {
        var planPath = Path.Combine(outFolder, PlanFileName);
        if (arguments.Resume)
        {
            if (!File.Exists(planPath))
            {
                throw new CommandFailedException(
                    $"--resume: there is no comparison to continue in {outFolder} (looked for {PlanFileName}). Start it without --resume.");
            }

            var stored = ReadPlan(planPath);
            if (arguments.Explicit && !stored.SameAs(arguments.Plan))
            {
                return (null,
                    $"--resume continues the comparison in {outFolder} with the settings it was started with, but the options given differ: " +
                    $"{string.Join("; ", stored.Differences(arguments.Plan, "folder", "given"))}. Give only --out and --resume (or the same settings).");
            }

            return (stored, null);
        }

        var leftovers = RunFolders(outFolder).Where(f => File.Exists(Checkpoint.PathIn(f)) || File.Exists(Path.Combine(f, MetricsFile.FileName))).ToList();
        if (File.Exists(planPath) || leftovers.Count > 0)
        {
            if (!arguments.Overwrite)
            {
                throw new CommandFailedException(
                    $"{outFolder} already holds a comparison ({(File.Exists(planPath) ? PlanFileName + ", " : "")}{leftovers.Count} run folder(s) with results). " +
                    "Continue it with --resume, start it afresh with --overwrite, or choose another folder with --out.");
            }

            Clear(outFolder);
        }

        return (arguments.Plan, null);
    }

    /// <summary>Removes what a comparison wrote (never other files): the plan, summary and chart, and in every run
    /// folder its four files (the folder too when that leaves it empty).</summary>
    private static void Clear(string outFolder)
    {
        try
        {
            foreach (var name in new[] { PlanFileName, SummaryFileName, ChartFileName })
            {
                File.Delete(Path.Combine(outFolder, name));
            }

            foreach (var folder in RunFolders(outFolder))
            {
                foreach (var name in new[] { Checkpoint.FileName, MetricsFile.FileName, StepsFile.FileName, RunFileName })
                {
                    File.Delete(Path.Combine(folder, name));
                }

                if (!Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"--overwrite: the earlier comparison in {outFolder} cannot be removed ({e.Message.TrimEnd('.')}); remove it by hand or choose another folder with --out.", e);
        }
    }

    private static IEnumerable<string> RunFolders(string outFolder) =>
        Directory.Exists(outFolder) ? Directory.GetDirectories(outFolder).Where(f => CompareFolder.IsRunFolderName(Path.GetFileName(f))) : [];

    private static int Run(ComparePlan plan, CompareArguments arguments, string outFolder, IAnsiConsole console)
    {
        var wall = Stopwatch.StartNew();
        Compute.SetThreads(arguments.Threads);
        if (!console.Profile.Capabilities.Interactive)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, 200); // one line per report in logs
        }

        var runs = plan.Runs().ToList();
        Write(() => AtomicFile.WriteAllText(Path.Combine(outFolder, PlanFileName), JsonSerializer.Serialize(plan, Json) + "\n"));
        console.WriteLine($"Comparing {runs.Count} runs ({string.Join(", ", runs.Select(r => r.FolderName))}): {TrainingOptionsView.Describe(plan.Options)}");
        console.WriteLine($"Device: {Compute.Device}, torch threads: {get_num_threads()}; output: {outFolder}");
        using var data = TrainCommand.LoadData(plan.Options);
        for (var i = 0; i < runs.Count; i++)
        {
            RunOne(runs[i], $"[{i + 1}/{runs.Count}] {runs[i].FolderName}: ", outFolder, data, console);
            WriteResults(plan, outFolder);
        }

        console.WriteLine();
        console.WriteLine(File.ReadAllText(Path.Combine(outFolder, SummaryFileName)).TrimEnd());
        console.WriteLine();
        console.WriteLine($"Wrote {SummaryFileName}, {ChartFileName} and one folder per run to {outFolder}");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wall time: {wall.Elapsed.TotalSeconds:F1} s"));
        return CliApp.Ok;
    }

    private static void RunOne(CompareRun run, string prefix, string outFolder, TrainTestData data, IAnsiConsole console)
    {
        var folder = Path.Combine(outFolder, run.FolderName);
        var checkpointPath = Checkpoint.PathIn(folder);
        var metricsPath = Path.Combine(folder, MetricsFile.FileName);
        var stepsPath = Path.Combine(folder, StepsFile.FileName);
        var runPath = Path.Combine(folder, RunFileName);
        Write(() =>
        {
            Directory.CreateDirectory(folder);
            AtomicFile.RemoveLeftovers(folder);
        });

        var config = run.Config;
        CheckpointInfo? info = null;
        if (File.Exists(checkpointPath))
        {
            info = ReadInfo(checkpointPath);
            CheckRunFile(runPath, run, config);
            if (info.Options != run.Options)
            {
                throw new CommandFailedException(
                    $"{checkpointPath} was written with other settings than the comparison's ({string.Join("; ", info.Options.Differences(run.Options, "checkpoint", "comparison"))}); " +
                    "start the comparison afresh with --overwrite or choose another folder with --out.");
            }

            if (info.CompletedEpochs >= run.Options.Epochs)
            {
                // Finished earlier: only make its files agree with its checkpoint (a kill between the last checkpoint and
                // the metrics file leaves them behind).
                Write(() =>
                {
                    MetricsFile.Write(metricsPath, info.History);
                    StepsFile.Write(stepsPath, StepsUpTo(stepsPath, info.OptimizerSteps, checkpointPath));
                });
                console.WriteLine($"{prefix}finished earlier ({info.CompletedEpochs} epoch{(info.CompletedEpochs == 1 ? "" : "s")}); skipped.");
                return;
            }
        }
        else
        {
            // Not started, or stopped before its first checkpoint: start afresh (a steps file without a checkpoint
            // holds steps that no checkpoint has).
            Write(() =>
            {
                File.Delete(stepsPath);
                File.Delete(metricsPath);
                AtomicFile.WriteAllText(runPath, JsonSerializer.Serialize(new RunFile(config.Name, config.Shortcut == ShortcutOption.None, run.Depth, run.Seed, run.Options), Json) + "\n");
            });
        }

        using var trainer = TrainCommand.CreateTrainer(run.Options, () => new ResNet(config), data, checkpointPath);
        IReadOnlyList<StepRow> earlierSteps = [];
        if (info is not null)
        {
            try
            {
                trainer.LoadCheckpoint(checkpointPath);
            }
            catch (CheckpointException e)
            {
                throw new CommandFailedException(e.Message, e);
            }

            // Steps beyond the checkpoint (written just before a checkpoint that a kill prevented) are dropped: they
            // are trained again.
            earlierSteps = StepsUpTo(stepsPath, trainer.Steps, checkpointPath);
            Write(() =>
            {
                StepsFile.Write(stepsPath, earlierSteps);
                MetricsFile.Write(metricsPath, trainer.History);
            });
            console.WriteLine($"{prefix}resuming after epoch {trainer.CompletedEpochs} of {run.Options.Epochs} ({trainer.Steps:N0} steps done).");
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{prefix}{config.Name}, {trainer.Model.parameters().Sum(p => p.numel()):N0} parameters; {trainer.TrainCount:N0} training images, {trainer.TestCount:N0} test images, {trainer.BatchesPerEpoch} batches per epoch."));
        var recorder = RunRecorder.Follow(trainer, config, earlierSteps);
        trainer.BatchEnded += (_, p) =>
        {
            if (p.Batch == p.BatchesPerEpoch)
            {
                // Before the trainer writes the epoch's checkpoint: steps.csv never lacks a step the checkpoint has.
                StepsFile.Write(stepsPath, recorder.Steps);
            }
        };
        trainer.EpochEnded += (_, m) =>
        {
            MetricsFile.Write(metricsPath, trainer.History);
            console.WriteLine(prefix + TrainCommand.EpochLine(m, run.Options.Epochs));
            AfterEpoch?.Invoke(run, m);
        };

        try
        {
            TrainCommand.ShowProgress(console, trainer, () => trainer.Fit(), prefix);
            MetricsFile.Write(metricsPath, trainer.History);
            StepsFile.Write(stepsPath, recorder.Steps);
        }
        catch (TrainingDivergedException e)
        {
            throw new CommandFailedException($"{run.FolderName}: {e.Message.TrimEnd('.')} with --lr.", e);
        }
        catch (OperationCanceledException e)
        {
            throw new CommandFailedException(
                $"{run.FolderName} stopped after epoch {trainer.CheckpointedEpochs} of {run.Options.Epochs}; continue the comparison with --resume.", e);
        }
        catch (IOException e)
        {
            throw new CommandFailedException(
                $"{run.FolderName}: {e.Message} The run stopped after training {trainer.CompletedEpochs} of {run.Options.Epochs} epochs; " +
                (trainer.CheckpointedEpochs > 0
                    ? $"its checkpoint holds epoch {trainer.CheckpointedEpochs}: free space or fix the folder, then continue with --resume."
                    : "no checkpoint was written: free space or fix the folder, then continue with --resume (the run starts again)."), e);
        }
    }

    /// <summary>The first <paramref name="count"/> steps of the run's steps file: it must hold at least as many as
    /// the checkpoint (it is written before it).</summary>
    private static IReadOnlyList<StepRow> StepsUpTo(string stepsPath, int count, string checkpointPath)
    {
        var steps = File.Exists(stepsPath) ? Read(() => StepsFile.Read(stepsPath)) : [];
        if (steps.Count < count)
        {
            throw new CommandFailedException(
                $"{stepsPath} holds {steps.Count:N0} steps but the checkpoint {checkpointPath} has {count:N0}: the per-step losses of this run are lost; " +
                "start the comparison afresh with --overwrite (or move this run's folder away and --resume to train it again).");
        }

        return steps.Take(count).ToList();
    }

    /// <summary>A run folder's <c>run.json</c> must name the network the comparison expects there (a plain network and a
    /// ResNet of one depth have the same parameters, so the checkpoint alone cannot tell them apart).</summary>
    private static void CheckRunFile(string runPath, CompareRun run, ResNetConfig config)
    {
        if (!File.Exists(runPath))
        {
            throw new CommandFailedException(
                $"{runPath} is missing, so the checkpoint beside it cannot be told apart from another network's; start the comparison afresh with --overwrite.");
        }

        var stored = Read(() => JsonSerializer.Deserialize<RunFile>(File.ReadAllText(runPath), Json));
        if (stored is null || stored.Network != config.Name || stored.Seed != run.Seed)
        {
            throw new CommandFailedException(
                $"{runPath} describes {stored?.Network ?? "nothing"} with seed {stored?.Seed.ToString(CultureInfo.InvariantCulture) ?? "?"}, but this folder is for {config.Name} with seed {run.Seed}; " +
                "start the comparison afresh with --overwrite.");
        }
    }

    /// <summary>Writes <c>summary.csv</c> and <c>comparison.html</c> from the runs of <paramref name="plan"/> that have
    /// finished an epoch.</summary>
    private static void WriteResults(ComparePlan plan, string outFolder)
    {
        var found = plan.Runs()
            .Select(r => (Run: r, Curves: Read(() => CompareFolder.ReadRun(Path.Combine(outFolder, r.FolderName)))))
            .Where(x => x.Curves is { Epochs.Count: > 0 })
            .Select(x => (x.Run, Curves: x.Curves!))
            .ToList();
        if (found.Count == 0)
        {
            return;
        }

        var summary = new StringBuilder(SummaryHeader).Append('\n');
        foreach (var (run, curves) in found)
        {
            var last = curves.Epochs[^1];
            summary.Append(string.Create(CultureInfo.InvariantCulture,
                $"{run.Net},{run.Depth},{run.Seed},{curves.Epochs.Count},{last.TrainLoss:F6},{1 - last.TrainAccuracy:F6},{1 - last.TestAccuracy:F6}\n"));
        }

        var runs = found.Select(x => x.Curves).ToList();
        var smoothing = Smoothing(runs);
        var title = $"Plain versus residual networks on Fashion-MNIST ({plan.Options.Epochs} epochs)";
        var page = PlotlyHtml.Page(
            [
                DepthComparisonChart.Loss(runs, smoothing,
                    smoothing == 1
                        ? "Training loss per step: plain (dashed) versus residual (solid)"
                        : string.Create(CultureInfo.InvariantCulture, $"Training loss per step (moving average of {smoothing} steps): plain (dashed) versus residual (solid)")),
                DepthComparisonChart.Error(runs),
            ],
            title);
        Write(() =>
        {
            AtomicFile.WriteAllText(Path.Combine(outFolder, SummaryFileName), summary.ToString());
            AtomicFile.WriteAllText(Path.Combine(outFolder, ChartFileName), page);
        });
    }

    /// <summary>The loss chart's moving average: 1% of the longest run's steps (at least 1), e.g. 8 steps for 10 epochs
    /// of the subset at batch 128.</summary>
    internal static int Smoothing(IReadOnlyList<RunCurves> runs) => Math.Max(1, (int)Math.Round(runs.Max(r => r.Steps.Count) / 100.0));

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

    private static ComparePlan ReadPlan(string path)
    {
        var plan = Read(() => JsonSerializer.Deserialize<ComparePlan>(File.ReadAllText(path), Json));
        if (plan?.Nets is null || plan.Depths is null || plan.Seeds is null || plan.Options is null)
        {
            throw new CommandFailedException($"{path} is not a comparison plan (it lacks nets, depths, seeds or options); start the comparison afresh with --overwrite.");
        }

        return plan;
    }

    /// <summary>Reads with a damaged file as a command failure naming the file.</summary>
    private static T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or NotSupportedException)
        {
            throw new CommandFailedException($"{e.Message.TrimEnd('.')} (start the comparison afresh with --overwrite if it cannot be repaired).", e);
        }
    }

    /// <summary>Writes with a failed write (full disk, read-only folder) as a command failure.</summary>
    private static void Write(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"{e.Message.TrimEnd('.')}; free space or fix the folder, then continue with --resume.", e);
        }
    }

    /// <summary>The contents of <c>run.json</c>.</summary>
    private sealed record RunFile(string Network, bool Plain, int Depth, int Seed, TrainingOptions Options);
}
