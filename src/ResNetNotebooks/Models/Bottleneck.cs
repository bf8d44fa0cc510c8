using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>
/// The bottleneck block of He et al. (2016), Fig. 5 right, as torchvision writes it: a 1×1 convolution reduces the
/// channels to <c>width</c>, a 3×3 convolution works at that width, a 1×1 convolution expands to
/// <c>outChannels</c> (4 × width in ResNet-50/101/152), each followed by batch norm.
/// <code>
/// Y = relu(bn1(conv1(X)))          // 1×1, inChannels → width
/// Y = relu(bn2(conv2(Y)))          // 3×3, width → width, stride, groups
/// Y = bn3(conv3(Y))                // 1×1, width → outChannels
/// return relu(Y + downsample(X))   // downsample is the identity when it is null
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// The 1×1 convolutions around a narrow 3×3 make depth affordable: at 256 channels, a bottleneck with width 64 has
/// 256·64 + 9·64·64 + 64·256 = 69,632 weights, two 3×3 convolutions at 256 channels 2·9·256·256 = 1,179,648.
/// </para>
/// <para>
/// Stride: torchvision (and NVIDIA's "ResNet v1.5") put it on the 3×3 convolution; the paper put it on the first
/// 1×1 (<c>strideOn1x1</c>). Same parameters, different compute: with the stride first, the 3×3 runs
/// on the smaller map. No convolution has a bias by default, as in torchvision.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var blk = new Bottleneck(256, 64);                                      // (N, 256, H, W) → (N, 256, H, W)
/// var down = new Bottleneck(256, 128, stride: 2, useProjection: true);    // (N, 256, H, W) → (N, 512, H/2, W/2)
/// </code>
/// </example>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    /// <summary>How many times wider the output is than the bottleneck (torchvision's <c>expansion</c>).</summary>
    public const int Expansion = 4;

    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly nn.Module<Tensor, Tensor> bn2;
    private readonly nn.Module<Tensor, Tensor> conv3;
    private readonly nn.Module<Tensor, Tensor> bn3;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    /// <summary>
    /// The torchvision block in short: output channels 4 × <paramref name="width"/>, and, when
    /// <paramref name="useProjection"/>, a 1×1 convolution with batch norm on the shortcut.
    /// </summary>
    /// <param name="inChannels">Channels of the input X.</param>
    /// <param name="width">Channels of the 1×1 reduction and the 3×3 convolution (torchvision's <c>planes</c>).</param>
    /// <param name="stride">Stride of the 3×3 convolution (and of the projection): 2 halves height and width.</param>
    /// <param name="useProjection">Put a 1×1 convolution with batch norm on the shortcut; required when the shape changes.</param>
    /// <exception cref="ArgumentException">A size is not positive, or the shape changes while the shortcut is the identity.</exception>
    public Bottleneck(int inChannels, int width, int stride = 1, bool useProjection = false)
        : this(inChannels, width, Expansion * width, stride,
               Shortcut(inChannels, width, stride, useProjection))
    {
    }

    /// <summary>The block with every choice explicit; <see cref="ResNetStages"/> builds it this way.</summary>
    /// <param name="inChannels">Channels of the input X.</param>
    /// <param name="width">Channels of the 1×1 reduction and the 3×3 convolution.</param>
    /// <param name="outChannels">Channels of the output (4 × width in ResNet-50/101/152).</param>
    /// <param name="stride">Stride of the block: 2 halves height and width.</param>
    /// <param name="downsample">The shortcut module; <c>null</c> for the identity.</param>
    /// <param name="groups">Groups of the 3×3 convolution (1; 32 in ResNeXt-50 32×4d); must divide <paramref name="width"/>.</param>
    /// <param name="bias">Give the three convolutions a bias (torchvision: no; d2l's blocks: yes).</param>
    /// <param name="strideOn1x1">Put the stride on the first 1×1 (the paper) instead of the 3×3 (torchvision).</param>
    /// <exception cref="ArgumentException">A size is not positive, groups do not divide the width, or the identity cannot fit.</exception>
    public Bottleneck(
        int inChannels, int width, int outChannels, int stride, nn.Module<Tensor, Tensor>? downsample,
        int groups = 1, bool bias = false, bool strideOn1x1 = false)
        : base(nameof(Bottleneck))
    {
        var owner = Describe(inChannels, width, outChannels, stride);
        BlockChecks.Sizes(owner, inChannels, width, outChannels, stride, groups);
        if (downsample is null)
        {
            BlockChecks.IdentityFits(owner, inChannels, outChannels, stride);
        }

        InChannels = inChannels;
        Width = width;
        OutChannels = outChannels;
        Stride = stride;
        StrideOn1x1 = strideOn1x1;
        conv1 = nn.Conv2d(inChannels, width, kernel_size: 1, stride: strideOn1x1 ? stride : 1, bias: bias);
        bn1 = nn.BatchNorm2d(width);
        conv2 = nn.Conv2d(width, width, kernel_size: 3, stride: strideOn1x1 ? 1 : stride, padding: 1, groups: groups, bias: bias);
        bn2 = nn.BatchNorm2d(width);
        conv3 = nn.Conv2d(width, outChannels, kernel_size: 1, bias: bias);
        bn3 = nn.BatchNorm2d(outChannels);
        this.downsample = downsample;
        RegisterComponents();
    }

    /// <summary>Channels of the input the block was built for.</summary>
    public int InChannels { get; }

    /// <summary>Channels inside the bottleneck (the 1×1 reduction and the 3×3 convolution).</summary>
    public int Width { get; }

    /// <summary>Channels of the block's output.</summary>
    public int OutChannels { get; }

    /// <summary>The block's stride.</summary>
    public int Stride { get; }

    /// <summary>Whether the stride sits on the first 1×1 convolution (the paper) rather than the 3×3 (torchvision).</summary>
    public bool StrideOn1x1 { get; }

    /// <summary>Computes <c>relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(X)))))))) + downsample(X))</c>.</summary>
    /// <param name="input">A batch (N, InChannels, H, W); the caller keeps ownership.</param>
    /// <returns>A new tensor (N, OutChannels, ⌈H / Stride⌉, ⌈W / Stride⌉); the caller owns it.</returns>
    /// <exception cref="ArgumentException">The input is not 4-D or has the wrong number of channels.</exception>
    /// <exception cref="InvalidOperationException">The shortcut's output does not match the residual branch.</exception>
    public override Tensor forward(Tensor input)
    {
        var owner = Describe(InChannels, Width, OutChannels, Stride);
        Guard.ImageBatch(input, InChannels, owner, "inChannels: ");
        using var scope = NewDisposeScope();

        var y = nn.functional.relu(bn1.call(conv1.call(input)));
        y = nn.functional.relu(bn2.call(conv2.call(y)));
        y = bn3.call(conv3.call(y));
        var x = downsample is null ? input : downsample.call(input);
        Guard.SameShape(y, x, owner, $"Shortcuts.Projection({InChannels}, {OutChannels}, {Stride}, batchNorm: true, bias: false)");
        return nn.functional.relu(y + x).MoveToOuterDisposeScope();
    }

    private static string Describe(int inChannels, int width, int outChannels, int stride) =>
        $"Bottleneck({inChannels} → {width} → {outChannels}, stride {stride})";

    private static nn.Module<Tensor, Tensor>? Shortcut(int inChannels, int width, int stride, bool useProjection)
    {
        BlockChecks.Sizes(Describe(inChannels, width, Expansion * width, stride), inChannels, width, Expansion * width, stride, 1);
        return useProjection
            ? Shortcuts.Projection(inChannels, Expansion * width, stride, batchNorm: true, bias: false)
            : null;
    }
}
