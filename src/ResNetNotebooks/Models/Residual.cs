using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>
/// The residual block of He et al. (2016), Fig. 2, as d2l writes it: two 3×3 convolutions with batch norm, and a
/// shortcut added before the last ReLU.
/// <code>
/// Y = relu(bn1(conv1(X)))
/// Y = bn2(conv2(Y))
/// return relu(Y + downsample(X))     // downsample is the identity when it is null
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// Names follow the paper and torchvision: <c>conv1</c>, <c>bn1</c>, <c>conv2</c>, <c>bn2</c> and
/// <c>downsample</c> for the shortcut module. d2l calls the 1×1 projection <c>conv3</c>; we use torchvision's
/// <c>downsample</c> because the shortcut may also be a <see cref="ZeroPadShortcut"/> (option A), which is no
/// convolution. Parameter names therefore read <c>b3.0.downsample.weight</c>.
/// </para>
/// <para>
/// The ReLUs are the functional <c>relu</c> (as in d2l), so they are not modules and have no row in a
/// <c>ModelSummary</c>. All convolutions have a bias by default, as in d2l (torchvision has none).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var blk = new Residual(3, 3);                                     // X (4, 3, 6, 6) → (4, 3, 6, 6)
/// var down = new Residual(3, 6, useProjection: true, stride: 2);   // X (4, 3, 6, 6) → (4, 6, 3, 3)
/// using var y = down.call(torch.rand(4, 3, 6, 6));
/// </code>
/// </example>
public sealed class Residual : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly nn.Module<Tensor, Tensor> bn2;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    /// <summary>
    /// The d2l block: <c>Residual(num_channels, use_1x1conv, strides)</c>, with the input channels made explicit
    /// (TorchSharp has no lazy layers).
    /// </summary>
    /// <param name="inChannels">Channels of the input X.</param>
    /// <param name="outChannels">Channels of the output.</param>
    /// <param name="useProjection">
    /// Put a 1×1 convolution with <paramref name="stride"/> on the shortcut (d2l's <c>use_1x1conv</c>; no batch
    /// norm, as in d2l). Required when the channels change or the stride is not 1.
    /// </param>
    /// <param name="stride">Stride of <c>conv1</c> (and of the projection): 2 halves height and width.</param>
    /// <exception cref="ArgumentException">
    /// A size is not positive, or the block changes shape while the shortcut is the identity.
    /// </exception>
    public Residual(int inChannels, int outChannels, bool useProjection = false, int stride = 1)
        : this(inChannels, outChannels, stride, D2lShortcut(inChannels, outChannels, useProjection, stride))
    {
    }

    /// <summary>
    /// The torchvision-style block: the caller decides the shortcut (see <see cref="Shortcuts.For"/>) and passes
    /// it in.
    /// </summary>
    /// <param name="inChannels">Channels of the input X.</param>
    /// <param name="outChannels">Channels of the output.</param>
    /// <param name="stride">Stride of <c>conv1</c>: 2 halves height and width.</param>
    /// <param name="downsample">
    /// The shortcut module, mapping the input to the shape of the residual branch; <c>null</c> for the identity.
    /// </param>
    /// <param name="bias">Give <c>conv1</c> and <c>conv2</c> a bias (d2l: yes; torchvision: no).</param>
    /// <param name="batchNorm">
    /// <c>false</c> makes <c>bn1</c> and <c>bn2</c> identities: the block without batch norm, for experiments that ask
    /// what batch norm does (the paper's networks all have it).
    /// </param>
    /// <exception cref="ArgumentException">
    /// A size is not positive, or the block changes shape while <paramref name="downsample"/> is <c>null</c>.
    /// </exception>
    public Residual(
        int inChannels, int outChannels, int stride, nn.Module<Tensor, Tensor>? downsample, bool bias = true, bool batchNorm = true)
        : base(nameof(Residual))
    {
        ValidateSizes(inChannels, outChannels, stride);
        if (downsample is null)
        {
            ValidateIdentityFits(inChannels, outChannels, stride);
        }

        InChannels = inChannels;
        OutChannels = outChannels;
        Stride = stride;
        conv1 = nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1, bias: bias);
        bn1 = batchNorm ? nn.BatchNorm2d(outChannels) : nn.Identity();
        conv2 = nn.Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1, bias: bias);
        bn2 = batchNorm ? nn.BatchNorm2d(outChannels) : nn.Identity();
        this.downsample = downsample;
        RegisterComponents();
    }

    /// <summary>Channels of the input the block was built for.</summary>
    public int InChannels { get; }

    /// <summary>Channels of the block's output.</summary>
    public int OutChannels { get; }

    /// <summary>Stride of <c>conv1</c> (and of a projection shortcut).</summary>
    public int Stride { get; }

    /// <summary>Whether the shortcut is the identity (no <c>downsample</c> module).</summary>
    public bool HasIdentityShortcut => downsample is null;

    /// <summary>Computes <c>relu(bn2(conv2(relu(bn1(conv1(X))))) + downsample(X))</c>.</summary>
    /// <param name="input">A batch (N, InChannels, H, W); the caller keeps ownership.</param>
    /// <returns>A new tensor (N, OutChannels, ⌈H / Stride⌉, ⌈W / Stride⌉); the caller owns it.</returns>
    /// <exception cref="ArgumentException">The input is not 4-D or has the wrong number of channels.</exception>
    /// <exception cref="InvalidOperationException">The shortcut's output does not match the residual branch.</exception>
    public override Tensor forward(Tensor input)
    {
        Guard.ImageBatch(input, InChannels, Describe(InChannels, OutChannels, Stride), "inChannels: ");
        using var scope = NewDisposeScope();

        var y = nn.functional.relu(bn1.call(conv1.call(input)));
        y = bn2.call(conv2.call(y));
        var x = downsample is null ? input : downsample.call(input);
        if (!y.shape.SequenceEqual(x.shape))
        {
            throw new InvalidOperationException(
                $"{Describe(InChannels, OutChannels, Stride)}: the residual branch gives {ShapeText.Of(y.shape)} but the " +
                $"shortcut gives {ShapeText.Of(x.shape)}, so they cannot be added; pass a downsample module that maps " +
                $"(N, {InChannels}, H, W) to (N, {OutChannels}, ⌈H / {Stride}⌉, ⌈W / {Stride}⌉), e.g. " +
                $"Shortcuts.Projection({InChannels}, {OutChannels}, {Stride}).");
        }

        return nn.functional.relu(y + x).MoveToOuterDisposeScope();
    }

    /// <summary>Names the block the way error messages and the notebooks do, e.g. <c>Residual(64 → 128, stride 2)</c>.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="stride">Stride.</param>
    /// <returns>The description.</returns>
    internal static string Describe(int inChannels, int outChannels, int stride) =>
        $"Residual({inChannels} → {outChannels}, stride {stride})";

    private static nn.Module<Tensor, Tensor>? D2lShortcut(int inChannels, int outChannels, bool useProjection, int stride)
    {
        ValidateSizes(inChannels, outChannels, stride);
        return useProjection ? Shortcuts.Projection(inChannels, outChannels, stride) : null;
    }

    private static void ValidateSizes(int inChannels, int outChannels, int stride)
    {
        var owner = Describe(inChannels, outChannels, stride);
        Guard.Positive(inChannels, owner, nameof(inChannels), "pass the number of channels of the block's input (e.g. 64)");
        Guard.Positive(outChannels, owner, nameof(outChannels), "pass the number of channels the block should output (e.g. 64)");
        Guard.Positive(stride, owner, nameof(stride), "use 1 to keep height and width or 2 to halve them");
    }

    private static void ValidateIdentityFits(int inChannels, int outChannels, int stride)
    {
        var owner = Describe(inChannels, outChannels, stride);
        if (inChannels != outChannels)
        {
            var also = stride != 1 ? $" and height and width (stride {stride})" : "";
            throw new ArgumentException(
                $"{owner} changes the channel count{also}, so the identity shortcut cannot be added; pass " +
                $"useProjection: true (a 1×1 conv) or keep {inChannels} channels.",
                nameof(outChannels));
        }

        if (stride != 1)
        {
            throw new ArgumentException(
                $"{owner} changes height and width (stride {stride}), so the identity shortcut cannot be added; pass " +
                $"useProjection: true (a 1×1 conv with stride {stride}) or use stride: 1.",
                nameof(stride));
        }
    }
}
