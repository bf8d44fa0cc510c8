using static TorchSharp.torch;

namespace ResNetNotebooks.Inspection;

/// <summary>Counts parameters, the numbers behind "ResNet-18 has 11.2 million parameters" and the per-stage bar chart.</summary>
public static class ParameterCounts
{
    /// <summary>All parameters of <paramref name="module"/> and its sub-modules.</summary>
    /// <param name="module">Any module.</param>
    /// <returns>The number of scalars in its parameters.</returns>
    /// <example><code>long n = ParameterCounts.Total(ResNet.ResNet18()); // 11,178,378</code></example>
    public static long Total(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.parameters().Sum(p => p.numel());
    }

    /// <summary>Parameters with <c>requires_grad</c> set, the ones an optimizer updates.</summary>
    /// <param name="module">Any module.</param>
    /// <returns>The number of trainable scalars.</returns>
    /// <example><code>long n = ParameterCounts.Trainable(net);</code></example>
    public static long Trainable(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
    }

    /// <summary>
    /// Parameters per top-level child, in definition order: for a <see cref="Models.ResNet"/>, <c>b1</c>..<c>b5</c>,
    /// <c>avgpool</c>, <c>flatten</c>, <c>fc</c>. The values add up to <see cref="Total"/> when the module has no
    /// parameters of its own.
    /// </summary>
    /// <param name="module">Any module.</param>
    /// <returns>Child name → parameter count; <c>Keys</c> and <c>Values</c> feed a bar chart directly.</returns>
    /// <example><code>var perStage = ParameterCounts.PerStage(net); // b1 3,328, b2 148,224, …, fc 5,130</code></example>
    public static OrderedDictionary<string, long> PerStage(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var counts = new OrderedDictionary<string, long>();
        foreach (var (name, child) in module.named_children())
        {
            counts[name] = Total(child);
        }

        return counts;
    }
}
