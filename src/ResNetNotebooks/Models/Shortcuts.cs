using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>
/// Builds the shortcut (<c>downsample</c>) module of a residual block. The choice between identity, projection and
/// zero padding is made here, in one place (as torchvision's <c>_make_layer</c> does), and the result is passed
/// into <see cref="Residual"/>, whose <c>forward</c> then stays as short as the figure.
/// </summary>
public static class Shortcuts
{
    /// <summary>
    /// The shortcut that <paramref name="option"/> prescribes for a block from <paramref name="inChannels"/> to
    /// <paramref name="outChannels"/> channels with <paramref name="stride"/>; <c>null</c> means the identity.
    /// </summary>
    /// <param name="option">Option A, B or C of He et al. (2016), or D (average pool, then projection).</param>
    /// <param name="inChannels">Channels of the block's input.</param>
    /// <param name="outChannels">Channels of the block's output.</param>
    /// <param name="stride">Stride of the block's first convolution.</param>
    /// <param name="projectionBatchNorm">Follow a projection with batch norm (torchvision, the paper); d2l has none.</param>
    /// <param name="bias">Give the projection convolution a bias (d2l: yes; torchvision: no).</param>
    /// <returns>
    /// <c>null</c> (identity) where the shape is kept under A and B; a <see cref="ZeroPadShortcut"/> where the shape
    /// changes under A; a <see cref="Projection"/> where the shape changes under B, and on every block under C; an
    /// <see cref="AveragePoolProjection"/> where the shape changes under D.
    /// </returns>
    /// <example><code>var downsample = Shortcuts.For(ShortcutOption.B, 64, 128, stride: 2); // a 1×1 conv, stride 2</code></example>
    public static nn.Module<Tensor, Tensor>? For(
        ShortcutOption option, int inChannels, int outChannels, int stride, bool projectionBatchNorm = false, bool bias = true)
    {
        var shapeChanges = stride != 1 || inChannels != outChannels;
        return option switch
        {
            ShortcutOption.A => shapeChanges ? new ZeroPadShortcut(inChannels, outChannels, stride) : null,
            ShortcutOption.B => shapeChanges ? Projection(inChannels, outChannels, stride, projectionBatchNorm, bias) : null,
            ShortcutOption.C => Projection(inChannels, outChannels, stride, projectionBatchNorm, bias),
            ShortcutOption.D => shapeChanges ? AveragePoolProjection(inChannels, outChannels, stride, projectionBatchNorm, bias) : null,
            _ => throw new ArgumentOutOfRangeException(
                nameof(option), $"Unknown shortcut option {option}; use ShortcutOption.A, B, C or D."),
        };
    }

    /// <summary>
    /// The projection shortcut: a 1×1 convolution with the block's stride (d2l's <c>conv3</c>), optionally followed
    /// by batch norm as in torchvision (then a <c>Sequential</c> of the two, named <c>0</c> and <c>1</c>).
    /// </summary>
    /// <param name="inChannels">Channels of the block's input.</param>
    /// <param name="outChannels">Channels of the block's output.</param>
    /// <param name="stride">Stride of the block's first convolution.</param>
    /// <param name="batchNorm">Append a <c>BatchNorm2d(outChannels)</c>.</param>
    /// <param name="bias">Give the convolution a bias.</param>
    /// <returns>A new module mapping (N, inChannels, H, W) to (N, outChannels, ⌈H / stride⌉, ⌈W / stride⌉).</returns>
    /// <example><code>var conv3 = Shortcuts.Projection(64, 128, stride: 2); // 64·128 + 128 = 8,320 parameters</code></example>
    public static nn.Module<Tensor, Tensor> Projection(
        int inChannels, int outChannels, int stride = 1, bool batchNorm = false, bool bias = true)
    {
        var owner = $"Projection({inChannels} → {outChannels}, stride {stride})";
        Guard.Positive(inChannels, owner, nameof(inChannels), "pass the number of channels of the block's input (e.g. 64)");
        Guard.Positive(outChannels, owner, nameof(outChannels), "pass the number of channels of the block's output (e.g. 128)");
        Guard.Positive(stride, owner, nameof(stride), "use 1 to keep height and width or 2 to halve them");
        var conv = nn.Conv2d(inChannels, outChannels, kernel_size: 1, stride: stride, bias: bias);
        return batchNorm ? nn.Sequential(conv, nn.BatchNorm2d(outChannels)) : conv;
    }

    /// <summary>
    /// ResNet-D's shortcut (He et al. 2019, "Bag of Tricks", §4.1, Fig. 2c): a <paramref name="stride"/>×<paramref name="stride"/>
    /// average pool with that stride, then a stride-1 1×1 convolution (and batch norm when
    /// <paramref name="batchNorm"/>). A strided 1×1 convolution reads one input position in four and ignores the
    /// rest; the pool lets all of them in. With stride 1 there is nothing to pool and it is the plain projection.
    /// </summary>
    /// <param name="inChannels">Channels of the block's input.</param>
    /// <param name="outChannels">Channels of the block's output.</param>
    /// <param name="stride">The block's stride (2 where a stage starts).</param>
    /// <param name="batchNorm">Append a <c>BatchNorm2d(outChannels)</c>.</param>
    /// <param name="bias">Give the convolution a bias.</param>
    /// <returns>
    /// A new <c>Sequential</c> (<c>0</c> the pool, <c>1</c> the convolution, <c>2</c> the batch norm) mapping
    /// (N, inChannels, H, W) to (N, outChannels, ⌈H / stride⌉, ⌈W / stride⌉); for stride 1, <see cref="Projection"/>.
    /// </returns>
    /// <example><code>var d = Shortcuts.AveragePoolProjection(64, 128, stride: 2); // same 8,320 parameters as Projection(64, 128, 2)</code></example>
    public static nn.Module<Tensor, Tensor> AveragePoolProjection(
        int inChannels, int outChannels, int stride = 2, bool batchNorm = false, bool bias = true)
    {
        var owner = $"AveragePoolProjection({inChannels} → {outChannels}, stride {stride})";
        Guard.Positive(inChannels, owner, nameof(inChannels), "pass the number of channels of the block's input (e.g. 64)");
        Guard.Positive(outChannels, owner, nameof(outChannels), "pass the number of channels of the block's output (e.g. 128)");
        Guard.Positive(stride, owner, nameof(stride), "use 2 where a stage halves height and width");
        if (stride == 1)
        {
            return Projection(inChannels, outChannels, 1, batchNorm, bias);
        }

        // ceil_mode keeps the last, partial window, so an odd side H gives ⌈H / stride⌉ like the 3×3 branch;
        // count_include_pad = false averages that window over the positions it really has.
        var pool = nn.AvgPool2d(kernel_size: stride, stride: stride, ceil_mode: true, count_include_pad: false);
        var conv = nn.Conv2d(inChannels, outChannels, kernel_size: 1, stride: 1, bias: bias);
        return batchNorm ? nn.Sequential(pool, conv, nn.BatchNorm2d(outChannels)) : nn.Sequential(pool, conv);
    }
}
