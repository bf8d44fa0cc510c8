using System.Globalization;
using System.Text;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Training;

/// <summary>
/// Reads and writes the run folders' CSV files (<c>metrics.csv</c>, <c>steps.csv</c>, <c>summary.csv</c>,
/// <c>training-curves.csv</c>): a fixed header line, then one row per line of comma-separated numbers and names that
/// never hold a comma or a quote; invariant culture, '\n' line ends; written atomically (<see cref="AtomicFile"/>).
/// </summary>
/// <remarks>Hand-written rather than CsvHelper: these files need no quoting, and a damaged file must be refused with
/// its path, line and expected header in one line, which is the code below either way.</remarks>
public static class CsvTable
{
    /// <summary>The CSV text: <paramref name="header"/>, then <paramref name="row"/> of each item (formatted with the
    /// invariant culture).</summary>
    public static string Format<T>(string header, IEnumerable<T> items, Func<T, FormattableString> row)
    {
        ArgumentNullException.ThrowIfNull(items);
        var csv = new StringBuilder(header).Append('\n');
        foreach (var item in items)
        {
            csv.Append(row(item).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>Writes <see cref="Format{T}"/>'s text to <paramref name="path"/> atomically.</summary>
    /// <exception cref="IOException">The file cannot be written; the previous file is kept.</exception>
    public static void Write<T>(string path, string header, IEnumerable<T> items, Func<T, FormattableString> row) =>
        AtomicFile.WriteAllText(path, Format(header, items, row));

    /// <summary>Reads the rows under <paramref name="header"/>, skipping empty lines; <paramref name="parse"/> gets each
    /// row's cells (exactly as many as the header has) and the rows read so far.</summary>
    /// <param name="path">The file.</param>
    /// <param name="header">The header the first line must equal.</param>
    /// <param name="parse">Makes a row from its cells; throws <see cref="FormatException"/> for a bad row.</param>
    /// <param name="advice">Appended to a message about a bad header or row, e.g. "; the file is damaged: train again".</param>
    /// <exception cref="InvalidDataException">The header differs or a row is malformed; the one-line message names the
    /// file, the line and the problem.</exception>
    public static IReadOnlyList<T> Read<T>(string path, string header, Func<Cells, IReadOnlyList<T>, T> parse, string advice = "")
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != header)
        {
            throw new InvalidDataException($"{path}: the first line must be \"{header}\" but is \"{lines.FirstOrDefault()}\"{advice}.");
        }

        var columns = header.Split(',').Length;
        var rows = new List<T>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            try
            {
                var cells = lines[i].Split(',');
                if (cells.Length != columns)
                {
                    throw new FormatException($"expected {columns} values ({header}), found {cells.Length}");
                }

                rows.Add(parse(new Cells(cells), rows));
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new InvalidDataException($"{path}, line {i + 1} (\"{lines[i]}\"): {e.Message.TrimEnd('.')}{advice}.", e);
            }
        }

        return rows;
    }

    /// <summary>The cells of one row, parsed with the invariant culture.</summary>
    public readonly struct Cells(string[] cells)
    {
        /// <summary>Cell <paramref name="k"/> as text.</summary>
        public string Text(int k) => cells[k];

        /// <summary>Cell <paramref name="k"/> as an integer.</summary>
        public int Int(int k) => int.Parse(cells[k], NumberStyles.Integer, CultureInfo.InvariantCulture);

        /// <summary>Cell <paramref name="k"/> as a floating-point number.</summary>
        public double Double(int k) => double.Parse(cells[k], NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
