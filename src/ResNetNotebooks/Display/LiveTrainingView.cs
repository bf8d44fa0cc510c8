using System.Diagnostics;
using Plotly.NET;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Display;

/// <summary>
/// Keeps a chart of the training curves and a progress bar up to date while a <see cref="Trainer"/> runs, through
/// two callbacks, e.g. the <c>Update</c> of two displayed values in a notebook. Throttled, so that a headless run's
/// output stays small: the chart is redrawn when a training point is added (d2l's Animator: 5 per epoch) and after
/// each epoch's test accuracy, the progress bar at most once per <c>progressInterval</c> and after each epoch.
/// Both are shown once when the view is created, chart first: display the chart before the progress bar.
/// </summary>
/// <example>
/// <code>
/// var chart = display(TrainingCurves.Record(trainer).ToChart());   // created first
/// var bar = display(new TrainingProgressView(options.Epochs));      // created second
/// using (new LiveTrainingView(trainer, c => chart.Update(c), p => bar.Update(p)))
/// {
///     trainer.Fit();
/// }
/// </code>
/// </example>
public sealed class LiveTrainingView : IDisposable
{
    private readonly Trainer _trainer;
    private readonly Action<GenericChart> _showChart;
    private readonly Action<TrainingProgressView> _showProgress;
    private readonly TimeSpan _progressInterval;
    private readonly Stopwatch _sinceProgress = new();
    private BatchProgress? _last;
    private EpochMetrics? _lastEpoch;

    /// <summary>Follows <paramref name="trainer"/> until disposed.</summary>
    /// <param name="trainer">The trainer to follow.</param>
    /// <param name="showChart">Shows a new chart of the curves.</param>
    /// <param name="showProgress">Shows a new progress bar.</param>
    /// <param name="progressInterval">Least time between progress updates (default 1 s).</param>
    /// <param name="pointsPerEpoch">Training points per epoch (default 5, as d2l).</param>
    public LiveTrainingView(Trainer trainer, Action<GenericChart> showChart, Action<TrainingProgressView> showProgress,
        TimeSpan? progressInterval = null, int pointsPerEpoch = 5)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(showChart);
        ArgumentNullException.ThrowIfNull(showProgress);
        _trainer = trainer;
        _showChart = showChart;
        _showProgress = showProgress;
        _progressInterval = progressInterval ?? TimeSpan.FromSeconds(1);
        _lastEpoch = trainer.History.LastOrDefault();
        Curves = TrainingCurves.For(trainer, pointsPerEpoch);

        trainer.BatchEnded += OnBatch;
        trainer.EpochEnded += OnEpoch;

        // Update the chart first, then the progress bar, as they were displayed: a headless runner may bind updates
        // to a cell's displays in the order in which they first arrive.
        ShowChart();
        ShowProgress();
    }

    /// <summary>The curves recorded so far.</summary>
    public TrainingCurves Curves { get; }

    /// <summary>How many times the chart was redrawn.</summary>
    public int ChartUpdates { get; private set; }

    /// <summary>How many times the progress bar was redrawn.</summary>
    public int ProgressUpdates { get; private set; }

    /// <summary>The progress bar as it is now.</summary>
    public TrainingProgressView Progress => new(_trainer.Options.Epochs, _last, _lastEpoch, _trainer.CompletedEpochs == _trainer.Options.Epochs);

    /// <summary>Stops following the trainer and shows the final chart and progress bar.</summary>
    public void Dispose()
    {
        _trainer.BatchEnded -= OnBatch;
        _trainer.EpochEnded -= OnEpoch;
        ShowChart();
        ShowProgress();
    }

    private void OnBatch(object? sender, BatchProgress p)
    {
        _last = p;
        // The epoch's last point is drawn together with its test accuracy (OnEpoch), not twice.
        if (Curves.Add(p) && p.Batch < p.BatchesPerEpoch)
        {
            ShowChart();
        }

        if (!_sinceProgress.IsRunning || _sinceProgress.Elapsed >= _progressInterval)
        {
            ShowProgress();
        }
    }

    private void OnEpoch(object? sender, EpochMetrics m)
    {
        _lastEpoch = m;
        Curves.Add(m);
        ShowChart();
        ShowProgress();
    }

    private void ShowChart()
    {
        _showChart(Curves.ToChart());
        ChartUpdates++;
    }

    private void ShowProgress()
    {
        _showProgress(Progress);
        ProgressUpdates++;
        _sinceProgress.Restart();
    }
}
