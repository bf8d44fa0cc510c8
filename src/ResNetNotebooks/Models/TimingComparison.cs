using System.Globalization;
using System.Net;
using System.Text;

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
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string Ms(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        const string Right = " style=\"text-align:right\"";
        var html = new StringBuilder("<table class=\"forward-timer\">");
        html.Append($"<caption>Forward time for input {E(Guard.Format(InputShape))} (interleaved runs, eval mode, no gradients)</caption>");
        html.Append($"<thead><tr><th>Module</th><th{Right}>median ms</th><th{Right}>min ms</th><th{Right}>max ms</th><th{Right}>runs</th><th{Right}>median ÷ {E(Modules[0].Name)}</th></tr></thead><tbody>");
        foreach (var m in Modules)
        {
            html.Append($"<tr><td>{E(m.Name)}</td><td{Right}>{Ms(m.Median)}</td><td{Right}>{Ms(m.Min)}</td><td{Right}>{Ms(m.Max)}</td>" +
                        $"<td{Right}>{m.Milliseconds.Count}</td><td{Right}>{Ms(Ratio(m.Name, Modules[0].Name))}</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }
}
