using System.Globalization;
using System.Reflection;
using ResNetNotebooks.Models;

namespace ResNetNotebooks.Display;

/// <summary>
/// A small table built from a list of objects (anonymous ones included): one column per public property, in the
/// order they are declared, one row per object. Whole numbers get thousands separators and are right-aligned, so a
/// notebook can show computed counts side by side without formatting code. Renders as HTML in a notebook.
/// </summary>
/// <example>
/// <code>
/// Table.From(options.Select((o, i) => new { option = o, parameters = totals[i] }))
/// //  option  parameters
/// //  A       11,005,450
/// //  B       11,178,378
/// </code>
/// </example>
public sealed class Table : IHtmlRenderable
{
    private readonly bool[] numeric;

    private Table(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<string>> rows, bool[] numeric)
    {
        Columns = columns;
        Rows = rows;
        this.numeric = numeric;
    }

    /// <summary>The column headers: the property names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The formatted cells, row by row.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <summary>Builds the table from <paramref name="rows"/>.</summary>
    /// <typeparam name="T">The row type; its public instance properties become the columns.</typeparam>
    /// <param name="rows">The rows, in display order.</param>
    /// <returns>The table; it keeps formatted text only.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> has no public properties.</exception>
    public static Table From<T>(IEnumerable<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken)
            .ToArray();
        if (properties.Length == 0)
        {
            throw new ArgumentException(
                $"Table.From needs rows with public properties (e.g. new {{ stage = \"b1\", parameters = 3328 }}), but {typeof(T).Name} has none.",
                nameof(rows));
        }

        var cells = rows.Select(row => (IReadOnlyList<string>)properties.Select(p => Format(p.GetValue(row))).ToArray()).ToList();
        var numeric = properties.Select(p => IsNumber(Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType)).ToArray();
        return new Table(properties.Select(p => p.Name).ToArray(), cells, numeric);
    }

    /// <inheritdoc />
    public string ToHtml() => ToHtmlTable().ToHtml();

    /// <summary>The table as aligned text: the header, a rule, one line per row (numbers right-aligned).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => ToHtmlTable().ToString();

    /// <summary>The table as the library's one table builder, to add a caption or footers.</summary>
    /// <returns>A new <see cref="HtmlTable"/> with these columns and rows.</returns>
    public HtmlTable ToHtmlTable()
    {
        var table = new HtmlTable([.. Columns.Select((name, c) => new HtmlColumn(name, numeric[c] ? ColumnAlignment.Right : ColumnAlignment.Left))]);
        foreach (var row in Rows)
        {
            table.AddRow([.. row]);
        }

        return table;
    }

    private static bool IsNumber(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(float) || type == typeof(decimal);

    private static string Format(object? value) => value switch
    {
        null => "",
        int or long => ((IFormattable)value).ToString("N0", CultureInfo.InvariantCulture),
        double or float or decimal => ((IFormattable)value).ToString("#,0.###", CultureInfo.InvariantCulture),
        long[] shape => ShapeText.Of(shape),
        IEnumerable<long> shape => ShapeText.Of(shape),
        _ => value.ToString() ?? "",
    };
}
