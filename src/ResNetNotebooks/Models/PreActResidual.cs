using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>
/// The pre-activation residual block of He et al. (2016), "Identity Mappings in Deep Residual Networks", Fig. 1(b):
/// batch norm and ReLU come <em>before</em> each convolution, and nothing follows the addition.
/// <code>
/// P = relu(bn1(X))
/// Y = conv2(relu(bn2(conv1(P))))
/// return Y + X                       // or + downsample(P) where the shape changes
/// </code>
/// </summary>
/// <remarks>
/// Because no ReLU follows the addition, block l + 1 receives x_l + F(x_l) unchanged, and unrolled over blocks
/// x_L = x_l + Σ F(x_i): the identity path runs from any block to any later one. A projection shortcut takes the
/// pre-activated P (it needs normalised input as much as conv1 does); the identity takes X itself, so the path stays
/// clean. A network of these blocks needs a final BN and ReLU after its last stage (<see cref="ResNet"/> adds it).
/// </remarks>
/// <example>
/// <code>
/// var blk = new PreActResidual(64, 64);                                   // (N, 64, H, W) → (N, 64, H, W)
/// var down = new PreActResidual(64, 128, useProjection: true, stride: 2); // (N, 64, H, W) → (N, 128, H/2, W/2)
/// </code>
/// </example>
public sealed class PreActResidual : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly nn.Module<Tensor, Tensor> bn2;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    /// <summary>The block in d2l's style: <c>PreActResidual(in, out, use_1x1conv, strides)</c>.</summary>
    /// <param name="inChannels">Channels of the input X.</param>
    /// <param name="outChannels">Channels of the output.</param>
    /// <param name="useProjection">A 1×1 convolution on the shortcut; required when the shape changes.</param>
    /// <param name="stride">Stride of conv1 (and of the projection).</param>
    /// <exception cref="ArgumentException">A size is not positive, or the shape changes while the shortcut is the identity.</exception>
    public PreActResidual(int inChannels, int outChannels, bool useProjection = false, int stride = 1)
        : this(inChannels, outChannels, stride, null, true, useProjection)
    {
    }

    /// <summary>The block with the shortcut module given; the stage builder makes it this way.</summary>
    /// <param name="inChannels">Channels of the input X.</param>
    /// <param name="outChannels">Channels of the output.</param>
    /// <param name="stride">Stride of conv1 (and of the shortcut).</param>
    /// <param name="downsample">The shortcut module, applied to relu(bn1(X)); <c>null</c> for the identity on X.</param>
    /// <param name="bias">Give the convolutions a bias (d2l style: yes; torchvision style: no).</param>
    /// <exception cref="ArgumentException">A size is not positive, or the shape changes while the shortcut is the identity.</exception>
    public PreActResidual(int inChannels, int outChannels, int stride, nn.Module<Tensor, Tensor>? downsample, bool bias = true)
        : this(inChannels, outChannels, stride, downsample, bias, false)
    {
    }

    private PreActResidual(int inChannels, int outChannels, int stride, nn.Module<Tensor, Tensor>? downsample, bool bias, bool useProjection)
        : base(nameof(PreActResidual))
    {
        (InChannels, OutChannels, Stride) = (inChannels, outChannels, stride);
        Check.Block(this, inChannels, outChannels, stride, identity: downsample is null && !useProjection);
        bn1 = nn.BatchNorm2d(inChannels);
        conv1 = nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1, bias: bias);
        bn2 = nn.BatchNorm2d(outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1, bias: bias);
        this.downsample = useProjection ? Shortcuts.Projection(inChannels, outChannels, stride) : downsample;
        RegisterComponents();
    }

    /// <summary>Channels of the input the block was built for.</summary>
    public int InChannels { get; }

    /// <summary>Channels of the block's output.</summary>
    public int OutChannels { get; }

    /// <summary>Stride of conv1 (and of a projection shortcut).</summary>
    public int Stride { get; }

    /// <summary>Computes <c>conv2(relu(bn2(conv1(relu(bn1(X)))))) + X</c> (or + downsample(relu(bn1(X)))).</summary>
    /// <param name="input">A batch (N, InChannels, H, W); the caller keeps ownership.</param>
    /// <returns>A new tensor (N, OutChannels, ⌈H / Stride⌉, ⌈W / Stride⌉); the caller owns it.</returns>
    /// <exception cref="ArgumentException">The input is not 4-D or has the wrong number of channels.</exception>
    /// <exception cref="InvalidOperationException">The shortcut's output does not match the residual branch.</exception>
    public override Tensor forward(Tensor input)
    {
        Check.Input(input, InChannels, this);
        using var scope = NewDisposeScope();

        var p = nn.functional.relu(bn1.call(input));
        var y = conv2.call(nn.functional.relu(bn2.call(conv1.call(p))));
        var x = downsample is null ? input : downsample.call(p);
        Check.SameShape(y, x, this, InChannels, OutChannels, Stride);
        return (y + x).MoveToOuterDisposeScope();
    }

    /// <summary>The block as messages name it, e.g. <c>PreActResidual(64 → 128, stride 2)</c>.</summary>
    public override string ToString() => $"PreActResidual({InChannels} → {OutChannels}, stride {Stride})";
}
