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
    public static GenericChart Create(int batchesPerEpoch, params (string Name, TrainingOptions Options)[] runs) =>
        Create("Learning rate of every training batch", batchesPerEpoch, runs);

    /// <summary>As <see cref="Create(int, ValueTuple{string, TrainingOptions}[])"/>, with <paramref name="title"/> above the chart.</summary>
    public static GenericChart Create(string title, int batchesPerEpoch, params (string Name, TrainingOptions Options)[] runs)
    {
        ChartStyle.RequireTitle(title, "LearningRateChart.Create");
        ArgumentNullException.ThrowIfNull(runs);
        var lines = runs.Select(run =>
        {
            var rates = OptimizerSetup.LearningRates(run.Options, batchesPerEpoch);
            var x = Enumerable.Range(1, rates.Count).Select(i => (double)i / batchesPerEpoch);
            return Chart.Line<double, double, string>(x, rates, Name: run.Name);
        });
        return ChartStyle.Title(Chart.Combine(lines), title)
            .WithXAxisStyle<double, double, string>(TitleText: "epoch")
            .WithYAxisStyle<double, double, string>(TitleText: "learning rate")
            .WithSize(Width: 640, Height: 320);
    }
}
