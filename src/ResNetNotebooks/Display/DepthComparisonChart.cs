using System.Globalization;
using Plotly.NET;
using Plotly.NET.CSharp;
using ResNetNotebooks.Training;
using Chart = Plotly.NET.CSharp.Chart;

namespace ResNetNotebooks.Display;

/// <summary>
/// Plain versus residual networks of several depths, in the style of He et al. (2016), Fig. 1 and Fig. 6: the training
/// loss per step (<see cref="Loss"/>), and training and test error per epoch (<see cref="Error"/>). Plain networks are
/// dashed, residual ones solid, and each depth has one colour, so that plain-56 and ResNet-56 share a colour.
/// </summary>
/// <remarks>
/// <para><b>Several seeds.</b> Runs of the same network (same <see cref="RunCurves.Name"/>) with different seeds are
/// drawn as one curve, their mean: the per-step loss is averaged step by step, the accuracies epoch by epoch, over the
/// steps and epochs that every seed has reached (a seed that is still training shortens the curve, it never makes it
/// jump). The legend says how many seeds a curve averages.</para>
/// <para><b>Smoothing.</b> A batch's loss is noisy; <c>smoothing: k</c> draws the trailing moving average of the last
/// k steps (fewer at the start), after the mean over seeds.</para>
/// </remarks>
/// <example>
/// <code>
/// var runs = CompareFolder.Read("runs/compare");
/// DepthComparisonChart.Loss(runs, smoothing: 10)
/// DepthComparisonChart.Error(runs)
/// </code>
/// </example>
public static class DepthComparisonChart
{
    /// <summary>Plotly's default colours, one per depth in increasing order of depth (repeated after ten).</summary>
    private static readonly string[] Palette =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>Training loss per step: one line per network (the mean over its seeds), plain dashed, residual solid,
    /// one colour per depth.</summary>
    /// <param name="runs">The runs, e.g. from <see cref="CompareFolder.Read"/>.</param>
    /// <param name="smoothing">Draw the moving average over this many steps (1: every step as it was).</param>
    /// <param name="title">The chart's title.</param>
    /// <param name="seedBand">Also draw, for every network with more than one seed, the band between the lowest and the
    /// highest of its seeds' (smoothed) curves at each step, in the network's colour.</param>
    /// <returns>A new chart.</returns>
    /// <exception cref="ArgumentException">No runs, smoothing below 1, or a blank title.</exception>
    public static GenericChart Loss(IReadOnlyList<RunCurves> runs, int smoothing = 1, string title = "Training loss per step: plain (dashed) versus residual (solid)",
        bool seedBand = false)
    {
        var networks = Networks(runs, nameof(Loss));
        ChartStyle.RequireTitle(title, "DepthComparisonChart.Loss");
        if (smoothing < 1)
        {
            throw new ArgumentException(
                $"DepthComparisonChart.Loss: smoothing = {smoothing} is not valid; give the number of steps to average, at least 1 (1: no smoothing, e.g. 10).",
                nameof(smoothing));
        }

        var colours = Colours(networks);
        var lines = networks.Select(n =>
            Line(n.Steps.Select(s => (double)s.Step), MovingAverage(n.Steps.Select(s => s.Loss).ToArray(), smoothing), n, colours, showLegend: true, markers: false));
        if (seedBand)
        {
            lines = networks.Where(n => n.Seeds > 1).Select(n => Band(runs, n, smoothing, colours)).Concat(lines);
        }

        var yTitle = smoothing == 1
            ? "training loss (each batch)"
            : string.Create(CultureInfo.InvariantCulture, $"training loss (mean of the last {smoothing} batches)");
        var chart = Chart.Combine(lines)
            .WithXAxisStyle<double, double, string>(TitleText: "step (iteration)")
            .WithYAxisStyle<double, double, string>(TitleText: yTitle)
            .WithSize(Width: 760, Height: 460);
        return ChartStyle.Title(chart, title);
    }

    /// <summary>Two panels against epochs: training error (left) and test error (right), in percent (100 × (1 −
    /// accuracy)); one line per network (the mean over its seeds), plain dashed, residual solid, one colour per depth.
    /// The legend entry of a network toggles it in both panels.</summary>
    /// <param name="runs">The runs, e.g. from <see cref="CompareFolder.Read"/>.</param>
    /// <param name="title">The chart's title.</param>
    /// <returns>A new chart.</returns>
    /// <exception cref="ArgumentException">No runs or a blank title.</exception>
    public static GenericChart Error(IReadOnlyList<RunCurves> runs, string title = "Error per epoch: plain (dashed) versus residual (solid)")
    {
        var networks = Networks(runs, nameof(Error));
        ChartStyle.RequireTitle(title, "DepthComparisonChart.Error");
        var colours = Colours(networks);
        GenericChart Panel(Func<MetricsRow, double> accuracy, string yTitle, bool legend) =>
            Chart.Combine(networks.Select(n =>
                    Line(n.Epochs.Select(e => (double)e.Epoch), n.Epochs.Select(e => 100 * (1 - accuracy(e))).ToArray(), n, colours, legend, markers: true)))
                .WithXAxisStyle<double, double, string>(TitleText: "epoch")
                .WithYAxisStyle<double, double, string>(TitleText: yTitle);

        var chart = Chart.Grid(
                [Panel(e => e.TrainAccuracy, "training error (%)", legend: true), Panel(e => e.TestAccuracy, "test error (%)", legend: false)],
                1, 2, SubPlotTitles: new[] { "training error", "test error" }, XGap: 0.2)
            .WithSize(Width: 1000, Height: 460);
        return ChartStyle.Title(chart, title);
    }

    /// <summary>One network's curves: the mean over its seeds.</summary>
    internal sealed record Network(string Name, bool Plain, int Depth, int Seeds, IReadOnlyList<StepRow> Steps, IReadOnlyList<MetricsRow> Epochs)
    {
        public string Label => Seeds == 1 ? Name : string.Create(CultureInfo.InvariantCulture, $"{Name} (mean of {Seeds} seeds)");
    }

    /// <summary>The runs grouped by network name, each the mean over its seeds (see the remarks on the class), ordered by
    /// depth, plain before residual.</summary>
    internal static IReadOnlyList<Network> MeanOverSeeds(IReadOnlyList<RunCurves> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return runs
            .GroupBy(r => r.Name, StringComparer.Ordinal)
            .Select(g =>
            {
                var seeds = g.ToList();
                var steps = seeds.Min(r => r.Steps.Count);
                var epochs = seeds.Min(r => r.Epochs.Count);
                var meanSteps = Enumerable.Range(0, steps)
                    .Select(i => new StepRow(i + 1, seeds[0].Steps[i].Epoch, seeds.Average(r => r.Steps[i].Loss), seeds.Average(r => r.Steps[i].Accuracy)))
                    .ToList();
                var meanEpochs = Enumerable.Range(0, epochs)
                    .Select(i => new MetricsRow(i + 1, seeds.Average(r => r.Epochs[i].TrainLoss), seeds.Average(r => r.Epochs[i].TrainAccuracy),
                        seeds.Average(r => r.Epochs[i].TestAccuracy), seeds.Average(r => r.Epochs[i].ExamplesPerSecond)))
                    .ToList();
                return new Network(g.Key, seeds[0].Plain, seeds[0].Depth, seeds.Select(r => r.Seed).Distinct().Count(), meanSteps, meanEpochs);
            })
            .OrderBy(n => n.Depth).ThenBy(n => n.Plain ? 0 : 1).ThenBy(n => n.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The trailing moving average over <paramref name="k"/> values: point i is the mean of values
    /// max(0, i − k + 1) … i (the smoothing the loss charts use).</summary>
    /// <param name="values">The values, e.g. the loss of every step.</param>
    /// <param name="k">How many values each point averages, at least 1.</param>
    /// <returns>A new array as long as <paramref name="values"/>.</returns>
    public static double[] MovingAverage(IReadOnlyList<double> values, int k)
    {
        var result = new double[values.Count];
        double sum = 0;
        for (var i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= k)
            {
                sum -= values[i - k];
            }

            result[i] = sum / Math.Min(i + 1, k);
        }

        return result;
    }

    private static IReadOnlyList<Network> Networks(IReadOnlyList<RunCurves> runs, string chart)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ArgumentException(
                $"DepthComparisonChart.{chart} got no runs; give at least one, e.g. CompareFolder.Read(\"runs/compare\") after 'resnet-cli compare --out runs/compare'.",
                nameof(runs));
        }

        return MeanOverSeeds(runs);
    }

    private static Dictionary<int, Color> Colours(IReadOnlyList<Network> networks) =>
        networks.Select(n => n.Depth).Distinct().Order().Select((depth, i) => (depth, i))
            .ToDictionary(x => x.depth, x => Color.fromHex(Palette[x.i % Palette.Length]));

    /// <summary>The band between the lowest and highest smoothed per-step loss of a network's seeds, over the steps every
    /// seed reached.</summary>
    private static GenericChart Band(IReadOnlyList<RunCurves> runs, Network network, int smoothing, Dictionary<int, Color> colours)
    {
        var seeds = runs.Where(r => r.Name == network.Name)
            .Select(r => MovingAverage(r.Steps.Take(network.Steps.Count).Select(s => s.Loss).ToArray(), smoothing))
            .ToList();
        var steps = Enumerable.Range(1, network.Steps.Count).Select(i => (double)i).ToList();
        var upper = steps.Select((_, i) => seeds.Max(s => s[i])).ToList();
        var lower = steps.Select((_, i) => seeds.Min(s => s[i])).ToList();
        var hex = Palette[colours.Keys.Order().ToList().IndexOf(network.Depth) % Palette.Length];
        var fill = Color.fromString(string.Create(CultureInfo.InvariantCulture,
            $"rgba({Convert.ToInt32(hex[1..3], 16)},{Convert.ToInt32(hex[3..5], 16)},{Convert.ToInt32(hex[5..7], 16)},0.18)"));
        var band = Chart.Line<double, double, string>(
            steps.Concat(Enumerable.Reverse(steps)), upper.Concat(Enumerable.Reverse(lower)),
            Name: string.Create(CultureInfo.InvariantCulture, $"{network.Name}: lowest to highest of {network.Seeds} seeds"),
            ShowMarkers: false, LineWidth: 0.0, LineColor: fill, Fill: StyleParam.Fill.ToSelf, FillColor: fill);
        return band;
    }

    private static GenericChart Line(IEnumerable<double> x, IReadOnlyList<double> y, Network network, Dictionary<int, Color> colours, bool showLegend, bool markers)
    {
        var line = Chart.Line<double, double, string>(
            x, y, Name: network.Label, ShowLegend: showLegend, ShowMarkers: markers, LineColor: colours[network.Depth],
            MarkerColor: colours[network.Depth], LineWidth: network.Plain ? 1.5 : 2.0,
            LineDash: network.Plain ? StyleParam.DrawingStyle.Dash : StyleParam.DrawingStyle.Solid);
        var group = Microsoft.FSharp.Core.FSharpFunc<Trace, Trace>.FromConverter(trace =>
        {
            trace.SetProperty("legendgroup", network.Name);
            return trace;
        });
        return GenericChart.mapTrace(group, line);
    }
}
