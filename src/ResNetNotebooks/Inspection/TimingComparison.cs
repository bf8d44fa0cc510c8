using System.Globalization;
using System.Text;
using ResNetNotebooks.Models;

namespace ResNetNotebooks.Inspection;

/// <summary>The result of <see cref="ForwardTimer.Compare"/>: each module's times and the ratios of the medians.</summary>
public sealed class TimingComparison
{
    internal TimingComparison(IReadOnlyList<ModuleTiming> modules, long[] inputShape, int batches = 1)
    {
        Modules = modules;
        InputShape = inputShape;
        Batches = batches;
    }

    /// <summary>
    /// How many batches of rounds were timed: 1 for <see cref="ForwardTimer.Compare"/>, as many as the minima needed to
    /// settle for <see cref="ForwardTimer.CompareUntilStable"/>.
    /// </summary>
    public int Batches { get; }

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

    /// <summary>
    /// Fastest run of <paramref name="name"/> divided by the fastest run of <paramref name="baseline"/>: the ratio least
    /// disturbed by whatever else the machine was doing.
    /// </summary>
    /// <param name="name">The module compared.</param>
    /// <param name="baseline">The module it is compared with.</param>
    /// <returns>e.g. 1.05 when <paramref name="name"/>'s fastest run took 5% longer.</returns>
    public double MinRatio(string name, string baseline) => this[name].Min / this[baseline].Min;

    /// <summary>One line per module, with its ratio to the first module.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder($"Forward time for input {ShapeText.Of(InputShape)} (interleaved runs, eval mode, no gradients)");
        foreach (var m in Modules)
        {
            text.AppendLine();
            text.Append(m);
            if (m != Modules[0])
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"; ×{Ratio(m.Name, Modules[0].Name):0.00} the median and ×{MinRatio(m.Name, Modules[0].Name):0.00} the minimum of {Modules[0].Name}");
            }
        }

        return text.ToString();
    }
}
