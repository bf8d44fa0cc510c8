using System.Globalization;
using ResNetNotebooks.Inspection;
using ResNetNotebooks.Models;

namespace ResNetNotebooks.Display;

/// <summary>
/// The tables of the inspection tools (<see cref="ModelSummary"/>, <see cref="MultiplyAdds"/>,
/// <see cref="TimingComparison"/>), built with the one table builder, so that a notebook shows them as HTML and a
/// console prints them as aligned text. The notebook set-up registers these as the tools' formatters, so a cell that
/// ends in <c>ModelSummary.Create(...)</c> shows the table.
/// </summary>
/// <example>
/// <code>
/// Console.WriteLine(ModelSummary.Create(ResNet.ResNet18(), [1, 1, 224, 224], SummaryDepth.Stages).ToTable());
/// </code>
/// </example>
public static class InspectionTables
{
    /// <summary>Layer, type, output shape and parameters per row, with the totals in the footer.</summary>
    /// <param name="summary">The summary.</param>
    /// <returns>A new table.</returns>
    public static HtmlTable ToTable(this ModelSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var table = new HtmlTable("model-summary", new("Layer"), new("Type"), new("Output shape"), HtmlColumn.Number("Param #"))
            .WithCaption($"{summary.ModelName}: input {ShapeText.Of(summary.InputShape)} → output {ShapeText.Of(summary.OutputShape)}");
        foreach (var r in summary.Rows)
        {
            table.AddRow(r.Name, r.TypeName, r.OutputShape is null ? "—" : ShapeText.Of(r.OutputShape), Number(r.Parameters));
        }

        return table
            .AddFooter("Total params", Number(summary.TotalParameters))
            .AddFooter("Trainable params", Number(summary.TrainableParameters))
            .AddFooter("Non-trainable params", Number(summary.NonTrainableParameters));
    }

    /// <summary>Layer, type, output shape and multiply-adds per counted layer, with the totals in the footer.</summary>
    /// <param name="macs">The count.</param>
    /// <returns>A new table.</returns>
    public static HtmlTable ToTable(this MultiplyAdds macs)
    {
        ArgumentNullException.ThrowIfNull(macs);
        var table = new HtmlTable("multiply-adds", new("Layer"), new("Type"), new("Output shape"), HtmlColumn.Number("Multiply-adds"))
            .WithCaption($"{macs.ModelName}: multiply-adds for input {ShapeText.Of(macs.InputShape)}");
        foreach (var l in macs.Layers)
        {
            table.AddRow(l.Name, l.TypeName, ShapeText.Of(l.OutputShape), Number(l.MultiplyAdds));
        }

        return table.AddFooter("Total", Number(macs.Total)).AddFooter("Per image", Number(macs.PerImage));
    }

    /// <summary>Module, median, fastest, slowest, runs and the ratio of each median to the first module's.</summary>
    /// <param name="timing">The comparison.</param>
    /// <returns>A new table.</returns>
    public static HtmlTable ToTable(this TimingComparison timing)
    {
        ArgumentNullException.ThrowIfNull(timing);
        static string Ms(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        var first = timing.Modules[0].Name;
        var table = new HtmlTable("forward-timer", new("Module"), HtmlColumn.Number("median ms"), HtmlColumn.Number("min ms"),
                HtmlColumn.Number("max ms"), HtmlColumn.Number("runs"), HtmlColumn.Number($"median ÷ {first}"),
                HtmlColumn.Number($"min ÷ {first}"))
            .WithCaption($"Forward time for input {ShapeText.Of(timing.InputShape)} (interleaved runs, eval mode, no gradients)");
        foreach (var m in timing.Modules)
        {
            table.AddRow(m.Name, Ms(m.Median), Ms(m.Min), Ms(m.Max), m.Milliseconds.Count.ToString(CultureInfo.InvariantCulture),
                Ms(timing.Ratio(m.Name, first)), Ms(timing.MinRatio(m.Name, first)));
        }

        return table;
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
