using System.Text.Json;
using ResNetNotebooks.Models;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Training;

/// <summary>
/// The one owner of a comparison's output folder (<c>resnet-cli compare</c>; He et al. 2016, Fig. 6): it holds the
/// folder's lock, decides whether the comparison starts afresh, continues its plan (<c>compare.json</c>) or replaces
/// an earlier one, and, once <see cref="Prepare"/>d, holds every run folder (<see cref="RunFolder"/>) checked against
/// its checkpoint. Disposing it releases every lock.
/// </summary>
/// <example>
/// <code>
/// using var comparison = Comparison.Open("runs/compare", "notebook 05");
/// var plan = comparison.Start(RunStart.Resume);           // the stored plan (RunStart.New returns null: give yours)
/// using var data = TrainTestData.Load(plan.Options.Data);
/// foreach (var run in comparison.Prepare(plan, data).Where(r =&gt; !r.Finished))
/// {
///     using var trainer = run.CreateTrainer();
///     trainer.Fit();
///     run.Finish(trainer);
///     comparison.WriteSummary();
/// }
/// </code>
/// </example>
public sealed class Comparison : IDisposable
{
    /// <summary>The plan's file name in the output folder.</summary>
    public const string PlanFileName = "compare.json";

    private readonly RunFolder _folder;
    private readonly string _holder;
    private readonly List<RunFolder> _runFolders = [];
    private bool _replace;
    private ComparePlan? _plan;

    private Comparison(RunFolder folder, string holder)
    {
        _folder = folder;
        _holder = holder;
    }

    /// <summary>Creates the folder if needed, checks that it can be written and takes its lock (without waiting).</summary>
    /// <param name="folder">The output folder.</param>
    /// <param name="holder">Who holds it, for the message another run gets, e.g. the command line.</param>
    /// <exception cref="RunFolderLockedException">Another run holds the folder.</exception>
    /// <exception cref="IOException">The folder cannot be created or written; nothing is left behind.</exception>
    public static Comparison Open(string folder, string holder) => new(RunFolder.Open(folder, holder, "The output folder"), holder);

    /// <summary>The output folder's full path.</summary>
    public string FolderPath => _folder.FolderPath;

    /// <summary>The plan's path (<see cref="PlanFileName"/>).</summary>
    public string PlanPath => Path.Combine(FolderPath, PlanFileName);

    /// <summary>Decides how the comparison starts. <see cref="RunStart.Resume"/> returns the stored plan (checked as a
    /// file a user can edit); <see cref="RunStart.New"/> refuses a folder that holds a comparison;
    /// <see cref="RunStart.Overwrite"/> marks an earlier comparison for removal by <see cref="Prepare"/> (not before
    /// the new one is known to run).</summary>
    /// <returns>The stored plan when resuming, else null.</returns>
    /// <exception cref="RunFolderException">Nothing to resume, a comparison in the way, an unreadable or invalid plan,
    /// or a special file where the plan belongs.</exception>
    public ComparePlan? Start(RunStart start)
    {
        if (start == RunStart.Resume)
        {
            if (!File.Exists(PlanPath))
            {
                throw new RunFolderException(RunFolderProblem.NothingToResume, PlanPath,
                    $"there is no comparison to continue in {FolderPath} (looked for {PlanFileName})");
            }

            return ReadPlan(PlanPath);
        }

        var planExists = File.Exists(PlanPath);
        var withResults = RunFolderPaths().Count(RunFolder.HoldsResults);
        if (planExists || withResults > 0)
        {
            if (start == RunStart.New)
            {
                throw new RunFolderException(RunFolderProblem.ComparisonInTheWay, PlanPath,
                    $"{FolderPath} already holds a comparison ({(planExists ? PlanFileName + ", " : "")}{withResults} run folder(s) with results)");
            }

            _replace = true;
        }

        return null;
    }

    /// <summary>
    /// Gets every run of <paramref name="plan"/> ready, in training order. What can refuse the comparison comes first,
    /// while nothing has changed: every run's settings against <paramref name="data"/>. Then every run folder is locked
    /// for the whole comparison (so a <c>train</c> into one of them is refused and the summary holds only this
    /// comparison's runs), an earlier comparison is removed (<see cref="RunStart.Overwrite"/>), the plan is written,
    /// and every run folder is made to agree with its checkpoint before any training, so that a damaged file is
    /// handled the same way whichever run it is in.
    /// </summary>
    /// <exception cref="TrainingOptionException">A run's settings do not fit the data.</exception>
    /// <exception cref="RunFolderLockedException">Another run holds a run folder.</exception>
    /// <exception cref="RunFolderException">The earlier comparison cannot be removed (<see cref="RunFolderProblem.CannotRemove"/>).</exception>
    /// <exception cref="ComparisonRunException">A run folder's files cannot be used; it names the run.</exception>
    /// <exception cref="IOException">A folder or the plan cannot be written.</exception>
    public IReadOnlyList<PreparedRun> Prepare(ComparePlan plan, TrainTestData data)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(data);
        if (_plan is not null)
        {
            throw new InvalidOperationException("The comparison is prepared already.");
        }

        var runs = plan.Runs().ToList();
        foreach (var run in runs)
        {
            Trainer.CheckFits(run.Options, data.Train.Count, data.Test.Count);
        }

        // The runs' folders first, in the runs' order (a plan names each run once), then an earlier comparison's others.
        var paths = runs.Select(r => Path.GetFullPath(Path.Combine(FolderPath, r.FolderName))).ToList();
        var earlier = _replace ? RunFolderPaths().Select(Path.GetFullPath).Except(paths, StringComparer.Ordinal) : [];
        foreach (var path in paths.Concat(earlier))
        {
            _runFolders.Add(RunFolder.Open(path, _holder, "The run folder"));
        }

        if (_replace)
        {
            RemoveEarlier();
        }

        AtomicFile.WriteAllText(PlanPath, JsonSerializer.Serialize(plan, CompareFolder.Json) + "\n");
        _plan = plan;
        return runs.Select((run, i) => Reconcile(run, _runFolders[i], data)).ToList();
    }

    /// <summary>Writes <c>summary.csv</c> (<see cref="CompareFolder.WriteSummary"/>) from the plan's runs that have
    /// finished an epoch, and returns their curves in training order (for a chart); none before the first epoch.</summary>
    /// <exception cref="InvalidDataException">A run's metrics or steps file is damaged; the message names it.</exception>
    /// <exception cref="IOException">The summary cannot be written.</exception>
    public IReadOnlyList<RunCurves> WriteSummary()
    {
        var plan = _plan ?? throw new InvalidOperationException("Prepare the comparison first.");
        var runs = plan.Runs()
            .Select(r => CompareFolder.ReadRun(Path.Combine(FolderPath, r.FolderName)))
            .OfType<RunCurves>().Where(c => c.Epochs.Count > 0)
            .ToList();
        if (runs.Count > 0)
        {
            CompareFolder.WriteSummary(FolderPath, runs);
        }

        return runs;
    }

    /// <summary>Reads and checks a plan file (a user can edit it); every message names the file.</summary>
    /// <exception cref="RunFolderException">A special file, or not a valid plan (<see cref="RunFolderProblem.BadPlan"/>).</exception>
    public static ComparePlan ReadPlan(string path)
    {
        RunFolder.RefuseSpecialFile(path);
        ComparePlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<ComparePlan>(File.ReadAllText(path), CompareFolder.Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            throw new RunFolderException(RunFolderProblem.BadPlan, path, $"{path} cannot be read as a comparison plan ({e.Message.TrimEnd('.')})", inner: e);
        }

        if (plan is null)
        {
            throw new RunFolderException(RunFolderProblem.BadPlan, path, $"{path} is not a comparison plan (it is empty)");
        }

        if (plan.FindProblem() is { } problem)
        {
            throw new RunFolderException(RunFolderProblem.BadPlan, path, $"{path} is not a valid comparison plan: {problem.TrimEnd('.')}");
        }

        return plan;
    }

    /// <summary>Releases every run folder's lock (removing those left empty), then the output folder's.</summary>
    public void Dispose()
    {
        foreach (var folder in _runFolders)
        {
            folder.Dispose();
        }

        _folder.Dispose();
    }

    /// <summary>The output folder's sub-folders named like a run's (<see cref="CompareFolder.IsRunFolderName"/>).</summary>
    private string[] RunFolderPaths() =>
        Directory.GetDirectories(FolderPath).Where(f => CompareFolder.IsRunFolderName(Path.GetFileName(f))).ToArray();

    /// <summary>Removes what the earlier comparison wrote (never other files): the plan, summary and chart, and in every
    /// run folder what its run wrote (the folder too when that leaves it empty).</summary>
    private void RemoveEarlier()
    {
        try
        {
            foreach (var name in new[] { PlanFileName, CompareFolder.SummaryFileName, CompareFolder.ChartFileName })
            {
                File.Delete(Path.Combine(FolderPath, name));
            }

            foreach (var folder in _runFolders)
            {
                folder.Clear(CompareFolder.RunFileName);
                folder.RemoveWhenEmpty = true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderException(RunFolderProblem.CannotRemove, FolderPath,
                $"the earlier comparison in {FolderPath} cannot be removed ({e.Message.TrimEnd('.')})", inner: e);
        }
    }

    /// <summary>Checks a run folder against the plan (<c>run.json</c> tells a plain network from a ResNet of the same
    /// parameters) and makes its files agree with its checkpoint (<see cref="RunFolder.Reconcile"/>).</summary>
    private static PreparedRun Reconcile(CompareRun run, RunFolder folder, TrainTestData data)
    {
        var config = run.Config;
        try
        {
            if (File.Exists(folder.CheckpointPath))
            {
                CompareFolder.CheckRunFile(folder.FolderPath, config.Name, run.Seed);
            }

            var resume = folder.Reconcile(run.Options);
            if (resume is null)
            {
                CompareFolder.WriteRunFile(folder.FolderPath, config.Name, config.Shortcut == ShortcutOption.None, run.Depth, run.Seed, run.Options);
            }

            return new PreparedRun(run, folder, resume, data);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ComparisonRunException(run, folder.FolderPath, e);
        }
    }
}

/// <summary>One run of a prepared <see cref="Comparison"/>: its locked folder, checked against its checkpoint.</summary>
public sealed class PreparedRun
{
    private readonly TrainTestData _data;

    internal PreparedRun(CompareRun run, RunFolder folder, CheckpointInfo? resume, TrainTestData data)
    {
        Run = run;
        Folder = folder;
        Resume = resume;
        _data = data;
    }

    /// <summary>The run: network, depth, seed and settings.</summary>
    public CompareRun Run { get; }

    /// <summary>The run's folder (locked until the comparison is disposed).</summary>
    public RunFolder Folder { get; }

    /// <summary>The checkpoint the run continues, or null when it starts afresh.</summary>
    public CheckpointInfo? Resume { get; }

    /// <summary>Whether the run finished every epoch earlier (nothing to train).</summary>
    public bool Finished => Resume is { } resume && resume.CompletedEpochs >= Run.Options.Epochs;

    /// <summary>Whether preparing found <c>metrics.csv</c> damaged and rewrote it from the checkpoint.</summary>
    public bool MetricsRepaired => Folder.MetricsRepaired;

    /// <summary>A trainer of the run's network that writes into its folder (<see cref="RunFolder.Attach"/>, per-step
    /// losses included), resumed from <see cref="Resume"/> when there is one; steps recorded after the checkpoint (by a
    /// run that was killed) are trained again.</summary>
    /// <exception cref="ArgumentException">The settings do not fit the data.</exception>
    /// <exception cref="CheckpointException">The checkpoint cannot be loaded.</exception>
    /// <exception cref="IOException">A file cannot be read or written.</exception>
    public Trainer CreateTrainer()
    {
        var config = Run.Config;
        var trainer = new Trainer(Run.Options, () => new ResNet(config), _data.Train, _data.Test);
        try
        {
            Folder.Attach(trainer, Resume, recordSteps: config);
            return trainer;
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
    }

    /// <summary>Writes the run's files once more after <see cref="Trainer.Fit"/> returned (<see cref="RunFolder.Finish"/>).</summary>
    public void Finish(Trainer trainer) => Folder.Finish(trainer);
}

/// <summary>A run of a comparison cannot use its folder: <see cref="Run"/> says which, the inner exception what was
/// found (often a <see cref="RunFolderException"/> or <see cref="CheckpointException"/>).</summary>
public sealed class ComparisonRunException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="run">The run.</param>
    /// <param name="folderPath">The run's folder.</param>
    /// <param name="inner">What was found.</param>
    public ComparisonRunException(CompareRun run, string folderPath, Exception inner) : base($"{run.FolderName}: {inner.Message}", inner)
    {
        Run = run;
        FolderPath = folderPath;
    }

    /// <summary>The run.</summary>
    public CompareRun Run { get; }

    /// <summary>The run's folder.</summary>
    public string FolderPath { get; }
}
