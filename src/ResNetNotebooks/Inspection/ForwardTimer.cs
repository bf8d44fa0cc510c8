using System.Diagnostics;
using static TorchSharp.torch;
using ResNetNotebooks.Models;

namespace ResNetNotebooks.Inspection;

/// <summary>
/// Times the forward passes of a few modules side by side. Runs are interleaved (A, B, A, B, …) so that a slow
/// moment of a shared machine hits every module alike, and the figures are medians with their min–max range.
/// It measures and reports; it asserts nothing about speed, which depends on the machine and on what else runs.
/// </summary>
/// <example>
/// <code>
/// var timing = ForwardTimer.Compare([("identity", new Residual(64, 64)), ("projection", new Residual(64, 64, useProjection: true))],
///                                   torch.randn(8, 64, 56, 56), repeats: 15);
/// Console.WriteLine(timing);                  // medians, ranges and the ratio to the first module
/// </code>
/// </example>
public static class ForwardTimer
{
    /// <summary>
    /// Runs every module <paramref name="warmup"/> times untimed, then <paramref name="repeats"/> rounds in which
    /// each module runs once, in the order given, timing each forward pass.
    /// </summary>
    /// <param name="modules">Name and module; each must accept <paramref name="input"/>.</param>
    /// <param name="input">The batch; the caller keeps ownership.</param>
    /// <param name="repeats">Timed runs per module (at least 1; 10 or more for a stable median).</param>
    /// <param name="warmup">Untimed runs per module first (allocations, caches, lazy initialisation).</param>
    /// <returns>The times of every module.</returns>
    /// <remarks>The passes run in eval mode without gradients; each module's training flags are restored afterwards.</remarks>
    /// <exception cref="ArgumentException">No modules, two with the same name, or fewer than 1 repeat.</exception>
    public static TimingComparison Compare(
        IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Module)> modules, Tensor input, int repeats = 10, int warmup = 2)
    {
        ArgumentNullException.ThrowIfNull(modules);
        ArgumentNullException.ThrowIfNull(input);
        if (modules.Count == 0)
        {
            throw new ArgumentException("ForwardTimer.Compare needs at least one module.", nameof(modules));
        }

        if (modules.Select(m => m.Name).Distinct().Count() != modules.Count)
        {
            throw new ArgumentException(
                $"ForwardTimer.Compare needs a different name for each module, got {string.Join(", ", modules.Select(m => m.Name))}.",
                nameof(modules));
        }

        Check.Positive(repeats, nameof(repeats), "use at least 1 (10 or more for a stable median)", "ForwardTimer.Compare");
        if (warmup < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(warmup), warmup, "ForwardTimer.Compare: warmup must be 0 or more.");
        }

        var states = modules.SelectMany(m => m.Module.modules().Prepend(m.Module)).Distinct()
            .Select(m => (Module: m, m.training)).ToList();
        var samples = modules.Select(_ => new List<double>(repeats)).ToArray();
        try
        {
            foreach (var (_, module) in modules)
            {
                module.eval();
            }

            using var noGrad = no_grad();
            for (var round = 0; round < warmup + repeats; round++)
            {
                for (var i = 0; i < modules.Count; i++)
                {
                    var elapsed = Time(modules[i].Module, input);
                    if (round >= warmup)
                    {
                        samples[i].Add(elapsed);
                    }
                }
            }
        }
        finally
        {
            foreach (var (module, training) in states)
            {
                module.train(training);
            }
        }

        return new TimingComparison(modules.Select((m, i) => new ModuleTiming(m.Name, samples[i])).ToList(), input.shape);
    }

    /// <summary>
    /// Like <see cref="Compare"/>, but keeps timing: after every batch of <paramref name="repeats"/> rounds it checks
    /// whether that batch lowered any module's minimum by more than <paramref name="tolerance"/> (a fraction). When
    /// none did, the minima are stable and it stops; it stops anyway after <paramref name="maxBatches"/> batches.
    /// The minimum is the run least disturbed by the rest of the machine, so it is what a stable figure needs.
    /// </summary>
    /// <param name="modules">Name and module; each must accept <paramref name="input"/>.</param>
    /// <param name="input">The batch; the caller keeps ownership.</param>
    /// <param name="repeats">Rounds per batch (at least 1).</param>
    /// <param name="tolerance">How much lower a new minimum may be and still count as the same, e.g. 0.02 for 2%.</param>
    /// <param name="maxBatches">At most this many batches (at least 2: a minimum is stable only next to another batch).</param>
    /// <returns>All timed runs of every module; <see cref="TimingComparison.Batches"/> says how many batches it took.</returns>
    /// <exception cref="ArgumentException">No modules, two with the same name, fewer than 1 repeat, a negative tolerance or fewer than 2 batches.</exception>
    public static TimingComparison CompareUntilStable(
        IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Module)> modules, Tensor input, int repeats = 10,
        double tolerance = 0.02, int maxBatches = 8)
    {
        if (!(tolerance >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "ForwardTimer.CompareUntilStable: tolerance must be 0 or more, e.g. 0.02 for 2%.");
        }

        if (maxBatches < 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxBatches), maxBatches, "ForwardTimer.CompareUntilStable needs maxBatches of at least 2 to compare one batch's minimum with the next.");
        }

        var timing = Compare(modules, input, repeats);
        var batches = 1;
        while (batches < maxBatches)
        {
            var next = Compare(modules, input, repeats, warmup: 0);
            batches++;
            var improved = timing.Modules.Zip(next.Modules).Any(p => p.Second.Min < p.First.Min * (1 - tolerance));
            timing = new TimingComparison(
                timing.Modules.Zip(next.Modules).Select(p => new ModuleTiming(p.First.Name, [.. p.First.Milliseconds, .. p.Second.Milliseconds])).ToList(),
                [.. timing.InputShape],
                batches);
            if (!improved)
            {
                break;
            }
        }

        return timing;
    }

    /// <summary>The median of <paramref name="values"/>: the middle value, or the mean of the two middle ones.</summary>
    /// <param name="values">At least one value.</param>
    /// <returns>The median.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("The median of no values is undefined; time at least one run.", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double Time(nn.Module<Tensor, Tensor> module, Tensor input)
    {
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        module.call(input);
        if (input.device_type == TorchSharp.DeviceType.CUDA)
        {
            cuda.synchronize(); // GPU kernels run asynchronously: wait for them before reading the clock
        }

        clock.Stop();
        return clock.Elapsed.TotalMilliseconds;
    }
}
