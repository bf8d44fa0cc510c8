using System.Globalization;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Display;

/// <summary>
/// How a run's settings are shown to a reader: as (name, value) rows, as a table (a notebook shows
/// <see cref="TrainingOptions"/> this way), or as one line for a console.
/// </summary>
public static class TrainingOptionsView
{
    /// <summary>The settings as (name, value) rows, in the order a reader meets them.</summary>
    /// <param name="options">The settings.</param>
    /// <returns>The rows.</returns>
    public static IReadOnlyList<(string Name, string Value)> Rows(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        static string F(double x) => x.ToString("0.#####", CultureInfo.InvariantCulture);
        static string N(int? x) => x?.ToString("N0", CultureInfo.InvariantCulture) ?? "all";
        var o = options;
        var data = o.Data == TrainingData.Subset ? "shipped subset (10,000 train / 2,000 test)" : "full (60,000 train / 10,000 test)";
        if (o.TrainImages is not null || o.TestImages is not null)
        {
            data += $", first {N(o.TrainImages)} train / {N(o.TestImages)} test";
        }

        var half = TrainingOptions.MomentumCycleHalfWidth;
        return
        [
            ("profile", o.Profile),
            ("recipe", o.Recipe switch { TrainingRecipe.D2l => "d2l (train_ch6)", TrainingRecipe.Tuned => "tuned", _ => "custom" }),
            ("data", data),
            ("image size", $"{o.ImageSize}×{o.ImageSize}"),
            ("epochs", o.Epochs.ToString(CultureInfo.InvariantCulture)),
            ("batch size", o.BatchSize.ToString(CultureInfo.InvariantCulture) + (o.DropLast ? ", a smaller last batch is skipped" : "")),
            ("optimizer", o.Momentum == 0 ? "SGD" : $"SGD, {(o.Nesterov ? "Nesterov " : "")}momentum {F(o.Momentum)}" +
                (o.CycleMomentum ? $" (cycled {F(o.Momentum + half)} → {F(o.Momentum - half)} → {F(o.Momentum + half)} against the rate)" : "")),
            ("learning rate", o.Schedule == LearningRateSchedule.OneCycle ? $"one-cycle, peak {F(o.LearningRate)}, per batch" : $"{F(o.LearningRate)}, constant"),
            ("weight decay", F(o.WeightDecay)),
            ("initialisation", o.Init switch
            {
                WeightInit.Xavier => "Xavier uniform (conv, linear)",
                WeightInit.He => "He normal, fan-out (conv)",
                _ => "TorchSharp default",
            }),
            ("precision", o.Precision == Precision.Bf16 ? "bf16 mixed (bf16 passes, fp32 weights, batch norm and loss)" : "fp32"),
            ("seed", o.Seed.ToString(CultureInfo.InvariantCulture)),
        ];
    }

    /// <summary>The settings as a two-column table (setting, value).</summary>
    /// <param name="options">The settings.</param>
    /// <returns>A new table.</returns>
    public static HtmlTable ToTable(this TrainingOptions options)
    {
        var table = new HtmlTable(new HtmlColumn("setting"), new HtmlColumn("value"));
        foreach (var (name, value) in Rows(options))
        {
            table.AddRow(name, value);
        }

        return table;
    }

    /// <summary>One line, e.g. <c>profile quick, recipe tuned, data shipped subset …, seed 0</c>.</summary>
    /// <param name="options">The settings.</param>
    /// <returns>The line.</returns>
    public static string Describe(TrainingOptions options) => string.Join(", ", Rows(options).Select(r => $"{r.Name} {r.Value}"));
}
