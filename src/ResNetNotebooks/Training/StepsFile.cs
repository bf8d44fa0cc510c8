using System.Globalization;
using System.Text;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Training;

/// <summary>One row of <c>steps.csv</c>: one training batch (one optimizer step).</summary>
/// <param name="Step">1 for the run's first optimizer step; counts on across epochs.</param>
/// <param name="Epoch">1 for the first epoch: the epoch the step belongs to.</param>
/// <param name="Loss">The batch's own mean cross-entropy, before its update (<see cref="BatchProgress.BatchLoss"/>).</param>
/// <param name="Accuracy">The batch's own accuracy, before its update (<see cref="BatchProgress.BatchAccuracy"/>).</param>
public sealed record StepRow(int Step, int Epoch, double Loss, double Accuracy);

/// <summary>
/// The per-step training loss as CSV, one row per optimizer step under the header <c>step,epoch,loss,accuracy</c>:
/// the curve He et al. (2016) plot in Fig. 1 and Fig. 6 (training error against iterations). The loss is written with
/// 9 significant digits (a 32-bit float's loss round-trips), the accuracy with 6 decimals; invariant culture, '\n'
/// line ends. Written atomically, so a reader never sees half a file.
/// </summary>
public static class StepsFile
{
    /// <summary>The file's name in a run folder.</summary>
    public const string FileName = "steps.csv";

    /// <summary>The header line.</summary>
    public const string Header = "step,epoch,loss,accuracy";

    /// <summary>The CSV text of <paramref name="steps"/>.</summary>
    public static string Format(IEnumerable<StepRow> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var s in steps)
        {
            csv.Append(string.Create(CultureInfo.InvariantCulture, $"{s.Step},{s.Epoch},{s.Loss:G9},{s.Accuracy:F6}\n"));
        }

        return csv.ToString();
    }

    /// <summary>Writes <paramref name="steps"/> to <paramref name="path"/> atomically (see <see cref="AtomicFile"/>).</summary>
    /// <exception cref="IOException">The file cannot be written; the previous file is kept.</exception>
    public static void Write(string path, IEnumerable<StepRow> steps) => AtomicFile.WriteAllText(path, Format(steps));

    /// <summary>Reads a steps file.</summary>
    /// <exception cref="InvalidDataException">The header is not <see cref="Header"/>, a row is malformed, or the steps
    /// do not count up 1, 2, 3, …; the message names the file, the line and the fix.</exception>
    public static IReadOnlyList<StepRow> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header)
        {
            throw new InvalidDataException(
                $"{path}: the first line must be \"{Header}\" but is \"{lines.FirstOrDefault()}\"; this is not a steps file (write it with StepsFile.Write).");
        }

        var rows = new List<StepRow>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var cells = lines[i].Split(',');
            try
            {
                if (cells.Length != 4)
                {
                    throw new FormatException($"expected 4 values ({Header}), found {cells.Length}");
                }

                int I(int k) => int.Parse(cells[k], NumberStyles.Integer, CultureInfo.InvariantCulture);
                double D(int k) => double.Parse(cells[k], NumberStyles.Float, CultureInfo.InvariantCulture);
                var row = new StepRow(I(0), I(1), D(2), D(3));
                if (row.Step != rows.Count + 1)
                {
                    throw new FormatException($"step {row.Step} where step {rows.Count + 1} was expected (steps count up from 1 without gaps)");
                }

                rows.Add(row);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new InvalidDataException($"{path}, line {i + 1} (\"{lines[i]}\"): {e.Message.TrimEnd('.')}; the file is damaged: train the run again.", e);
            }
        }

        return rows;
    }
}
