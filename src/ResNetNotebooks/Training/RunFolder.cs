using ResNetNotebooks.Models;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Training;

/// <summary>How a run starts in its folder.</summary>
public enum RunStart
{
    /// <summary>A new run: a checkpoint already in the folder is refused.</summary>
    New,

    /// <summary>Continue the folder's checkpoint, which must exist.</summary>
    Resume,

    /// <summary>A new run that replaces what an earlier run wrote: those files are removed once the new run is
    /// attached (<see cref="RunFolder.Attach"/>), that is, once its settings were found to fit.</summary>
    Overwrite,
}

/// <summary>
/// The one owner of a run folder (<c>train</c>, each run of <c>compare</c>, a notebook's run): it holds the folder's
/// lock, decides whether the run starts afresh or resumes, makes <c>metrics.csv</c> and <c>steps.csv</c> agree with the
/// checkpoint, and writes them as the trainer goes (the metrics after every epoch, the steps just before every
/// checkpoint, so that <c>steps.csv</c> never lacks a checkpointed step). Disposing it releases the lock and removes
/// the folder when it made it and it is still empty.
/// </summary>
/// <example>
/// <code>
/// using var folder = RunFolder.Open("runs/quick", "notebook 04");
/// var resume = folder.Start(RunStart.New);               // null; RunStart.Resume returns the checkpoint to continue
/// using var trainer = new Trainer(resume?.Options ?? options, () =&gt; ResNet.ResNet18(), data.Train, data.Test);
/// folder.Attach(trainer, resume);
/// trainer.Fit();
/// folder.Finish(trainer);
/// </code>
/// </example>
public sealed class RunFolder : IDisposable
{
    private readonly RunFolderLock _lock;
    private readonly string? _created;
    private RunRecorder? _recorder;
    private bool _replace;

    private RunFolder(RunFolderLock folderLock, string? created)
    {
        _lock = folderLock;
        _created = created;
    }

    /// <summary>The folder's full path.</summary>
    public string FolderPath => _lock.Folder;

    /// <summary>The checkpoint's path (<see cref="Checkpoint.FileName"/>).</summary>
    public string CheckpointPath => Checkpoint.PathIn(FolderPath);

    /// <summary>The per-epoch metrics' path (<see cref="MetricsFile.FileName"/>).</summary>
    public string MetricsPath => Path.Combine(FolderPath, MetricsFile.FileName);

    /// <summary>The per-step losses' path (<see cref="StepsFile.FileName"/>).</summary>
    public string StepsPath => Path.Combine(FolderPath, StepsFile.FileName);

    /// <summary>Remove the folder on <see cref="Dispose"/> when it is empty, even if it existed before (set by a caller
    /// that cleared it).</summary>
    public bool RemoveWhenEmpty { get; set; }

    /// <summary>Creates the folder if needed, checks that it can be written and takes its lock (without waiting).</summary>
    /// <param name="folder">The run folder.</param>
    /// <param name="holder">Who holds it, for the message another run gets, e.g. the command line.</param>
    /// <param name="what">What the folder is, for the message when it cannot be written, e.g. "The output folder".</param>
    /// <exception cref="RunFolderLockedException">Another run holds the folder.</exception>
    /// <exception cref="IOException">The folder cannot be created or written; nothing is left behind.</exception>
    public static RunFolder Open(string folder, string holder, string what = "The run folder")
    {
        ArgumentNullException.ThrowIfNull(folder);
        var created = string.IsNullOrWhiteSpace(folder) ? null : OutputFolder.FirstMissing(folder);
        try
        {
            var full = WritableFolder.Ensure(folder, what);
            return new RunFolder(RunFolderLock.Acquire(full, holder), created);
        }
        catch
        {
            OutputFolder.RemoveIfEmpty(folder, created);
            throw;
        }
    }

    /// <summary>Decides how the run starts (see <see cref="RunStart"/>) and returns the checkpoint to resume, or null
    /// for a run that starts afresh.</summary>
    /// <exception cref="RunFolderException">A special file where the checkpoint belongs, nothing to resume, or (for
    /// <see cref="RunStart.New"/>) a checkpoint in the way.</exception>
    /// <exception cref="CheckpointException">The checkpoint cannot be read.</exception>
    public CheckpointInfo? Start(RunStart start)
    {
        RefuseSpecialFile(CheckpointPath);
        var exists = File.Exists(CheckpointPath);
        switch (start)
        {
            case RunStart.Resume when !exists:
                throw new RunFolderException(RunFolderProblem.NothingToResume, CheckpointPath,
                    $"there is no checkpoint to continue in {FolderPath} (looked for {Checkpoint.FileName})");
            case RunStart.Resume:
                return Checkpoint.ReadInfo(CheckpointPath);
            case RunStart.Overwrite:
                _replace = true;
                return null;
            case RunStart.New when exists:
                var existing = Checkpoint.ReadInfo(CheckpointPath);
                throw new RunFolderException(RunFolderProblem.CheckpointInTheWay, CheckpointPath,
                    $"{FolderPath} already holds a checkpoint (epoch {existing.CompletedEpochs} of {existing.Options.Epochs}, profile {existing.Options.Profile})",
                    existing);
            default:
                return null;
        }
    }

    /// <summary>Whether the folder holds results of a run: a checkpoint or a metrics file.</summary>
    public static bool HoldsResults(string folder) =>
        File.Exists(Checkpoint.PathIn(folder)) || File.Exists(Path.Combine(folder, MetricsFile.FileName));

    /// <summary>
    /// Makes the folder's files agree with its checkpoint before a run of <paramref name="options"/> continues it:
    /// <c>metrics.csv</c> is rewritten from the checkpoint's history (<see cref="MetricsRepaired"/> says when it was
    /// damaged), <c>steps.csv</c> is cut to the checkpoint's steps. Without a checkpoint, both are removed and the run
    /// starts afresh.
    /// </summary>
    /// <returns>The checkpoint to resume, or null when the run starts afresh.</returns>
    /// <exception cref="RunFolderException">A special file in the way, a checkpoint of other settings, or fewer
    /// recorded steps than the checkpoint has (the per-step losses are lost).</exception>
    /// <exception cref="CheckpointException">The checkpoint cannot be read.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    public CheckpointInfo? Reconcile(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(CheckpointPath))
        {
            // Not started, or stopped before its first checkpoint: a steps file without a checkpoint holds steps that
            // no checkpoint has.
            File.Delete(StepsPath);
            File.Delete(MetricsPath);
            return null;
        }

        RefuseSpecialFile(MetricsPath);
        RefuseSpecialFile(StepsPath);
        var info = Checkpoint.ReadInfo(CheckpointPath);
        if (info.Options != options)
        {
            throw new RunFolderException(RunFolderProblem.OtherSettings, CheckpointPath,
                $"{CheckpointPath} was written with other settings ({string.Join("; ", info.Options.Differences(options, "checkpoint", "run"))})",
                info);
        }

        MetricsRepaired = File.Exists(MetricsPath) && !Readable(MetricsPath);
        var steps = StepsUpTo(info.OptimizerSteps);
        MetricsFile.Write(MetricsPath, info.History);
        StepsFile.Write(StepsPath, steps);
        return info;
    }

    /// <summary>Whether <see cref="Reconcile"/> found <c>metrics.csv</c> damaged and rewrote it.</summary>
    public bool MetricsRepaired { get; private set; }

    /// <summary>
    /// Lets this folder follow <paramref name="trainer"/>: the trainer writes its checkpoint here after every epoch,
    /// and the folder writes <c>metrics.csv</c> (and, with <paramref name="recordSteps"/>, <c>steps.csv</c> through a
    /// <see cref="RunRecorder"/>). With <paramref name="resume"/>, the checkpoint is loaded into the trainer first and
    /// the files are cut to it (steps written after it by a run that was killed are trained again); after
    /// <see cref="RunStart.Overwrite"/>, the earlier run's files are removed first.
    /// </summary>
    /// <param name="trainer">A new trainer, built with the run's options (the checkpoint's when resuming).</param>
    /// <param name="resume">The checkpoint to continue (from <see cref="Start"/> or <see cref="Reconcile"/>), or null.</param>
    /// <param name="recordSteps">The network's configuration to record per-step losses under, or null for none.</param>
    /// <exception cref="CheckpointException">The checkpoint cannot be loaded into the trainer.</exception>
    /// <exception cref="RunFolderException">Fewer recorded steps than the checkpoint has.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    public void Attach(Trainer trainer, CheckpointInfo? resume = null, ResNetConfig? recordSteps = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        IReadOnlyList<StepRow> earlierSteps = [];
        if (_replace && resume is null)
        {
            Clear();
            _replace = false;
        }

        if (resume is not null)
        {
            trainer.LoadCheckpoint(CheckpointPath);
            if (recordSteps is not null)
            {
                earlierSteps = StepsUpTo(trainer.Steps);
                StepsFile.Write(StepsPath, earlierSteps);
            }

            MetricsFile.Write(MetricsPath, trainer.History);
        }

        trainer.CheckpointPath = CheckpointPath;
        if (recordSteps is not null)
        {
            var recorder = _recorder = RunRecorder.Follow(trainer, recordSteps, earlierSteps);
            trainer.BatchEnded += (_, p) =>
            {
                if (p.Batch == p.BatchesPerEpoch)
                {
                    // Before the trainer writes the epoch's checkpoint: steps.csv never lacks a step the checkpoint has.
                    StepsFile.Write(StepsPath, recorder.Steps);
                }
            };
        }

        trainer.EpochEnded += (_, _) => MetricsFile.Write(MetricsPath, trainer.History);
    }

    /// <summary>Writes the files once more from the trainer, after <see cref="Trainer.Fit"/> returned (a resume with
    /// no epoch left still gets its last metrics row).</summary>
    public void Finish(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        MetricsFile.Write(MetricsPath, trainer.History);
        if (_recorder is not null)
        {
            StepsFile.Write(StepsPath, _recorder.Steps);
        }
    }

    /// <summary>Removes what a run wrote here (the checkpoint, metrics and steps, and <paramref name="others"/>), never
    /// other files.</summary>
    public void Clear(params string[] others)
    {
        foreach (var name in new[] { Checkpoint.FileName, MetricsFile.FileName, StepsFile.FileName }.Concat(others))
        {
            File.Delete(Path.Combine(FolderPath, name));
        }
    }

    /// <summary>Releases the lock; removes the folder when it is empty and this run made it (or
    /// <see cref="RemoveWhenEmpty"/>).</summary>
    public void Dispose()
    {
        _lock.Dispose();
        OutputFolder.RemoveIfEmpty(FolderPath, RemoveWhenEmpty ? FolderPath : _created);
    }

    /// <summary>Refuses a FIFO, a device or a socket at <paramref name="path"/>: reading a FIFO waits for a writer forever.</summary>
    /// <exception cref="RunFolderException">It is one.</exception>
    public static void RefuseSpecialFile(string path)
    {
        if (FileKind.NonRegular(path) is { } kind)
        {
            throw new RunFolderException(RunFolderProblem.SpecialFile, path, $"{path} is {kind}");
        }
    }

    /// <summary>The first <paramref name="count"/> steps of <c>steps.csv</c>: it must hold at least as many as the
    /// checkpoint (it is written before it).</summary>
    private IReadOnlyList<StepRow> StepsUpTo(int count)
    {
        IReadOnlyList<StepRow> steps;
        try
        {
            steps = File.Exists(StepsPath) ? StepsFile.Read(StepsPath) : [];
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new RunFolderException(RunFolderProblem.StepsLost, StepsPath, $"{e.Message.TrimEnd('.')}: the per-step losses of this run are lost", inner: e);
        }

        if (steps.Count < count)
        {
            throw new RunFolderException(RunFolderProblem.StepsLost, StepsPath,
                $"{StepsPath} holds {steps.Count:N0} steps but the checkpoint {CheckpointPath} has {count:N0}: the per-step losses of this run are lost");
        }

        return steps.Take(count).ToList();
    }

    private static bool Readable(string metricsPath)
    {
        try
        {
            MetricsFile.Read(metricsPath);
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            return false;
        }
    }
}

/// <summary>What is wrong with a run folder (see <see cref="RunFolderException"/>).</summary>
public enum RunFolderProblem
{
    /// <summary>A FIFO, device or socket where the run reads a file.</summary>
    SpecialFile,

    /// <summary>Asked to resume, but there is no checkpoint (or, for a comparison, no plan).</summary>
    NothingToResume,

    /// <summary>A new run, but the folder holds a checkpoint.</summary>
    CheckpointInTheWay,

    /// <summary>The checkpoint was written with other settings than the run's.</summary>
    OtherSettings,

    /// <summary><c>steps.csv</c> lacks steps the checkpoint has, or cannot be read.</summary>
    StepsLost,

    /// <summary>The description that tells which network the folder trains (<c>run.json</c>) is missing, unreadable
    /// or names another run.</summary>
    Undescribed,

    /// <summary>A new comparison, but the folder holds one (<see cref="Comparison"/>).</summary>
    ComparisonInTheWay,

    /// <summary>A comparison's plan (<c>compare.json</c>) cannot be read or is not valid.</summary>
    BadPlan,

    /// <summary>An earlier comparison to be replaced cannot be removed.</summary>
    CannotRemove,
}

/// <summary>A run folder cannot be used as asked. <see cref="Facts"/> says what was found; the message adds a fix for
/// library callers, and a program can build its own from <see cref="Problem"/>.</summary>
public sealed class RunFolderException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problem">What is wrong.</param>
    /// <param name="filePath">The file concerned.</param>
    /// <param name="facts">What was found, without a fix.</param>
    /// <param name="checkpoint">The checkpoint's description, when it was read.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public RunFolderException(RunFolderProblem problem, string filePath, string facts, CheckpointInfo? checkpoint = null, Exception? inner = null)
        : base($"{facts}; {Fix(problem)}.", inner)
    {
        Problem = problem;
        FilePath = filePath;
        Facts = facts;
        Checkpoint = checkpoint;
    }

    /// <summary>What is wrong.</summary>
    public RunFolderProblem Problem { get; }

    /// <summary>The file concerned.</summary>
    public string FilePath { get; }

    /// <summary>What was found, without a fix, e.g. "… holds 0 steps but the checkpoint … has 4: …".</summary>
    public string Facts { get; }

    /// <summary>The checkpoint's description, when it was read (e.g. the one in the way).</summary>
    public CheckpointInfo? Checkpoint { get; }

    private static string Fix(RunFolderProblem problem) => problem switch
    {
        RunFolderProblem.SpecialFile => "remove it, or use another folder",
        RunFolderProblem.NothingToResume => "start the run afresh (RunStart.New)",
        RunFolderProblem.CheckpointInTheWay or RunFolderProblem.ComparisonInTheWay =>
            "resume it (RunStart.Resume), replace it (RunStart.Overwrite), or use another folder",
        RunFolderProblem.BadPlan => "fix the file, or use another folder",
        RunFolderProblem.CannotRemove => "remove it by hand, or use another folder",
        _ => "move the folder away (that run is trained again), or use another folder",
    };
}
