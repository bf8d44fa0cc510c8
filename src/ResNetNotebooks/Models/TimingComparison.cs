using System.Globalization;
using System.Text;
using ResNetNotebooks.Notebooks;

namespace ResNetNotebooks.Models;

/// <summary>The result of <see cref="ForwardTimer.Compare"/>: each module's times and the ratios of the medians.</summary>
public sealed class TimingComparison : ResNetNotebooks.Notebooks.IHtmlRenderable
{
    internal TimingComparison(IReadOnlyList<ModuleTiming> modules, long[] inputShape)
    {
        Modules = modules;
        InputShape = inputShape;
    }

    /// <summary>The modules' times, in the order they were given.</summary>
    public IReadOnlyList<ModuleTiming> Modules { get; }

    /// <summary>The shape of the batch every module ran on.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>The times of the module named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No module has that name; the message lists the names.</exception>
    public ModuleTiming this[string name] =>
        Modules.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"No module named '{name}'; the modules are {string.Join(", ", Modules.Select(m => m.Name))}.");

    /// <summary>Median of <paramref name="name"/> divided by the median of <paramref name="baseline"/>.</summary>
    /// <param name="name">The module compared.</param>
    /// <param name="baseline">The module it is compared with.</param>
    /// <returns>e.g. 1.05 when <paramref name="name"/> took 5% longer.</returns>
    public double Ratio(string name, string baseline) => this[name].Median / this[baseline].Median;

    /// <summary>One line per module, with its ratio to the first module.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder($"Forward time for input {Guard.Format(InputShape)} (interleaved runs, eval mode, no gradients)");
        foreach (var m in Modules)
        {
            text.AppendLine();
            text.Append(m);
            if (m != Modules[0])
            {
                text.Append(CultureInfo.InvariantCulture, $"; ×{Ratio(m.Name, Modules[0].Name):0.00} the median of {Modules[0].Name}");
            }
        }

        return text.ToString();
    }

    /// <summary>An HTML table: module, median, fastest, slowest, runs and ratio to the first module.</summary>
    /// <returns>The table.</returns>
    public string ToHtml()
    {
        static string Ms(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        var table = new HtmlTable("forward-timer", new("Module"), HtmlColumn.Number("median ms"), HtmlColumn.Number("min ms"),
                HtmlColumn.Number("max ms"), HtmlColumn.Number("runs"), HtmlColumn.Number($"median ÷ {Modules[0].Name}"))
            .WithCaption($"Forward time for input {Guard.Format(InputShape)} (interleaved runs, eval mode, no gradients)");
        foreach (var m in Modules)
        {
            table.AddRow(m.Name, Ms(m.Median), Ms(m.Min), Ms(m.Max), m.Milliseconds.Count.ToString(CultureInfo.InvariantCulture),
                Ms(Ratio(m.Name, Modules[0].Name)));
        }

        return table.ToHtml();
    }
}
