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
    public static (Func<int>? Run, string? UsageError) Prepare(CompareArguments arguments, IAnsiConsole console, CancellationToken stop = default)
    {
        var outFolder = Path.GetFullPath(arguments.Out ?? DefaultFolder);
        var created = OutputFolder.FirstMissing(outFolder);
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

        // A command that fails leaves no empty folder it made behind.
        void Release()
        {
            folderLock.Dispose();
            OutputFolder.RemoveIfEmpty(outFolder, created);
        }

        try
        {
            var (plan, clear, usageError) = CheckFolder(arguments, outFolder);
            if (plan is null)
            {
                Release();
                return (null, usageError);
            }

            return (() =>
            {
                try
                {
                    return Run(plan, clear, arguments, outFolder, console, stop);
                }
                finally
                {
                    Release();
                }
            }, null);
        }
        catch
        {
            Release();
            throw;
        }
    }

    /// <summary>The plan to run, whether an earlier comparison is to be removed first (only once the new one is known
    /// to run: <see cref="Run"/> removes it after checking every run's settings against the data), or the usage error.</summary>
    private static (ComparePlan? Plan, bool Clear, string? UsageError) CheckFolder(CompareArguments arguments, string outFolder)
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
            var asked = arguments.ApplyGiven(stored);
            if (!stored.SameAs(asked))
            {
                return (null, false,
                    $"--resume continues the comparison in {outFolder} with the settings it was started with, but the options given differ: " +
                    $"{string.Join("; ", stored.Differences(asked, "folder", "given").Select(CompareCommandLine.WithOptionName))}. Give only --out and --resume (or the same settings).");
            }

            return (stored, false, null);
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

            return (arguments.Plan, true, null);
        }

        return (arguments.Plan, false, null);
    }

    /// <summary>Removes what a comparison wrote (never other files): the plan, summary and chart, and in every run
    /// folder its four files (the folder too when that leaves it empty). The caller holds every run folder's lock.</summary>
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

            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"--overwrite: the earlier comparison in {outFolder} cannot be removed ({e.Message.TrimEnd('.')}); remove it by hand or choose another folder with --out.", e);
        }
    }

    private static IEnumerable<string> RunFolders(string outFolder) =>
        Directory.Exists(outFolder) ? Directory.GetDirectories(outFolder).Where(f => CompareFolder.IsRunFolderName(Path.GetFileName(f))) : [];

    private static int Run(ComparePlan plan, bool clear, CompareArguments arguments, string outFolder, IAnsiConsole console, CancellationToken stop)
    {
        var wall = Stopwatch.StartNew();
        Compute.SetThreads(arguments.Threads);
        if (!console.Profile.Capabilities.Interactive)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, 200); // one line per report in logs
        }

        var runs = plan.Runs().ToList();
        // Everything that can refuse the comparison comes before anything is removed or written: the data, and every
        // run's settings against it (an earlier comparison given --overwrite is still whole when these fail).
        using var data = TrainCommand.LoadData(plan.Options);
        foreach (var run in runs)
        {
            try
            {
                Trainer.CheckFits(run.Options, data.Train.Count, data.Test.Count);
            }
            catch (ArgumentException e)
            {
                throw new CommandUsageException(UsageErrors.ForCli(e), e);
            }
        }

        // Every run folder is locked for the whole comparison (the folders of an earlier comparison too, before they are
        // cleared): a train or compare started in one of them meanwhile is refused, so the summary reports only this
        // comparison's runs.
        var folders = runs.Select(r => Path.Combine(outFolder, r.FolderName))
            .Concat(clear ? RunFolders(outFolder) : [])
            .Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
        var locks = new List<(RunFolderLock Lock, bool Existed)>();
        try
        {
            foreach (var folder in folders)
            {
                var existed = Directory.Exists(folder);
                try
                {
                    locks.Add((RunFolderLock.Acquire(folder, $"{CliApp.Name} compare --out {outFolder}"), existed));
                }
                catch (IOException e)
                {
                    OutputFolder.RemoveIfEmpty(folder, existed ? null : folder);
                    throw new CommandFailedException($"{e.Message.TrimEnd('.')}{(e is RunFolderLockedException ? "" : "; choose another folder with --out")}.", e);
                }
            }

            if (clear)
            {
                Clear(outFolder);
            }

            Write(() => AtomicFile.WriteAllText(Path.Combine(outFolder, PlanFileName), JsonSerializer.Serialize(plan, Json) + "\n"));
            console.WriteLine($"Comparing {runs.Count} runs ({string.Join(", ", runs.Select(r => r.FolderName))}): {TrainingOptionsView.Describe(plan.Options)}");
            console.WriteLine($"Device: {Compute.Device}, torch threads: {get_num_threads()}; output: {outFolder}");
            // Every run folder is checked (and its derived files repaired) before any training, so that a damaged file
            // is handled the same way whichever run it is in.
            var found = runs.Select(r => Reconcile(r, outFolder, console)).ToList();
            for (var i = 0; i < runs.Count; i++)
            {
                RunOne(runs[i], found[i], $"[{i + 1}/{runs.Count}] {runs[i].FolderName}: ", outFolder, data, console, stop, firstRun: i == 0);
                WriteResults(plan, outFolder);
            }
        }
        finally
        {
            foreach (var (folderLock, existed) in locks)
            {
                folderLock.Dispose();
                OutputFolder.RemoveIfEmpty(folderLock.Folder, existed && !clear ? null : folderLock.Folder);
            }
        }

        console.WriteLine();
        console.WriteLine(File.ReadAllText(Path.Combine(outFolder, SummaryFileName)).TrimEnd());
        console.WriteLine();
        console.WriteLine($"Wrote {SummaryFileName}, {ChartFileName} and one folder per run to {outFolder}");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wall time: {wall.Elapsed.TotalSeconds:F1} s"));
        return CliApp.Ok;
    }

    /// <summary>Checks the run's folder against the plan and makes its derived files agree with its checkpoint:
    /// <c>metrics.csv</c> is rewritten from the checkpoint's history (said when it was damaged), <c>steps.csv</c> is cut
    /// to the checkpoint's steps; a folder without a checkpoint starts afresh. What cannot be repaired (the per-step
    /// losses, the description that tells a plain network from a ResNet) stops the comparison with the same advice for
    /// every run, which never removes a finished run.</summary>
    /// <returns>The run's checkpoint description, or null when it starts afresh.</returns>
    private static CheckpointInfo? Reconcile(CompareRun run, string outFolder, IAnsiConsole console)
    {
        var folder = Path.Combine(outFolder, run.FolderName);
        var checkpointPath = Checkpoint.PathIn(folder);
        var metricsPath = Path.Combine(folder, MetricsFile.FileName);
        var stepsPath = Path.Combine(folder, StepsFile.FileName);
        var runPath = Path.Combine(folder, RunFileName);
        var config = run.Config;
        if (!File.Exists(checkpointPath))
        {
            // Not started, or stopped before its first checkpoint: start afresh (a steps file without a checkpoint
            // holds steps that no checkpoint has).
            Write(() =>
            {
                File.Delete(stepsPath);
                File.Delete(metricsPath);
                AtomicFile.WriteAllText(runPath, JsonSerializer.Serialize(new RunFile(config.Name, config.Shortcut == ShortcutOption.None, run.Depth, run.Seed, run.Options), Json) + "\n");
            });
            return null;
        }

        foreach (var path in new[] { metricsPath, stepsPath, runPath })
        {
            RefuseSpecialFile(path);
        }

        var info = ReadInfo(checkpointPath, folder);
        CheckRunFile(runPath, run, config, folder);
        if (info.Options != run.Options)
        {
            throw new CommandFailedException(
                $"{checkpointPath} was written with other settings than the comparison's ({string.Join("; ", info.Options.Differences(run.Options, "checkpoint", "comparison").Select(CompareCommandLine.WithOptionName))}); " +
                MoveAway(folder));
        }

        var metricsDamaged = File.Exists(metricsPath) && !Readable(() => MetricsFile.Read(metricsPath));
        var steps = StepsUpTo(stepsPath, info.OptimizerSteps, checkpointPath, folder);
        Write(() =>
        {
            MetricsFile.Write(metricsPath, info.History);
            StepsFile.Write(stepsPath, steps);
        });
        if (metricsDamaged)
        {
            console.WriteLine($"{run.FolderName}: {MetricsFile.FileName} was damaged; rewritten from its checkpoint (epoch {info.CompletedEpochs}).");
        }

        return info;
    }

    /// <summary>The advice for a run folder whose files cannot be used: never a step that removes finished runs.</summary>
    private static string MoveAway(string folder) =>
        $"move {folder} away (that run is trained again; nothing else is lost) and continue with --resume, or choose another folder with --out.";

    private static bool Readable(Action read)
    {
        try
        {
            read();
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            return false;
        }
    }

    private static void RunOne(CompareRun run, CheckpointInfo? info, string prefix, string outFolder, TrainTestData data, IAnsiConsole console, CancellationToken cancellation,
        bool firstRun)
    {
        var folder = Path.Combine(outFolder, run.FolderName);
        var checkpointPath = Checkpoint.PathIn(folder);
        var metricsPath = Path.Combine(folder, MetricsFile.FileName);
        var stepsPath = Path.Combine(folder, StepsFile.FileName);
        var config = run.Config;
        if (info is not null && info.CompletedEpochs >= run.Options.Epochs)
        {
            console.WriteLine($"{prefix}finished earlier ({info.CompletedEpochs} epoch{(info.CompletedEpochs == 1 ? "" : "s")}); skipped.");
            return;
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
            earlierSteps = StepsUpTo(stepsPath, trainer.Steps, checkpointPath, folder);
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
            TrainCommand.ShowProgress(console, trainer, () => trainer.Fit(cancellation), prefix);
            MetricsFile.Write(metricsPath, trainer.History);
            StepsFile.Write(stepsPath, recorder.Steps);
        }
        catch (TrainingDivergedException e)
        {
            throw new CommandFailedException($"{run.FolderName}: {e.Message.TrimEnd('.')} with --lr.", e);
        }
        catch (OperationCanceledException e)
        {
            throw new CommandStoppedException(
                $"{run.FolderName} stopped after epoch {trainer.CheckpointedEpochs} of {run.Options.Epochs}" +
                (trainer.CheckpointedEpochs > 0 ? $" (its checkpoint of epoch {trainer.CheckpointedEpochs} is kept" : " (no epoch of it was finished") +
                $"{(firstRun ? "" : "; the runs before it are kept")}); continue with: {CliApp.Name} compare --out {CliValues.Quote(outFolder)} --resume", e);
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
    private static IReadOnlyList<StepRow> StepsUpTo(string stepsPath, int count, string checkpointPath, string folder)
    {
        IReadOnlyList<StepRow> steps;
        try
        {
            steps = File.Exists(stepsPath) ? StepsFile.Read(stepsPath) : [];
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new CommandFailedException($"{e.Message.TrimEnd('.')}: the per-step losses of this run are lost; {MoveAway(folder)}", e);
        }

        if (steps.Count < count)
        {
            throw new CommandFailedException(
                $"{stepsPath} holds {steps.Count:N0} steps but the checkpoint {checkpointPath} has {count:N0}: the per-step losses of this run are lost; {MoveAway(folder)}");
        }

        return steps.Take(count).ToList();
    }

    /// <summary>A run folder's <c>run.json</c> must name the network the comparison expects there (a plain network and a
    /// ResNet of one depth have the same parameters, so the checkpoint alone cannot tell them apart).</summary>
    private static void CheckRunFile(string runPath, CompareRun run, ResNetConfig config, string folder)
    {
        if (!File.Exists(runPath))
        {
            throw new CommandFailedException(
                $"{runPath} is missing, so the checkpoint beside it cannot be told apart from another network's; {MoveAway(folder)}");
        }

        RunFile? stored;
        try
        {
            stored = JsonSerializer.Deserialize<RunFile>(File.ReadAllText(runPath), Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or IOException)
        {
            throw new CommandFailedException($"{runPath} cannot be read ({e.Message.TrimEnd('.')}), so the checkpoint beside it cannot be told apart from another network's; {MoveAway(folder)}", e);
        }

        if (stored is null || stored.Network != config.Name || stored.Seed != run.Seed)
        {
            throw new CommandFailedException(
                $"{runPath} describes {stored?.Network ?? "nothing"} with seed {stored?.Seed.ToString(CultureInfo.InvariantCulture) ?? "?"}, but this folder is for {config.Name} with seed {run.Seed}; " +
                MoveAway(folder));
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

    private static CheckpointInfo ReadInfo(string path, string folder)
    {
        try
        {
            return Checkpoint.ReadInfo(path);
        }
        catch (CheckpointException e)
        {
            // The checkpoint's own advice (train --overwrite) is for a train folder; here only this run is affected.
            var problem = e.Message.Split(" Delete it and train again", 2)[0].TrimEnd('.');
            throw new CommandFailedException($"{problem}; {MoveAway(folder)}", e);
        }
    }

    /// <summary>Reads and checks <c>compare.json</c> as the command line checks its options (it is a file a user can
    /// edit); every message names the file.</summary>
    internal static ComparePlan ReadPlan(string path)
    {
        RefuseSpecialFile(path);
        ComparePlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<ComparePlan>(File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"{path} cannot be read as a comparison plan ({e.Message.TrimEnd('.')}); {PlanFix}", e);
        }

        if (plan is null)
        {
            throw new CommandFailedException($"{path} is not a comparison plan (it is empty); {PlanFix}");
        }

        if (CompareCommandLine.Problem(plan) is { } problem)
        {
            throw new CommandFailedException($"{path} is not a valid comparison plan: {problem.TrimEnd('.')}; {PlanFix}");
        }

        return plan;
    }

    /// <summary>Refuses a FIFO, a device or a socket where compare reads a file: reading a FIFO waits for a writer forever.</summary>
    private static void RefuseSpecialFile(string path)
    {
        if (FileKind.NonRegular(path) is { } kind)
        {
            throw new CommandFailedException($"{path} is {kind}, not a file compare wrote; remove it, or choose another folder with --out.");
        }
    }

    private const string PlanFix =
        "fix the file (it lists nets, depths, seeds and options, as each run folder's run.json does), or start a new comparison in another folder with --out.";

    /// <summary>Reads with a damaged file as a command failure naming the file.</summary>
    private static T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or NotSupportedException)
        {
            throw new CommandFailedException($"{e.Message.TrimEnd('.')}; fix or move away the damaged file, then continue with --resume.", e);
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
