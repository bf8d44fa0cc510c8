using System.Net;
using System.Text;

namespace ResNetNotebooks.Display;

/// <summary>How a column's header and cells are aligned.</summary>
public enum ColumnAlignment
{
    /// <summary>Left-aligned: names, types, shapes, settings.</summary>
    Left,

    /// <summary>Right-aligned: numbers, so that their digits line up.</summary>
    Right,
}

/// <summary>A column of an <see cref="HtmlTable"/>.</summary>
/// <param name="Header">The header text (escaped when rendered).</param>
/// <param name="Alignment">How the header and the cells are aligned.</param>
public sealed record HtmlColumn(string Header, ColumnAlignment Alignment = ColumnAlignment.Left)
{
    /// <summary>A smaller second line under the header, e.g. a source or a run's name; null for none.</summary>
    public string? Note { get; init; }

    /// <summary>Render the cells as code (monospace), e.g. versions and paths.</summary>
    public bool Code { get; init; }

    /// <summary>A right-aligned column, for numbers.</summary>
    public static HtmlColumn Number(string header) => new(header, ColumnAlignment.Right);
}

/// <summary>
/// The one table builder behind every table the library shows (model summaries, multiply-adds, timings, settings,
/// metrics), in two forms: HTML for a notebook (<see cref="ToHtml"/>) and aligned plain text for a console or a
/// notebook's text output (<see cref="ToString"/>). In HTML every text is escaped and every cell carries its alignment
/// explicitly (notebook front ends differ in their defaults); the footer rows put a label across all columns but the
/// last. In text, right-aligned columns are padded on the left so that digits line up, and footers read
/// <c>label: value</c>.
/// </summary>
/// <example>
/// <code>
/// var html = new HtmlTable(new HtmlColumn("Layer"), HtmlColumn.Number("Param #"))
///     .WithCaption("ResNet: input (1, 1, 96, 96)")
///     .AddRow("b1.0", "3,200")
///     .AddFooter("Total params", "3,200")
///     .ToHtml();
/// </code>
/// </example>
public sealed class HtmlTable : IHtmlRenderable
{
    private readonly List<string[]> _rows = [];
    private readonly List<(string Label, string Value)> _footer = [];
    private readonly string? _cssClass;

    /// <summary>A table with these columns.</summary>
    /// <param name="columns">The columns, in order; at least one.</param>
    /// <exception cref="ArgumentException">No columns.</exception>
    public HtmlTable(params HtmlColumn[] columns)
        : this(null, columns)
    {
    }

    /// <summary>A table with a CSS class (for styling in a notebook) and these columns.</summary>
    /// <param name="cssClass">The <c>class</c> attribute, e.g. <c>model-summary</c>; null for none.</param>
    /// <param name="columns">The columns, in order; at least one.</param>
    /// <exception cref="ArgumentException">No columns.</exception>
    public HtmlTable(string? cssClass, params HtmlColumn[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0)
        {
            throw new ArgumentException("An HtmlTable needs at least one column, e.g. new HtmlColumn(\"Layer\").", nameof(columns));
        }

        _cssClass = cssClass;
        Columns = columns;
    }

    /// <summary>The columns.</summary>
    public IReadOnlyList<HtmlColumn> Columns { get; }

    /// <summary>The caption above the table; null for none.</summary>
    public string? Caption { get; private set; }

    /// <summary>The body rows added so far.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows => _rows;

    /// <summary>Sets the caption.</summary>
    /// <returns>This table.</returns>
    public HtmlTable WithCaption(string caption)
    {
        Caption = caption;
        return this;
    }

    /// <summary>Adds a body row, one text per column.</summary>
    /// <returns>This table.</returns>
    /// <exception cref="ArgumentException">The row has another number of cells than the table has columns.</exception>
    public HtmlTable AddRow(params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != Columns.Count)
        {
            throw new ArgumentException(
                $"A row of this table needs {Columns.Count} cells ({string.Join(", ", Columns.Select(c => c.Header))}), but got {cells.Length}.",
                nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    /// <summary>Adds a footer row: <paramref name="label"/> across all columns but the last, which holds
    /// <paramref name="value"/> (a total, for instance).</summary>
    /// <returns>This table.</returns>
    public HtmlTable AddFooter(string label, string value)
    {
        _footer.Add((label, value));
        return this;
    }

    /// <inheritdoc />
    public string ToHtml()
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string Style(ColumnAlignment a) => a == ColumnAlignment.Right ? " style=\"text-align:right\"" : " style=\"text-align:left\"";

        var html = new StringBuilder(_cssClass is null ? "<table>" : $"<table class=\"{E(_cssClass)}\">");
        if (Caption is not null)
        {
            html.Append("<caption>").Append(E(Caption)).Append("</caption>");
        }

        html.Append("<thead><tr>");
        foreach (var column in Columns)
        {
            html.Append($"<th{Style(column.Alignment)}>{E(column.Header)}");
            if (column.Note is not null)
            {
                html.Append($"<br><small>{E(column.Note)}</small>");
            }

            html.Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var row in _rows)
        {
            html.Append("<tr>");
            for (var c = 0; c < row.Length; c++)
            {
                var text = Columns[c].Code ? $"<code>{E(row[c])}</code>" : E(row[c]);
                html.Append($"<td{Style(Columns[c].Alignment)}>{text}</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</tbody>");
        if (_footer.Count > 0)
        {
            var last = Columns[^1].Alignment;
            var span = Columns.Count - 1;
            html.Append("<tfoot>");
            foreach (var (label, value) in _footer)
            {
                var labelCell = span > 0 ? $"<th colspan=\"{span}\" style=\"text-align:left\">{E(label)}</th>" : "";
                html.Append($"<tr>{labelCell}<td{Style(last)}>{E(value)}</td></tr>");
            }

            html.Append("</tfoot>");
        }

        return html.Append("</table>").ToString();
    }

    /// <summary>
    /// The table as aligned plain text: the caption, a rule, the header, a rule, one line per row, and, when there
    /// are footers, a rule and one <c>label: value</c> line per footer.
    /// </summary>
    /// <returns>The text, lines separated by <see cref="Environment.NewLine"/>.</returns>
    public override string ToString()
    {
        var header = Columns.Select(c => c.Header).ToArray();
        var widths = Enumerable.Range(0, Columns.Count)
            .Select(c => _rows.Select(row => row[c].Length).Append(header[c].Length).Max())
            .ToArray();
        var rule = widths.Sum() + (2 * (widths.Length - 1));
        var lines = new List<string>();
        if (Caption is not null)
        {
            lines.Add(Caption);
            lines.Add(new string('=', rule));
        }

        lines.Add(Line(header, widths));
        lines.Add(new string('-', rule));
        lines.AddRange(_rows.Select(row => Line(row, widths)));
        if (_footer.Count > 0)
        {
            lines.Add(new string('=', rule));
            lines.AddRange(_footer.Select(f => $"{f.Label}: {f.Value}"));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, c) =>
            Columns[c].Alignment == ColumnAlignment.Right ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd();
}
