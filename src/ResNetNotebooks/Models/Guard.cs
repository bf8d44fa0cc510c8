using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>
/// Argument and input checks shared by the model classes. Every message names what was wrong, the value that was
/// seen and the fix, so that a notebook reader never has to decode a libtorch stack trace.
/// </summary>
internal static class Guard
{
    /// <summary>Throws when <paramref name="value"/> is zero or negative.</summary>
    /// <param name="value">The value to check.</param>
    /// <param name="owner">Who received the value, e.g. "Residual(0 → 64, stride 1)".</param>
    /// <param name="parameter">The parameter name, e.g. "inChannels".</param>
    /// <param name="fix">What to pass instead, e.g. "pass the number of channels of the block's input (e.g. 64)".</param>
    public static void Positive(long value, string owner, string parameter, string fix)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(
                parameter,
                $"{owner}: {parameter} must be positive but was {value}; {fix}.");
        }
    }

    /// <summary>
    /// Checks that <paramref name="input"/> is a 4-D (N, C, H, W) batch with <paramref name="channels"/> channels,
    /// before any torch call sees it.
    /// </summary>
    /// <param name="input">The tensor passed to <c>forward</c>.</param>
    /// <param name="channels">The channel count the first convolution was built for.</param>
    /// <param name="owner">The module, as the message should name it.</param>
    /// <param name="rebuildHint">How to build the module for the other channel count, e.g. "inChannels: 3".</param>
    public static void ImageBatch(Tensor input, long channels, string owner, string rebuildHint)
    {
        ArgumentNullException.ThrowIfNull(input);
        var shape = input.shape;
        if (shape.Length != 4)
        {
            var fix = shape.Length == 3
                ? "add the batch dimension with x.unsqueeze(0) for a single image"
                : $"reshape it to (N, {channels}, H, W)";
            throw new ArgumentException(
                $"{owner} expects a 4-D input (N, C, H, W) but got a {shape.Length}-D tensor of shape {ShapeText.Of(shape)}; {fix}.",
                nameof(input));
        }

        if (shape[1] != channels)
        {
            throw new ArgumentException(
                $"{owner} expects {channels} input channel(s) but the input has {shape[1]} (shape {ShapeText.Of(shape)}); " +
                $"pass a tensor of shape (N, {channels}, H, W) or build it with {rebuildHint}{shape[1]}.",
                nameof(input));
        }
    }

    /// <summary>
    /// Throws when the residual branch <paramref name="branch"/> and the shortcut <paramref name="shortcut"/> differ in
    /// shape, so the addition would fail inside libtorch with a message that names neither.
    /// </summary>
    /// <param name="branch">The residual branch's output.</param>
    /// <param name="shortcut">The shortcut's output.</param>
    /// <param name="owner">The block, as the message should name it.</param>
    /// <param name="fix">What downsample module would fit, e.g. "Shortcuts.Projection(64, 256, 1)".</param>
    public static void SameShape(Tensor branch, Tensor shortcut, string owner, string fix)
    {
        if (!branch.shape.SequenceEqual(shortcut.shape))
        {
            throw new InvalidOperationException(
                $"{owner}: the residual branch gives {ShapeText.Of(branch.shape)} but the shortcut gives " +
                $"{ShapeText.Of(shortcut.shape)}, so they cannot be added; pass a downsample module that maps the input " +
                $"to the branch's shape, e.g. {fix}.");
        }
    }
}
