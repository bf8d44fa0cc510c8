using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using ResNetNotebooks.Inspection;
using ResNetNotebooks.Models;
using static TorchSharp.torch;

namespace ResNetNotebooks.Notebooks;

/// <summary>
/// Checks a module a learner wrote (a block, or a network built from it) against the library's by what it computes,
/// not only by its parameter count and output shape: a block that never adds its shortcut, or puts a ReLU in the
/// wrong place, has the right count and shape but computes something else.
/// </summary>
/// <remarks>
/// The check copies the reference's state (weights, batch-norm scales, shifts and running statistics) into the
/// learner's module by name, puts both in eval mode and compares their outputs on one input. Before that it gives
/// every batch norm of the reference random statistics and affine parameters (a fresh batch norm is almost the
/// identity in eval mode, which would hide one that is skipped or misplaced), so the reference is changed by the check.
/// Like <see cref="Exercise"/>, it never throws for a wrong answer: an exception in the learner's module is reported
/// as a verdict.
/// </remarks>
/// <example>
/// <code>
/// var reference = new ResNet(ResNetConfig.ResNet50.AsTorchVision());
/// var yours = new ResNet(ResNetConfig.ResNet50.AsTorchVision(), spec => new MyBottleneck(spec));
/// ModuleExercise.Check(yours, reference, torch.randn(2, 3, 64, 64), "ReLU after bn1 and bn2; add the shortcut, then the last ReLU")
/// </code>
/// </example>
public static class ModuleExercise
{
    /// <summary>Outputs agree when the largest difference is at most this fraction of the reference's largest output (plus 1e-6).</summary>
    public const double RelativeTolerance = 1e-5;

    /// <summary>Checks <paramref name="yours"/> against <paramref name="reference"/>: parameter count, names and shapes of the state, then the outputs with the same weights.</summary>
    /// <param name="yours">The learner's module; <c>null</c> when not written yet.</param>
    /// <param name="reference">The library's module; its batch norms get random statistics (see remarks).</param>
    /// <param name="input">The input both modules compute on.</param>
    /// <param name="hint">What to check when the outputs differ (never the solution).</param>
    /// <param name="knownMistakes">
    /// Modules with the reference's parameter names that make one known mistake, each with the sentence that names it:
    /// when the learner's outputs equal one of theirs, the verdict gives that sentence instead of the hint.
    /// </param>
    /// <returns>The verdict.</returns>
    public static ExerciseVerdict Check(
        nn.Module<Tensor, Tensor>? yours,
        nn.Module<Tensor, Tensor> reference,
        Tensor input,
        string hint,
        params (nn.Module<Tensor, Tensor> Module, string Diagnosis)[] knownMistakes)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(knownMistakes);
        if (yours is null)
        {
            return new(ExerciseOutcome.NotAnswered, $"No answer yet: write your module in the cell above, set it there and run both cells again. Hint: {hint}.");
        }

        long yourCount = ParameterCounts.Total(yours), referenceCount = ParameterCounts.Total(reference);
        if (yourCount != referenceCount)
        {
            var direction = yourCount < referenceCount ? "too few" : "too many";
            return Wrong($"your network has {N(yourCount)} parameters, {direction} (the library's has {N(referenceCount)})", hint);
        }

        RandomizeBatchNorms(reference);
        var referenceState = reference.state_dict();
        var yourState = yours.state_dict();
        var missing = referenceState.Keys.Where(k => !yourState.ContainsKey(k)).ToList();
        var unexpected = yourState.Keys.Where(k => !referenceState.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            return Wrong(
                "the library's weights cannot be copied into your network by name: " +
                string.Join("; ", new[]
                {
                    missing.Count > 0 ? $"yours has no {Names(missing)}" : null,
                    unexpected.Count > 0 ? $"the library's has no {Names(unexpected)}" : null,
                }.Where(s => s is not null)) +
                ". Name your block's layers as the exercise asks",
                hint);
        }

        var misshaped = referenceState.Keys.FirstOrDefault(k => !referenceState[k].shape.SequenceEqual(yourState[k].shape));
        if (misshaped is not null)
        {
            return Wrong(
                $"{misshaped} is {ShapeText.Of(yourState[misshaped].shape)} in your network, {ShapeText.Of(referenceState[misshaped].shape)} in the library's",
                hint);
        }

        var expected = Run(reference, referenceState, input);
        Tensor actual;
        try
        {
            actual = Run(yours, referenceState, input);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Wrong($"your network threw with the library's weights: {e.Message}", hint);
        }

        if (!actual.shape.SequenceEqual(expected.shape))
        {
            return Wrong($"with the library's weights your output is {ShapeText.Of(actual.shape)}, the library's {ShapeText.Of(expected.shape)}", hint);
        }

        var (difference, scale) = Difference(actual, expected);
        if (difference <= (RelativeTolerance * scale) + 1e-6)
        {
            return new(ExerciseOutcome.Correct,
                $"Correct: the same {N(referenceCount)} parameters under the same names, and with the library's weights the same outputs " +
                $"(largest difference {G(difference)}, outputs up to {G(scale)}).");
        }

        foreach (var (mistake, diagnosis) in knownMistakes)
        {
            try
            {
                var theirs = Run(mistake, referenceState, input);
                if (theirs.shape.SequenceEqual(actual.shape) && Difference(actual, theirs) is var (d, s) && d <= (RelativeTolerance * s) + 1e-6)
                {
                    return new(ExerciseOutcome.Wrong, $"Not quite: {diagnosis}.");
                }
            }
            catch (ArgumentException)
            {
                // A known mistake with other names or shapes is simply not this learner's mistake.
            }
        }

        return Wrong(
            $"with the library's weights your network computes something else (largest difference {G(difference)}, outputs up to {G(scale)})",
            hint);
    }

    /// <summary>Copies <paramref name="state"/> into <paramref name="module"/> by name, and runs it in eval mode without gradients.</summary>
    private static Tensor Run(nn.Module<Tensor, Tensor> module, IDictionary<string, Tensor> state, Tensor input)
    {
        var own = module.state_dict();
        if (own.Count != state.Count || state.Keys.Any(k => !own.TryGetValue(k, out var t) || !t.shape.SequenceEqual(state[k].shape)))
        {
            throw new ArgumentException("The module's state does not have the reference's names and shapes.", nameof(module));
        }

        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in state)
        {
            own[name].copy_(tensor);
        }

        module.eval();
        return module.call(input).detach();
    }

    private static void RandomizeBatchNorms(nn.Module reference)
    {
        using var noGrad = torch.no_grad();
        var generator = new Generator(2016);
        foreach (var norm in reference.modules().OfType<BatchNorm2d>())
        {
            norm.weight?.uniform_(0.5, 1.5, generator);
            norm.bias?.uniform_(-0.2, 0.2, generator);
            norm.running_mean?.uniform_(-0.2, 0.2, generator);
            norm.running_var?.uniform_(0.5, 1.5, generator);
        }
    }

    private static (double Difference, double Scale) Difference(Tensor actual, Tensor expected) =>
        ((actual - expected).abs().max().item<float>(), expected.abs().max().item<float>());

    private static ExerciseVerdict Wrong(string what, string hint) => new(ExerciseOutcome.Wrong, $"Not quite: {what}. Hint: {hint}.");

    private static string Names(IReadOnlyList<string> names) =>
        names.Count == 1 ? names[0] : $"{names[0]} (and {names.Count - 1} more)";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string G(double value) => value.ToString("G3", CultureInfo.InvariantCulture);
}
