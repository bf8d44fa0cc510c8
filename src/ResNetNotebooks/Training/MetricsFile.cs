namespace ResNetNotebooks.Training;

/// <summary>One row of <c>metrics.csv</c>.</summary>
/// <param name="Epoch">1 for the first epoch.</param>
/// <param name="TrainLoss">Mean training loss of the epoch.</param>
/// <param name="TrainAccuracy">Training accuracy of the epoch.</param>
/// <param name="TestAccuracy">Test accuracy after the epoch.</param>
/// <param name="ExamplesPerSecond">Training images per second.</param>
public sealed record MetricsRow(int Epoch, double TrainLoss, double TrainAccuracy, double TestAccuracy, double ExamplesPerSecond);

/// <summary>
/// The per-epoch metrics as CSV, one row per epoch under the header
/// <c>epoch,train_loss,train_acc,test_acc,examples_per_sec</c>: loss and accuracies with 6 decimals, examples per
/// second with 1, invariant culture, '\n' line ends. Written atomically, so a reader never sees half a file.
/// </summary>
public static class MetricsFile
{
    /// <summary>The file's name in a run folder.</summary>
    public const string FileName = "metrics.csv";

    /// <summary>The header line.</summary>
    public const string Header = "epoch,train_loss,train_acc,test_acc,examples_per_sec";

    /// <summary>The CSV text of <paramref name="history"/>.</summary>
    public static string Format(IEnumerable<EpochMetrics> history) => CsvTable.Format(Header, history, Row);

    /// <summary>Writes <paramref name="history"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IEnumerable<EpochMetrics> history) => CsvTable.Write(path, Header, history, Row);

    /// <summary>Reads a metrics file.</summary>
    /// <exception cref="InvalidDataException">The header is not <see cref="Header"/> or a row is malformed; the
    /// message names the line.</exception>
    public static IReadOnlyList<MetricsRow> Read(string path) =>
        CsvTable.Read<MetricsRow>(path, Header, (c, _) => new MetricsRow(c.Int(0), c.Double(1), c.Double(2), c.Double(3), c.Double(4)));

    private static FormattableString Row(EpochMetrics m) =>
        $"{m.Epoch},{m.TrainLoss:F6},{m.TrainAccuracy:F6},{m.TestAccuracy:F6},{m.ExamplesPerSecond:F1}";
}
