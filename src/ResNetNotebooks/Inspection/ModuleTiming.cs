using System.Globalization;

namespace ResNetNotebooks.Inspection;

/// <summary>The measured forward times of one module in a <see cref="ForwardTimer"/> comparison.</summary>
/// <param name="Name">The name the module was given.</param>
/// <param name="Milliseconds">One wall-clock time per timed forward pass, in the order they ran.</param>
public sealed record ModuleTiming(string Name, IReadOnlyList<double> Milliseconds)
{
    /// <summary>The median time: robust against the odd slow run on a shared machine.</summary>
    public double Median => ForwardTimer.Median(Milliseconds);

    /// <summary>The fastest run.</summary>
    public double Min => Milliseconds.Min();

    /// <summary>The slowest run.</summary>
    public double Max => Milliseconds.Max();

    /// <summary>e.g. <c>identity: median 12.3 ms [11.9–14.0], 10 runs</c>.</summary>
    /// <returns>The line.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}: median {Median:0.00} ms [{Min:0.00}–{Max:0.00}], {Milliseconds.Count} runs");
}
