using System.Diagnostics;
using System.Globalization;
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

    /// <summary>The charts' file name in the output folder.</summary>
    public const string ChartFileName = "comparison.html";

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
        var folder = TrainCommand.OpenFolder(Path.GetFullPath(arguments.Out ?? DefaultFolder), $"{CliApp.Name} compare");
        try
        {
            var (plan, clear, usageError) = CheckFolder(arguments, folder.FolderPath);
            if (plan is null)
            {
                folder.Dispose();
                return (null, usageError);
            }

            return (() =>
            {
                using (folder)
                {
                    return Run(plan, clear, arguments, folder.FolderPath, console, stop);
                }
            }, null);
        }
        catch
        {
            folder.Dispose();
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

        var leftovers = RunFolders(outFolder).Where(RunFolder.HoldsResults).ToList();
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
    /// folder what its run wrote (the folder too when that leaves it empty).</summary>
    private static void Clear(string outFolder, IEnumerable<RunFolder> folders)
    {
        try
        {
            foreach (var name in new[] { PlanFileName, CompareFolder.SummaryFileName, ChartFileName })
            {
                File.Delete(Path.Combine(outFolder, name));
            }

            foreach (var folder in folders)
            {
                folder.Clear(CompareFolder.RunFileName);
                folder.RemoveWhenEmpty = true;
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
        var opened = new List<RunFolder>();
        try
        {
            foreach (var folder in folders)
            {
                opened.Add(TrainCommand.OpenFolder(folder, $"{CliApp.Name} compare --out {outFolder}"));
            }

            if (clear)
            {
                Clear(outFolder, opened);
            }

            Write(() => AtomicFile.WriteAllText(Path.Combine(outFolder, PlanFileName), JsonSerializer.Serialize(plan, Json) + "\n"));
            console.WriteLine($"Comparing {runs.Count} runs ({string.Join(", ", runs.Select(r => r.FolderName))}): {TrainingOptionsView.Describe(plan.Options)}");
            console.WriteLine($"Device: {Compute.Device}, torch threads: {get_num_threads()}; output: {outFolder}");
            // Every run folder is checked (and its derived files repaired) before any training, so that a damaged file
            // is handled the same way whichever run it is in.
            var runFolders = runs.Select(r => opened.First(f => f.FolderPath == Path.GetFullPath(Path.Combine(outFolder, r.FolderName)))).ToList();
            var found = runs.Select((r, i) => Reconcile(r, runFolders[i], console)).ToList();
            for (var i = 0; i < runs.Count; i++)
            {
                RunOne(runs[i], runFolders[i], found[i], $"[{i + 1}/{runs.Count}] {runs[i].FolderName}: ", outFolder, data, console, stop, firstRun: i == 0);
                WriteResults(plan, outFolder);
            }
        }
        finally
        {
            foreach (var folder in opened)
            {
                folder.Dispose();
            }
        }

        console.WriteLine();
        console.WriteLine(File.ReadAllText(Path.Combine(outFolder, CompareFolder.SummaryFileName)).TrimEnd());
        console.WriteLine();
        console.WriteLine($"Wrote {CompareFolder.SummaryFileName}, {ChartFileName} and one folder per run to {outFolder}");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wall time: {wall.Elapsed.TotalSeconds:F1} s"));
        return CliApp.Ok;
    }

    /// <summary>Checks the run's folder against the plan and makes its derived files agree with its checkpoint
    /// (<see cref="RunFolder.Reconcile"/>; a damaged <c>metrics.csv</c> is said). What cannot be repaired (the per-step
    /// losses, the description that tells a plain network from a ResNet) stops the comparison with the same advice for
    /// every run, which never removes a finished run.</summary>
    /// <returns>The run's checkpoint description, or null when it starts afresh.</returns>
    private static CheckpointInfo? Reconcile(CompareRun run, RunFolder folder, IAnsiConsole console)
    {
        var config = run.Config;
        CheckpointInfo? info;
        try
        {
            if (File.Exists(folder.CheckpointPath))
            {
                CompareFolder.CheckRunFile(folder.FolderPath, config.Name, run.Seed);
            }

            info = folder.Reconcile(run.Options);
            if (info is null)
            {
                CompareFolder.WriteRunFile(folder.FolderPath, config.Name, config.Shortcut == ShortcutOption.None, run.Depth, run.Seed, run.Options);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(e, run, folder.FolderPath);
        }

        if (folder.MetricsRepaired)
        {
            console.WriteLine($"{run.FolderName}: {MetricsFile.FileName} was damaged; rewritten from its checkpoint (epoch {info!.CompletedEpochs}).");
        }

        return info;
    }

    /// <summary>A run folder's problem as the command's message: what was found and the fix a compare user can follow.</summary>
    private static CommandFailedException Failure(Exception e, CompareRun run, string folder) => e switch
    {
        CommandFailedException failed => failed,
        RunFolderException { Problem: RunFolderProblem.SpecialFile } f =>
            new CommandFailedException($"{f.Facts}, not a file compare wrote; remove it, or choose another folder with --out.", e),
        RunFolderException { Problem: RunFolderProblem.OtherSettings, Checkpoint: { } info } f =>
            new CommandFailedException(
                $"{f.FilePath} was written with other settings than the comparison's ({string.Join("; ", info.Options.Differences(run.Options, "checkpoint", "comparison").Select(CompareCommandLine.WithOptionName))}); " +
                MoveAway(folder), e),
        RunFolderException f => new CommandFailedException($"{f.Facts}; {MoveAway(folder)}", e),
        // The checkpoint's own advice (train --overwrite) is for a train folder; here only this run is affected.
        CheckpointException c => new CommandFailedException($"{c.Message.Split(" Delete it and train again", 2)[0].TrimEnd('.')}; {MoveAway(folder)}", e),
        _ => new CommandFailedException($"{e.Message.TrimEnd('.')}; free space or fix the folder, then continue with --resume.", e),
    };

    /// <summary>The advice for a run folder whose files cannot be used: never a step that removes finished runs.</summary>
    private static string MoveAway(string folder) =>
        $"move {folder} away (that run is trained again; nothing else is lost) and continue with --resume, or choose another folder with --out.";

    private static void RunOne(CompareRun run, RunFolder folder, CheckpointInfo? info, string prefix, string outFolder, TrainTestData data, IAnsiConsole console,
        CancellationToken cancellation, bool firstRun)
    {
        var config = run.Config;
        if (info is not null && info.CompletedEpochs >= run.Options.Epochs)
        {
            console.WriteLine($"{prefix}finished earlier ({info.CompletedEpochs} epoch{(info.CompletedEpochs == 1 ? "" : "s")}); skipped.");
            return;
        }

        using var trainer = TrainCommand.CreateTrainer(run.Options, () => new ResNet(config), data);
        try
        {
            // Steps beyond the checkpoint (written just before a checkpoint that a kill prevented) are dropped: they
            // are trained again.
            folder.Attach(trainer, info, recordSteps: config);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw e is CheckpointException ? new CommandFailedException(e.Message, e) : Failure(e, run, folder.FolderPath);
        }

        if (info is not null)
        {
            console.WriteLine($"{prefix}resuming after epoch {trainer.CompletedEpochs} of {run.Options.Epochs} ({trainer.Steps:N0} steps done).");
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{prefix}{config.Name}, {trainer.Model.parameters().Sum(p => p.numel()):N0} parameters; {trainer.TrainCount:N0} training images, {trainer.TestCount:N0} test images, {trainer.BatchesPerEpoch} batches per epoch."));
        trainer.EpochEnded += (_, m) =>
        {
            console.WriteLine(prefix + TrainCommand.EpochLine(m, run.Options.Epochs));
            AfterEpoch?.Invoke(run, m);
        };

        try
        {
            TrainCommand.ShowProgress(console, trainer, () => trainer.Fit(cancellation), prefix);
            folder.Finish(trainer);
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

    /// <summary>Writes <c>summary.csv</c> and <c>comparison.html</c> from the runs of <paramref name="plan"/> that have
    /// finished an epoch.</summary>
    private static void WriteResults(ComparePlan plan, string outFolder)
    {
        var runs = plan.Runs()
            .Select(r => Read(() => CompareFolder.ReadRun(Path.Combine(outFolder, r.FolderName))))
            .OfType<RunCurves>().Where(c => c.Epochs.Count > 0)
            .ToList();
        if (runs.Count == 0)
        {
            return;
        }

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
            CompareFolder.WriteSummary(outFolder, runs);
            AtomicFile.WriteAllText(Path.Combine(outFolder, ChartFileName), page);
        });
    }

    /// <summary>The loss chart's moving average: 1% of the longest run's steps (at least 1), e.g. 8 steps for 10 epochs
    /// of the subset at batch 128.</summary>
    internal static int Smoothing(IReadOnlyList<RunCurves> runs) => Math.Max(1, (int)Math.Round(runs.Max(r => r.Steps.Count) / 100.0));

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
        try
        {
            RunFolder.RefuseSpecialFile(path);
        }
        catch (RunFolderException e)
        {
            throw new CommandFailedException($"{e.Facts}, not a file compare wrote; remove it, or choose another folder with --out.", e);
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
}
