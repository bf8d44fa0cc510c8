using System.Globalization;
using System.Text;
using ResNetNotebooks.Native;

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
    public static string Format(IEnumerable<EpochMetrics> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var m in history)
        {
            csv.Append(string.Create(CultureInfo.InvariantCulture,
                $"{m.Epoch},{m.TrainLoss:F6},{m.TrainAccuracy:F6},{m.TestAccuracy:F6},{m.ExamplesPerSecond:F1}\n"));
        }

        return csv.ToString();
    }

    /// <summary>Writes <paramref name="history"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IEnumerable<EpochMetrics> history) => AtomicFile.WriteAllText(path, Format(history));

    /// <summary>Reads a metrics file.</summary>
    /// <exception cref="InvalidDataException">The header is not <see cref="Header"/> or a row is malformed; the
    /// message names the line.</exception>
    public static IReadOnlyList<MetricsRow> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header)
        {
            throw new InvalidDataException($"{path}: the first line must be \"{Header}\" but is \"{lines.FirstOrDefault()}\".");
        }

        var rows = new List<MetricsRow>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var cells = lines[i].Split(',');
            try
            {
                if (cells.Length != 5)
                {
                    throw new FormatException($"expected 5 values, found {cells.Length}");
                }

                double D(int k) => double.Parse(cells[k], NumberStyles.Float, CultureInfo.InvariantCulture);
                rows.Add(new MetricsRow(int.Parse(cells[0], CultureInfo.InvariantCulture), D(1), D(2), D(3), D(4)));
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{path}, line {i + 1} (\"{lines[i]}\"): {e.Message}.", e);
            }
        }

        return rows;
    }
}
