using Plotly.NET;
using Chart = Plotly.NET.CSharp.Chart;
using Plotly.NET.CSharp;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Display;

/// <summary>
/// The three curves of d2l's <c>Animator</c> in <c>train_ch6</c>, against (fractional) epochs: training loss and
/// training accuracy, recorded a few times per epoch as running means of the epoch so far, and test accuracy after
/// each epoch.
/// </summary>
/// <example>
/// <code>
/// var curves = TrainingCurves.Record(trainer);      // follows the trainer's events
/// trainer.Fit();
/// GenericChart chart = curves.ToChart();
/// </code>
/// </example>
public sealed class TrainingCurves
{
    private readonly List<(double Epoch, double Value)> _trainLoss = [];
    private readonly List<(double Epoch, double Value)> _trainAccuracy = [];
    private readonly List<(double Epoch, double Value)> _testAccuracy = [];

    /// <summary>Empty curves for a run of <paramref name="epochs"/> epochs (the x axis spans 0..epochs).</summary>
    /// <param name="epochs">The run's epochs.</param>
    /// <param name="pointsPerEpoch">Training points per epoch (d2l: 5).</param>
    public TrainingCurves(int epochs, int pointsPerEpoch = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pointsPerEpoch);
        Epochs = epochs;
        PointsPerEpoch = pointsPerEpoch;
    }

    /// <summary>The run's epochs.</summary>
    public int Epochs { get; }

    /// <summary>Training points per epoch.</summary>
    public int PointsPerEpoch { get; }

    /// <summary>(epoch, mean training loss so far in that epoch) points.</summary>
    public IReadOnlyList<(double Epoch, double Value)> TrainLoss => _trainLoss;

    /// <summary>(epoch, training accuracy so far in that epoch) points.</summary>
    public IReadOnlyList<(double Epoch, double Value)> TrainAccuracy => _trainAccuracy;

    /// <summary>(epoch, test accuracy) points, one per epoch.</summary>
    public IReadOnlyList<(double Epoch, double Value)> TestAccuracy => _testAccuracy;

    /// <summary>
    /// Curves for <paramref name="trainer"/>'s run holding its epochs so far (after a resume), one point each; add
    /// to them as it trains, or use <see cref="Record(Trainer, int)"/>.
    /// </summary>
    public static TrainingCurves For(Trainer trainer, int pointsPerEpoch = 5)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var curves = new TrainingCurves(trainer.Options.Epochs, pointsPerEpoch);
        foreach (var m in trainer.History)
        {
            curves.Add(m);
        }

        return curves;
    }

    /// <summary>
    /// Curves that follow <paramref name="trainer"/>: its earlier epochs (after a resume) as one point each, then
    /// <see cref="PointsPerEpoch"/> points per epoch as it trains.
    /// </summary>
    public static TrainingCurves Record(Trainer trainer, int pointsPerEpoch = 5) => Record(trainer, [], pointsPerEpoch);

    /// <summary>
    /// As <see cref="Record(Trainer, int)"/> for a resumed run whose earlier training points were kept
    /// (<paramref name="earlierPoints"/>: (fractional epoch, loss, accuracy), as <see cref="TrainLoss"/> and
    /// <see cref="TrainAccuracy"/> held them): the earlier epochs get those points instead of one point each.
    /// </summary>
    public static TrainingCurves Record(Trainer trainer, IEnumerable<(double Epoch, double Loss, double Accuracy)> earlierPoints, int pointsPerEpoch = 5)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(earlierPoints);
        var curves = new TrainingCurves(trainer.Options.Epochs, pointsPerEpoch);
        var points = earlierPoints.Where(p => p.Epoch <= trainer.History.Count).OrderBy(p => p.Epoch).ToList();
        foreach (var m in trainer.History)
        {
            foreach (var (epoch, loss, accuracy) in points.Where(p => p.Epoch > m.Epoch - 1 && p.Epoch <= m.Epoch))
            {
                curves._trainLoss.Add((epoch, loss));
                curves._trainAccuracy.Add((epoch, accuracy));
            }

            curves.Add(m);
        }

        trainer.BatchEnded += (_, p) => curves.Add(p);
        trainer.EpochEnded += (_, m) => curves.Add(m);
        return curves;
    }

    /// <summary>Whether batch <paramref name="p"/> is one where d2l's Animator adds a training point: every
    /// ⌊batches / points⌋-th batch and the last.</summary>
    public bool IsPointBatch(BatchProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var every = Math.Max(1, p.BatchesPerEpoch / PointsPerEpoch);
        return p.Batch % every == 0 || p.Batch == p.BatchesPerEpoch;
    }

    /// <summary>Adds a training point if <paramref name="p"/> is a point batch (see <see cref="IsPointBatch"/>).</summary>
    /// <returns>Whether a point was added.</returns>
    public bool Add(BatchProgress p)
    {
        if (!IsPointBatch(p))
        {
            return false;
        }

        _trainLoss.Add((p.EpochFraction, p.TrainLoss));
        _trainAccuracy.Add((p.EpochFraction, p.TrainAccuracy));
        return true;
    }

    /// <summary>Adds the epoch's test accuracy, and its training figures if no batch of it was recorded (a restored
    /// epoch).</summary>
    public void Add(EpochMetrics m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (_trainLoss.Count == 0 || _trainLoss[^1].Epoch < m.Epoch)
        {
            _trainLoss.Add((m.Epoch, m.TrainLoss));
            _trainAccuracy.Add((m.Epoch, m.TrainAccuracy));
        }

        _testAccuracy.Add((m.Epoch, m.TestAccuracy));
    }

    /// <summary>The curves as a line chart: x from 0 to <see cref="Epochs"/>, the legend of d2l's Animator.</summary>
    /// <param name="title">The chart's title.</param>
    public GenericChart ToChart(string title = "Training curves: loss and accuracy")
    {
        ChartStyle.RequireTitle(title, "TrainingCurves.ToChart");
        static GenericChart Line(IReadOnlyList<(double Epoch, double Value)> points, string name, StyleParam.DrawingStyle dash) =>
            Chart.Line<double, double, string>(points.Select(p => p.Epoch), points.Select(p => p.Value), Name: name, ShowMarkers: true,
                LineDash: dash);

        return ChartStyle.Title(Chart.Combine(
            [
                Line(_trainLoss, "train loss", StyleParam.DrawingStyle.Solid),
                Line(_trainAccuracy, "train acc", StyleParam.DrawingStyle.Dash),
                Line(_testAccuracy, "test acc", StyleParam.DrawingStyle.Dot),
            ]), title)
            .WithXAxisStyle<double, double, string>(TitleText: "epoch", MinMax: new Tuple<double, double>(0, Epochs))
            .WithYAxisStyle<double, double, string>(TitleText: "loss / accuracy")
            .WithSize(Width: 640, Height: 400);
    }
}
