using System.Globalization;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Display;

/// <summary>A run's final numbers beside a published result, as a table.</summary>
/// <param name="Run">The run's last epoch.</param>
/// <param name="RunName">What the run was, e.g. the profile line.</param>
/// <param name="Published">The result to compare with.</param>
public sealed record ResultComparison(EpochMetrics Run, string RunName, PublishedResult Published) : IHtmlRenderable
{
    /// <summary>(metric, this run, published) rows.</summary>
    public IReadOnlyList<(string Metric, string Run, string Published)> Rows() =>
    [
        ("train loss", F3(Run.TrainLoss), F3(Published.TrainLoss)),
        ("train acc", F3(Run.TrainAccuracy), F3(Published.TrainAccuracy)),
        ("test acc", F3(Run.TestAccuracy), F3(Published.TestAccuracy)),
        ("examples/sec", Run.ExamplesPerSecond.ToString("N0", CultureInfo.InvariantCulture), Published.ExamplesPerSecond.ToString("N0", CultureInfo.InvariantCulture)),
    ];

    /// <inheritdoc />
    public string ToHtml() => ToTable().ToHtml();

    /// <summary>The comparison as aligned text.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => ToTable().ToString();

    /// <summary>The comparison as the library's one table builder.</summary>
    /// <returns>A new table: metric, this run, published.</returns>
    public HtmlTable ToTable()
    {
        var table = new HtmlTable(
            new HtmlColumn("after the last epoch"),
            HtmlColumn.Number("this run") with { Note = RunName },
            HtmlColumn.Number("published") with { Note = Published.Source });
        foreach (var (metric, run, published) in Rows())
        {
            table.AddRow(metric, run, published);
        }

        return table;
    }

    private static string F3(double x) => x.ToString("F3", CultureInfo.InvariantCulture);
}
