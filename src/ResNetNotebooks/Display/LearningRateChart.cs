using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Display;

/// <summary>The learning rate of every batch of one or more recipes, against (fractional) epochs.</summary>
public static class LearningRateChart
{
    /// <summary>
    /// One line per run: the rate each batch is trained with (<see cref="OptimizerSetup.LearningRates"/>), at x = epochs
    /// done after that batch.
    /// </summary>
    /// <param name="batchesPerEpoch">Training batches per epoch (e.g. <see cref="Trainer.BatchesPerEpoch"/>).</param>
    /// <param name="runs">(legend name, options) per line.</param>
    public static GenericChart Create(int batchesPerEpoch, params (string Name, TrainingOptions Options)[] runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var lines = runs.Select(run =>
        {
            var rates = OptimizerSetup.LearningRates(run.Options, batchesPerEpoch);
            var x = Enumerable.Range(1, rates.Count).Select(i => (double)i / batchesPerEpoch);
            return Chart.Line<double, double, string>(x, rates, Name: run.Name);
        });
        return Chart.Combine(lines)
            .WithXAxisStyle<double, double, string>(TitleText: "epoch")
            .WithYAxisStyle<double, double, string>(TitleText: "learning rate")
            .WithSize(Width: 640, Height: 320);
    }
}
