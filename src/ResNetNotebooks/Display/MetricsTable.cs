using System.Globalization;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Display;

/// <summary>The per-epoch metrics as a table: what <c>train_ch6</c> reports, plus the learning rate, the time split
/// and the process's peak memory.</summary>
/// <param name="History">The epochs, in order.</param>
public sealed record MetricsTable(IReadOnlyList<EpochMetrics> History) : IHtmlRenderable
{
    private static readonly string[] Header =
        ["epoch", "train loss", "train acc", "test acc", "examples/s", "learning rate", "train s", "test s", "peak MiB"];

    /// <summary>The cells of each row, formatted.</summary>
    public IEnumerable<string[]> Rows() => History.Select(m => new[]
    {
        m.Epoch.ToString(CultureInfo.InvariantCulture),
        m.TrainLoss.ToString("F3", CultureInfo.InvariantCulture),
        m.TrainAccuracy.ToString("F3", CultureInfo.InvariantCulture),
        m.TestAccuracy.ToString("F3", CultureInfo.InvariantCulture),
        m.ExamplesPerSecond.ToString("N0", CultureInfo.InvariantCulture),
        m.LearningRate.ToString("0.#####", CultureInfo.InvariantCulture),
        m.TrainSeconds.ToString("F1", CultureInfo.InvariantCulture),
        m.EvalSeconds.ToString("F1", CultureInfo.InvariantCulture),
        (m.PeakMemoryBytes / 1048576.0).ToString("N0", CultureInfo.InvariantCulture),
    });

    /// <inheritdoc />
    public string ToHtml()
    {
        var table = new HtmlTable([.. Header.Select(HtmlColumn.Number)]);
        foreach (var row in Rows())
        {
            table.AddRow(row);
        }

        return table.ToHtml();
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var rows = Rows().Prepend(Header).ToList();
        var widths = Enumerable.Range(0, Header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        return string.Join(Environment.NewLine, rows.Select(r => string.Join("  ", r.Select((c, i) => c.PadLeft(widths[i])))));
    }
}
