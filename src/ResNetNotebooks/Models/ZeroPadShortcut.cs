using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>
/// Shortcut option A of He et al. (2016): the identity, made to fit a block that changes shape. It keeps every
/// <c>stride</c>-th row and column (as a 1×1 convolution with that stride would) and appends
/// <c>outChannels - inChannels</c> channels of zeros. It has no parameters.
/// </summary>
/// <remarks>
/// For an input (N, inChannels, H, W) the output is (N, outChannels, ⌈H / stride⌉, ⌈W / stride⌉), the shape
/// of the residual branch of a block whose first 3×3 convolution has padding 1 and the same stride.
/// </remarks>
public sealed class ZeroPadShortcut : nn.Module<Tensor, Tensor>
{
    private readonly int inChannels;
    private readonly int outChannels;
    private readonly int stride;

    /// <summary>Creates the zero-padding shortcut from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels.</summary>
    /// <param name="inChannels">Channels of the block's input.</param>
    /// <param name="outChannels">Channels of the block's output; at least <paramref name="inChannels"/>.</param>
    /// <param name="stride">Spatial subsampling: 1 keeps H and W, 2 halves them.</param>
    /// <exception cref="ArgumentException">A size is not positive, or <paramref name="outChannels"/> &lt; <paramref name="inChannels"/>.</exception>
    public ZeroPadShortcut(int inChannels, int outChannels, int stride = 1) : base(nameof(ZeroPadShortcut))
    {
        var owner = $"ZeroPadShortcut({inChannels} → {outChannels}, stride {stride})";
        Guard.Positive(inChannels, owner, nameof(inChannels), "pass the number of channels of the block's input (e.g. 64)");
        Guard.Positive(outChannels, owner, nameof(outChannels), "pass the number of channels of the block's output (e.g. 128)");
        Guard.Positive(stride, owner, nameof(stride), "use 1 to keep height and width or 2 to halve them");
        if (outChannels < inChannels)
        {
            throw new ArgumentException(
                $"{owner} would have to drop {inChannels - outChannels} channels, but option A can only add zero " +
                $"channels; use outChannels ≥ {inChannels}, or a 1×1 projection (ShortcutOption.B or C) to reduce channels.",
                nameof(outChannels));
        }

        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.stride = stride;
        RegisterComponents();
    }

    /// <summary>Subsamples <paramref name="input"/> by the stride and pads the missing channels with zeros.</summary>
    /// <param name="input">A batch (N, inChannels, H, W).</param>
    /// <returns>A new tensor (N, outChannels, ⌈H / stride⌉, ⌈W / stride⌉); the caller owns it.</returns>
    public override Tensor forward(Tensor input)
    {
        Guard.ImageBatch(input, inChannels, $"ZeroPadShortcut({inChannels} → {outChannels}, stride {stride})", "inChannels: ");
        using var scope = NewDisposeScope();
        var x = input;
        if (stride != 1)
        {
            x = x.slice(2, 0, x.shape[2], stride).slice(3, 0, x.shape[3], stride);
        }

        // pad takes (left, right) pairs from the last dimension backwards: W, H, then C (zeros after the last channel).
        var y = outChannels > inChannels
            ? nn.functional.pad(x, [0, 0, 0, 0, 0, outChannels - inChannels])
            : x.alias();
        return y.MoveToOuterDisposeScope();
    }
}
