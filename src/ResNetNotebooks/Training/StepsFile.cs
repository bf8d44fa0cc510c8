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
    public static string Format(IEnumerable<StepRow> steps) => CsvTable.Format(Header, steps, Row);

    /// <summary>Writes <paramref name="steps"/> to <paramref name="path"/> atomically (see <see cref="AtomicFile"/>).</summary>
    /// <exception cref="IOException">The file cannot be written; the previous file is kept.</exception>
    public static void Write(string path, IEnumerable<StepRow> steps) => CsvTable.Write(path, Header, steps, Row);

    /// <summary>Reads a steps file.</summary>
    /// <exception cref="InvalidDataException">The header is not <see cref="Header"/>, a row is malformed, or the steps
    /// do not count up 1, 2, 3, …; the message names the file, the line and the fix.</exception>
    public static IReadOnlyList<StepRow> Read(string path) =>
        CsvTable.Read<StepRow>(path, Header, (c, before) =>
        {
            var row = new StepRow(c.Int(0), c.Int(1), c.Double(2), c.Double(3));
            return row.Step == before.Count + 1
                ? row
                : throw new FormatException($"step {row.Step} where step {before.Count + 1} was expected (steps count up from 1 without gaps)");
        }, "; the file is damaged: train the run again");

    private static FormattableString Row(StepRow s) => $"{s.Step},{s.Epoch},{s.Loss:G9},{s.Accuracy:F6}";
}
