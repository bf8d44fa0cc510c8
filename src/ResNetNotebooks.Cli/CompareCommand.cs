using System.Diagnostics;
using System.Globalization;
using ResNetNotebooks.Display;
using ResNetNotebooks.Native;
using ResNetNotebooks.Training;
using Spectre.Console;
using static TorchSharp.torch;

namespace ResNetNotebooks.Cli;

/// <summary>
/// <c>compare</c>: plain versus residual CIFAR networks of several depths (He et al. 2016, Fig. 6), one run per
/// network, depth and seed, one after the other. <see cref="Comparison"/> owns the output folder (the plan
/// <c>compare.json</c>, every run folder with its checkpoint, <c>metrics.csv</c>, <c>steps.csv</c> and <c>run.json</c>,
/// and <c>summary.csv</c>); this command prints, draws <c>comparison.html</c> after every run and says each problem
/// in the options a user can give.
/// </summary>
internal static class CompareCommand
{
    /// <summary>The output folder unless <c>--out</c> says otherwise (relative to the current folder).</summary>
    public const string DefaultFolder = "runs/compare";

    /// <summary>Called after each epoch's files are written (tests stop a run here, as a kill would).</summary>
    internal static Action<CompareRun, EpochMetrics>? AfterEpoch { get; set; }

    /// <summary>Opens the output folder (writable, not in use), decides against <c>--resume</c> and <c>--overwrite</c>
    /// how the comparison starts and returns it to run, which releases the folder when it ends; or, when the options
    /// given differ from those of the comparison to resume, the usage error.</summary>
    /// <exception cref="CommandFailedException">The folder cannot be written or is in use, nothing to resume, a
    /// comparison in the way, or an unreadable plan.</exception>
    public static (Func<int>? Run, string? UsageError) Prepare(CompareArguments arguments, IAnsiConsole console, CancellationToken stop = default)
    {
        var outFolder = Path.GetFullPath(arguments.Out ?? DefaultFolder);
        Comparison comparison;
        try
        {
            comparison = Comparison.Open(outFolder, $"{CliApp.Name} compare --out {outFolder}");
        }
        catch (IOException e)
        {
            throw RunMessages.CannotOpen(e);
        }

        try
        {
            var plan = arguments.Plan;
            if (Start(comparison, arguments.Resume ? RunStart.Resume : arguments.Overwrite ? RunStart.Overwrite : RunStart.New) is { } stored)
            {
                var asked = arguments.ApplyGiven(stored);
                if (!stored.SameAs(asked))
                {
                    comparison.Dispose();
                    return (null, RunMessages.ResumeDiffers("comparison", comparison.FolderPath, stored.Differences(asked, "folder", "given")));
                }

                plan = stored;
            }

            return (() =>
            {
                using (comparison)
                {
                    return Run(plan, comparison, arguments, console, stop);
                }
            }, null);
        }
        catch
        {
            comparison.Dispose();
            throw;
        }
    }

    /// <summary>The comparison's start with the CLI's advice.</summary>
    private static ComparePlan? Start(Comparison comparison, RunStart start)
    {
        try
        {
            return comparison.Start(start);
        }
        catch (RunFolderException e)
        {
            throw new CommandFailedException(e.Problem switch
            {
                RunFolderProblem.NothingToResume => $"--resume: {e.Facts}. Start it without --resume.",
                RunFolderProblem.ComparisonInTheWay =>
                    $"{e.Facts}. Continue it with --resume, start it afresh with --overwrite, or choose another folder with --out.",
                RunFolderProblem.BadPlan => $"{e.Facts}; {PlanFix}",
                _ => $"{e.Facts}, not a file compare wrote; remove it, or choose another folder with --out.",
            }, e);
        }
    }

    private const string PlanFix =
        "fix the file (it lists nets, depths, seeds and options, as each run folder's run.json does), or start a new comparison in another folder with --out.";

    private static int Run(ComparePlan plan, Comparison comparison, CompareArguments arguments, IAnsiConsole console, CancellationToken stop)
    {
        var wall = Stopwatch.StartNew();
        Compute.SetThreads(arguments.Threads);
        RunMessages.OneLinePerReport(console);

        var outFolder = comparison.FolderPath;
        using var data = TrainCommand.LoadData(plan.Options);
        var runs = PrepareRuns(comparison, plan, data);
        console.WriteLine($"Comparing {runs.Count} runs ({string.Join(", ", runs.Select(r => r.Run.FolderName))}): {TrainingOptionsView.Describe(plan.Options)}");
        console.WriteLine($"Device: {Compute.Device}, torch threads: {get_num_threads()}; output: {outFolder}");
        foreach (var run in runs.Where(r => r.MetricsRepaired))
        {
            console.WriteLine($"{run.Run.FolderName}: {MetricsFile.FileName} was damaged; rewritten from its checkpoint (epoch {run.Resume!.CompletedEpochs}).");
        }

        for (var i = 0; i < runs.Count; i++)
        {
            RunOne(runs[i], $"[{i + 1}/{runs.Count}] {runs[i].Run.FolderName}: ", outFolder, console, stop, firstRun: i == 0);
            WriteResults(comparison, plan);
        }

        console.WriteLine();
        console.WriteLine(File.ReadAllText(Path.Combine(outFolder, CompareFolder.SummaryFileName)).TrimEnd());
        console.WriteLine();
        console.WriteLine($"Wrote {CompareFolder.SummaryFileName}, {CompareFolder.ChartFileName} and one folder per run to {outFolder}");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wall time: {wall.Elapsed.TotalSeconds:F1} s"));
        return CliApp.Ok;
    }

    /// <summary>The comparison's runs, ready (<see cref="Comparison.Prepare"/>), with each problem said for a CLI user.</summary>
    private static IReadOnlyList<PreparedRun> PrepareRuns(Comparison comparison, ComparePlan plan, TrainTestData data)
    {
        try
        {
            return comparison.Prepare(plan, data);
        }
        catch (TrainingOptionException e)
        {
            throw new CommandUsageException(UsageErrors.ForCli(e), e);
        }
        catch (ComparisonRunException e)
        {
            throw Failure(e.InnerException!, e.Run, e.FolderPath);
        }
        catch (RunFolderLockedException e)
        {
            throw new CommandFailedException($"{e.Message.TrimEnd('.')}.", e);
        }
        catch (RunFolderException e) when (e.Problem == RunFolderProblem.CannotRemove)
        {
            throw new CommandFailedException($"--overwrite: {e.Facts}; remove it by hand or choose another folder with --out.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RunMessages.WriteFailed(e);
        }
    }

    /// <summary>A run folder's problem as the command's message: what was found and the fix a compare user can follow.
    /// What cannot be repaired (the per-step losses, the description that tells a plain network from a ResNet) gets
    /// the same advice for every run, which never removes a finished run.</summary>
    private static CommandFailedException Failure(Exception e, CompareRun run, string folder) => e switch
    {
        RunFolderException { Problem: RunFolderProblem.SpecialFile } f =>
            new CommandFailedException($"{f.Facts}, not a file compare wrote; remove it, or choose another folder with --out.", e),
        RunFolderException { Problem: RunFolderProblem.OtherSettings, Checkpoint: { } info } f =>
            new CommandFailedException(
                $"{f.FilePath} was written with other settings than the comparison's ({string.Join("; ", info.Options.Differences(run.Options, "checkpoint", "comparison").Select(CliValues.WithOptionName))}); " +
                MoveAway(folder), e),
        RunFolderException f => new CommandFailedException($"{f.Facts}; {MoveAway(folder)}", e),
        // The checkpoint's own advice (train --overwrite) is for a train folder; here only this run is affected.
        CheckpointException c => new CommandFailedException($"{c.Facts}; {MoveAway(folder)}", e),
        _ => RunMessages.WriteFailed(e),
    };

    /// <summary>The advice for a run folder whose files cannot be used: never a step that removes finished runs.</summary>
    private static string MoveAway(string folder) =>
        $"move {folder} away (that run is trained again; nothing else is lost) and continue with --resume, or choose another folder with --out.";

    private static void RunOne(PreparedRun prepared, string prefix, string outFolder, IAnsiConsole console, CancellationToken cancellation, bool firstRun)
    {
        var run = prepared.Run;
        if (prepared.Finished)
        {
            var epochs = prepared.Resume!.CompletedEpochs;
            console.WriteLine($"{prefix}finished earlier ({epochs} epoch{(epochs == 1 ? "" : "s")}); skipped.");
            return;
        }

        using var trainer = CreateTrainer(prepared);
        if (prepared.Resume is not null)
        {
            console.WriteLine($"{prefix}resuming after epoch {trainer.CompletedEpochs} of {run.Options.Epochs} ({trainer.Steps:N0} steps done).");
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{prefix}{run.Config.Name}, {trainer.Model.parameters().Sum(p => p.numel()):N0} parameters; {trainer.TrainCount:N0} training images, {trainer.TestCount:N0} test images, {trainer.BatchesPerEpoch} batches per epoch."));
        trainer.EpochEnded += (_, m) =>
        {
            console.WriteLine(prefix + TrainCommand.EpochLine(m, run.Options.Epochs));
            AfterEpoch?.Invoke(run, m);
        };

        try
        {
            TrainCommand.ShowProgress(console, trainer, () => trainer.Fit(cancellation), prefix);
            prepared.Finish(trainer);
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
                    ? $"its checkpoint holds epoch {trainer.CheckpointedEpochs}: {RunMessages.FixAndResume}"
                    : "no checkpoint was written: free space or fix the folder, then continue with --resume (the run starts again)."), e);
        }
    }

    /// <summary>The run's trainer (<see cref="PreparedRun.CreateTrainer"/>), with each problem said for a CLI user.</summary>
    private static Trainer CreateTrainer(PreparedRun prepared)
    {
        try
        {
            return prepared.CreateTrainer();
        }
        catch (TrainingOptionException e)
        {
            throw new CommandUsageException(UsageErrors.ForCli(e), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(e, prepared.Run, prepared.Folder.FolderPath);
        }
    }

    /// <summary>Writes <c>summary.csv</c> (<see cref="Comparison.WriteSummary"/>) and <c>comparison.html</c> from the
    /// runs that have finished an epoch.</summary>
    private static void WriteResults(Comparison comparison, ComparePlan plan)
    {
        try
        {
            var runs = comparison.WriteSummary();
            if (runs.Count == 0)
            {
                return;
            }

            var smoothing = Smoothing(runs);
            var page = PlotlyHtml.Page(
                [
                    DepthComparisonChart.Loss(runs, smoothing,
                        smoothing == 1
                            ? "Training loss per step: plain (dashed) versus residual (solid)"
                            : string.Create(CultureInfo.InvariantCulture, $"Training loss per step (moving average of {smoothing} steps): plain (dashed) versus residual (solid)")),
                    DepthComparisonChart.Error(runs),
                ],
                $"Plain versus residual networks on Fashion-MNIST ({plan.Options.Epochs} epochs)");
            AtomicFile.WriteAllText(Path.Combine(comparison.FolderPath, CompareFolder.ChartFileName), page);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or NotSupportedException)
        {
            throw new CommandFailedException($"{e.Message.TrimEnd('.')}; fix or move away the damaged file, then continue with --resume.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RunMessages.WriteFailed(e);
        }
    }

    /// <summary>The loss chart's moving average: 1% of the longest run's steps (at least 1), e.g. 8 steps for 10 epochs
    /// of the subset at batch 128.</summary>
    internal static int Smoothing(IReadOnlyList<RunCurves> runs) => Math.Max(1, (int)Math.Round(runs.Max(r => r.Steps.Count) / 100.0));
}
