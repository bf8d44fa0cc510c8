using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>
/// The plain twin of <see cref="Residual"/>: the same two 3×3 convolutions with batch norm and ReLU, and nothing
/// added at the end, <c>Y = ReLU(BN(conv2(ReLU(BN(conv1(X))))))</c>. Stacks of these are the "plain" networks of He et
/// al. (2016), §4.1–4.2, whose deeper versions train worse than their shallower ones (the degradation problem).
/// Children are named as in <see cref="Residual"/> (<c>conv1</c>, <c>bn1</c>, <c>conv2</c>, <c>bn2</c>), so the two
/// have the same parameters, name for name.
/// </summary>
/// <example>
/// <code>
/// var plain = new PlainBlock(16, 32, stride: 2);          // (N, 16, 32, 32) → (N, 32, 16, 16)
/// var twin = new Residual(16, 32, 2, new ZeroPadShortcut(16, 32, 2), bias: false); // the same, plus X
/// </code>
/// </example>
public sealed class PlainBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly nn.Module<Tensor, Tensor> bn2;

    /// <summary>Builds the two convolutions.</summary>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels of the output.</param>
    /// <param name="stride">Stride of <c>conv1</c>: 2 halves height and width.</param>
    /// <param name="bias">Give the convolutions a bias (the paper's CIFAR networks: no).</param>
    /// <param name="batchNorm"><c>false</c> makes <c>bn1</c> and <c>bn2</c> identities.</param>
    /// <exception cref="ArgumentException">A size is not positive.</exception>
    public PlainBlock(int inChannels, int outChannels, int stride = 1, bool bias = false, bool batchNorm = true)
        : base(nameof(PlainBlock))
    {
        (InChannels, OutChannels, Stride) = (inChannels, outChannels, stride);
        Check.Block(this, inChannels, outChannels, stride, identity: false);
        conv1 = nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1, bias: bias);
        bn1 = batchNorm ? nn.BatchNorm2d(outChannels) : nn.Identity();
        conv2 = nn.Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1, bias: bias);
        bn2 = batchNorm ? nn.BatchNorm2d(outChannels) : nn.Identity();
        RegisterComponents();
    }

    /// <summary>Channels of the input.</summary>
    public int InChannels { get; }

    /// <summary>Channels of the output.</summary>
    public int OutChannels { get; }

    /// <summary>Stride of the first convolution.</summary>
    public int Stride { get; }

    /// <summary>Runs the two convolutions; nothing is added.</summary>
    /// <param name="input">A batch (N, InChannels, H, W); the caller keeps ownership.</param>
    /// <returns>A new tensor (N, OutChannels, ⌈H / Stride⌉, ⌈W / Stride⌉).</returns>
    /// <exception cref="ArgumentException">The input is not 4-D or has the wrong number of channels.</exception>
    public override Tensor forward(Tensor input)
    {
        Check.Input(input, InChannels, this);
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(bn1.call(conv1.call(input)));
        return nn.functional.relu(bn2.call(conv2.call(y))).MoveToOuterDisposeScope();
    }

    /// <summary>The block as messages name it, e.g. <c>PlainBlock(16 → 32, stride 2)</c>.</summary>
    public override string ToString() => $"PlainBlock({InChannels} → {OutChannels}, stride {Stride})";
}
