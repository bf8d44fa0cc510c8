using ResNetNotebooks.Models;

namespace ResNetNotebooks.Training;

/// <summary>
/// Records a training run's curves as it trains, for the plain-versus-residual charts: one <see cref="StepRow"/> per
/// batch (its own loss and accuracy) and the trainer's per-epoch metrics.
/// </summary>
/// <example>
/// <code>
/// var config = ResNetConfig.CifarPlain(20);
/// using var trainer = new Trainer(options, () =&gt; new ResNet(config), train, test);
/// var recorder = RunRecorder.Follow(trainer, config);
/// trainer.Fit();
/// DepthComparisonChart.Loss([recorder.Curves], smoothing: 10)
/// </code>
/// </example>
public sealed class RunRecorder
{
    private readonly Trainer _trainer;
    private readonly List<StepRow> _steps;

    private RunRecorder(Trainer trainer, ResNetConfig config, IEnumerable<StepRow> earlierSteps)
    {
        _trainer = trainer;
        _steps = [.. earlierSteps];
        Name = config.Name;
        Plain = config.Shortcut == ShortcutOption.None;
        Depth = config.Depth;
    }

    /// <summary>The network's name, e.g. "plain-20".</summary>
    public string Name { get; }

    /// <summary>Whether the network has no shortcuts.</summary>
    public bool Plain { get; }

    /// <summary>The network's depth.</summary>
    public int Depth { get; }

    /// <summary>The steps recorded so far (the earlier ones given to <see cref="Follow"/> included).</summary>
    public IReadOnlyList<StepRow> Steps => _steps;

    /// <summary>A snapshot of the run's curves so far: the steps, and the trainer's history as metrics rows.</summary>
    public RunCurves Curves => new(Name, Plain, Depth, _trainer.Options.Seed, [.. _steps],
        _trainer.History.Select(m => new MetricsRow(m.Epoch, m.TrainLoss, m.TrainAccuracy, m.TestAccuracy, m.ExamplesPerSecond)).ToList());

    /// <summary>Follows <paramref name="trainer"/>, which trains the network <paramref name="config"/> describes: from
    /// now on every batch adds a step.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="config">The network's configuration (its name, depth and whether it is plain).</param>
    /// <param name="earlierSteps">The steps of the run before now (after a resume: exactly the trainer's
    /// <see cref="Trainer.Steps"/> of them), or none.</param>
    /// <exception cref="ArgumentException"><paramref name="earlierSteps"/> does not hold the trainer's steps so far.</exception>
    public static RunRecorder Follow(Trainer trainer, ResNetConfig config, IEnumerable<StepRow>? earlierSteps = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(config);
        var recorder = new RunRecorder(trainer, config, earlierSteps ?? []);
        if (recorder._steps.Count != trainer.Steps)
        {
            throw new ArgumentException(
                $"RunRecorder.Follow got {recorder._steps.Count} earlier steps but the trainer has taken {trainer.Steps}; pass exactly the steps before its checkpoint (or none for a new trainer).",
                nameof(earlierSteps));
        }

        trainer.BatchEnded += (_, p) => recorder._steps.Add(new StepRow(trainer.Steps, p.Epoch, p.BatchLoss, p.BatchAccuracy));
        return recorder;
    }
}
