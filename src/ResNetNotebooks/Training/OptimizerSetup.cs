using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim.lr_scheduler;

namespace ResNetNotebooks.Training;

/// <summary>
/// The optimizer and the learning-rate schedule of a run, decided in one place: the trainer builds them here, and
/// the learning-rate chart reads the schedule here.
/// </summary>
/// <remarks>
/// SGD with the options' learning rate, momentum (Nesterov or not) and weight decay. The one-cycle schedule is
/// PyTorch's <c>OneCycleLR</c> with its defaults (Smith &amp; Topin 2019): over <c>T = epochs · batches per epoch</c>
/// steps, a cosine warm-up from peak / 25 to the peak until step <c>0.3·T − 1</c>, then a cosine decay to
/// peak / (25 · 10⁴) at step <c>T − 1</c>; the scheduler is stepped after every batch.
/// </remarks>
public static class OptimizerSetup
{
    /// <summary>OneCycleLR's <c>div_factor</c>: the schedule starts at peak / 25.</summary>
    public const double OneCycleDivFactor = 25;

    /// <summary>OneCycleLR's <c>final_div_factor</c>: it ends at start / 10⁴.</summary>
    public const double OneCycleFinalDivFactor = 1e4;

    /// <summary>OneCycleLR's <c>pct_start</c>: the share of the steps spent warming up.</summary>
    public const double OneCyclePctStart = 0.3;

    /// <summary>The optimizer for <paramref name="parameters"/> and, for the one-cycle schedule, its scheduler.</summary>
    /// <param name="options">The run's settings (validated by the caller).</param>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="batchesPerEpoch">Training batches per epoch: the one-cycle schedule spans epochs × this many steps.</param>
    /// <returns>The optimizer (the caller disposes it) and the scheduler, or null for a constant rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchesPerEpoch"/> is not positive.</exception>
    public static (SGD Optimizer, LRScheduler? Scheduler) Create(TrainingOptions options, IEnumerable<Parameter> parameters, int batchesPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchesPerEpoch);
        var optimizer = optim.SGD(parameters, options.LearningRate, momentum: options.Momentum,
            weight_decay: options.WeightDecay, nesterov: options.Nesterov);
        LRScheduler? scheduler = options.Schedule switch
        {
            LearningRateSchedule.Constant => null,
            // Momentum cycles around options.Momentum (0.85..0.95 for 0.9, PyTorch's default range) or stays at it.
            LearningRateSchedule.OneCycle => OneCycleLR(optimizer, options.LearningRate, total_steps: options.Epochs * batchesPerEpoch,
                pct_start: OneCyclePctStart, div_factor: OneCycleDivFactor, final_div_factor: OneCycleFinalDivFactor,
                cycle_momentum: options.CycleMomentum, base_momentum: options.Momentum - TrainingOptions.MomentumCycleHalfWidth,
                max_momentum: options.Momentum + TrainingOptions.MomentumCycleHalfWidth),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Schedule, "Unknown schedule; use Constant or OneCycle."),
        };
        return (optimizer, scheduler);
    }

    /// <summary>
    /// The learning rate of every batch of a run with <paramref name="options"/> and <paramref name="batchesPerEpoch"/>
    /// batches per epoch, by the schedule's formula (no optimizer is built).
    /// </summary>
    /// <param name="options">The run's settings.</param>
    /// <param name="batchesPerEpoch">Training batches per epoch.</param>
    /// <returns>One rate per batch: epochs × batches per epoch values.</returns>
    /// <exception cref="ArgumentException">The options are invalid, or <paramref name="batchesPerEpoch"/> is not positive.</exception>
    public static IReadOnlyList<double> LearningRates(TrainingOptions options, int batchesPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchesPerEpoch);
        options.Validate();
        var steps = options.Epochs * batchesPerEpoch;
        return options.Schedule == LearningRateSchedule.Constant
            ? Enumerable.Repeat(options.LearningRate, steps).ToArray()
            : Enumerable.Range(0, steps).Select(step => OneCycleRate(options.LearningRate, step, steps)).ToArray();
    }

    /// <summary>PyTorch's two-phase cosine one-cycle rate at <paramref name="step"/> (0-based) of <paramref name="steps"/>.</summary>
    private static double OneCycleRate(double peak, int step, int steps)
    {
        var start = peak / OneCycleDivFactor;
        var end = start / OneCycleFinalDivFactor;
        var warmUpEnd = (OneCyclePctStart * steps) - 1;
        return step <= warmUpEnd
            ? Cosine(start, peak, step / warmUpEnd)
            : Cosine(peak, end, (step - warmUpEnd) / (steps - 1 - warmUpEnd));
    }

    private static double Cosine(double from, double to, double fraction) => to + ((from - to) / 2 * (Math.Cos(Math.PI * fraction) + 1));
}
