using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>
/// d2l's ResNeXt block (Xie et al. 2017, "Aggregated Residual Transformations"): a bottleneck whose 3×3
/// convolution is grouped, so its cost falls from c_i·c_o to c_i·c_o/g.
/// <code>
/// Y = relu(bn1(conv1(X)))          // 1×1, inChannels → b (bottleneck channels)
/// Y = relu(bn2(conv2(Y)))          // 3×3, b → b, in `groups` independent groups, stride
/// Y = bn3(conv3(Y))                // 1×1, b → outChannels
/// return relu(Y + downsample(X))   // d2l's conv4 + bn4, or the identity
/// </code>
/// </summary>
/// <remarks>
/// d2l's constructor is <c>ResNeXtBlock(num_channels, groups, bot_mul, use_1x1conv, strides)</c> with
/// <c>bot_channels = round(num_channels · bot_mul)</c> and a 3×3 convolution of <c>bot_channels // groups</c>
/// groups: its <c>groups</c> argument is the number of channels <em>per group</em> (d2l's later
/// <c>GroupConvBotResidual</c> calls it <c>group_width</c>). The short constructor keeps d2l's meaning and calls it
/// <c>groupWidth</c>; the full constructor takes the number of groups, as <c>nn.Conv2d</c> and torchvision do.
/// As in d2l, every convolution has a bias and the projection is followed by batch norm.
/// </remarks>
/// <example>
/// <code>
/// var blk = new ResNeXtBlock(32, 16, 1);                                    // d2l: (4, 32, 96, 96) → (4, 32, 96, 96)
/// var down = new ResNeXtBlock(32, 16, 1, useProjection: true, stride: 2);   // (4, 32, 96, 96) → (4, 32, 48, 48)
/// </code>
/// </example>
public sealed class ResNeXtBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly nn.Module<Tensor, Tensor> bn2;
    private readonly nn.Module<Tensor, Tensor> conv3;
    private readonly nn.Module<Tensor, Tensor> bn3;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    /// <summary>
    /// d2l's <c>ResNeXtBlock(num_channels, groups, bot_mul, use_1x1conv, strides)</c>, with input channels equal to
    /// <paramref name="numChannels"/> (d2l's lazy layers take them from the input).
    /// </summary>
    /// <param name="numChannels">Channels of the input and the output.</param>
    /// <param name="groupWidth">d2l's <c>groups</c>: channels per group of the 3×3 convolution.</param>
    /// <param name="botMul">Bottleneck channels as a fraction of <paramref name="numChannels"/> (1 = no narrowing).</param>
    /// <param name="useProjection">d2l's <c>use_1x1conv</c>: a 1×1 convolution with batch norm on the shortcut.</param>
    /// <param name="stride">Stride of the 3×3 convolution (and of the projection).</param>
    /// <exception cref="ArgumentException">A size is not positive, the group width does not divide the bottleneck, or the identity cannot fit.</exception>
    public ResNeXtBlock(int numChannels, int groupWidth, double botMul, bool useProjection = false, int stride = 1)
        : this(numChannels, numChannels, BottleneckChannels(numChannels, botMul),
               Groups(numChannels, groupWidth, botMul), stride,
               D2lShortcut(numChannels, useProjection, stride))
    {
    }

    /// <summary>The block with every choice explicit; <see cref="ResNetStages"/> builds ResNeXt-50 this way.</summary>
    /// <param name="inChannels">Channels of the input X.</param>
    /// <param name="outChannels">Channels of the output.</param>
    /// <param name="bottleneckChannels">d2l's <c>bot_channels</c> (b): channels of the 1×1 reduction and the grouped 3×3.</param>
    /// <param name="groups">Number of groups of the 3×3 convolution (32 in ResNeXt-50 32×4d); must divide <paramref name="bottleneckChannels"/>.</param>
    /// <param name="stride">Stride of the 3×3 convolution (and of the shortcut).</param>
    /// <param name="downsample">The shortcut module; <c>null</c> for the identity.</param>
    /// <param name="bias">Give the three convolutions a bias (d2l: yes; torchvision's ResNeXt: no).</param>
    /// <exception cref="ArgumentException">A size is not positive, groups do not divide the bottleneck, or the identity cannot fit.</exception>
    public ResNeXtBlock(
        int inChannels, int outChannels, int bottleneckChannels, int groups, int stride,
        nn.Module<Tensor, Tensor>? downsample, bool bias = true)
        : base(nameof(ResNeXtBlock))
    {
        var owner = Describe(inChannels, outChannels, bottleneckChannels, groups, stride);
        BlockChecks.Sizes(owner, inChannels, bottleneckChannels, outChannels, stride, groups);
        if (downsample is null)
        {
            BlockChecks.IdentityFits(owner, inChannels, outChannels, stride);
        }

        InChannels = inChannels;
        OutChannels = outChannels;
        BottleneckWidth = bottleneckChannels;
        GroupCount = groups;
        Stride = stride;
        conv1 = nn.Conv2d(inChannels, bottleneckChannels, kernel_size: 1, bias: bias);
        bn1 = nn.BatchNorm2d(bottleneckChannels);
        conv2 = nn.Conv2d(bottleneckChannels, bottleneckChannels, kernel_size: 3, stride: stride, padding: 1, groups: groups, bias: bias);
        bn2 = nn.BatchNorm2d(bottleneckChannels);
        conv3 = nn.Conv2d(bottleneckChannels, outChannels, kernel_size: 1, bias: bias);
        bn3 = nn.BatchNorm2d(outChannels);
        this.downsample = downsample;
        RegisterComponents();
    }

    /// <summary>Channels of the input the block was built for.</summary>
    public int InChannels { get; }

    /// <summary>Channels of the block's output.</summary>
    public int OutChannels { get; }

    /// <summary>d2l's <c>bot_channels</c>: channels of the 1×1 reduction and of the grouped 3×3 convolution.</summary>
    public int BottleneckWidth { get; }

    /// <summary>Number of groups of the 3×3 convolution (d2l: <c>bot_channels // groups</c>).</summary>
    public int GroupCount { get; }

    /// <summary>The block's stride.</summary>
    public int Stride { get; }

    /// <summary>Computes <c>relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(X)))))))) + downsample(X))</c>.</summary>
    /// <param name="input">A batch (N, InChannels, H, W); the caller keeps ownership.</param>
    /// <returns>A new tensor (N, OutChannels, ⌈H / Stride⌉, ⌈W / Stride⌉); the caller owns it.</returns>
    /// <exception cref="ArgumentException">The input is not 4-D or has the wrong number of channels.</exception>
    /// <exception cref="InvalidOperationException">The shortcut's output does not match the residual branch.</exception>
    public override Tensor forward(Tensor input)
    {
        var owner = Describe(InChannels, OutChannels, BottleneckWidth, GroupCount, Stride);
        Guard.ImageBatch(input, InChannels, owner, "inChannels: ");
        using var scope = NewDisposeScope();

        var y = nn.functional.relu(bn1.call(conv1.call(input)));
        y = nn.functional.relu(bn2.call(conv2.call(y)));
        y = bn3.call(conv3.call(y));
        var x = downsample is null ? input : downsample.call(input);
        Guard.SameShape(y, x, owner, $"Shortcuts.Projection({InChannels}, {OutChannels}, {Stride}, batchNorm: true)");
        return nn.functional.relu(y + x).MoveToOuterDisposeScope();
    }

    private static string Describe(int inChannels, int outChannels, int bottleneckChannels, int groups, int stride) =>
        $"ResNeXtBlock({inChannels} → {bottleneckChannels} in {groups} groups → {outChannels}, stride {stride})";

    private static int BottleneckChannels(int numChannels, double botMul)
    {
        var owner = $"ResNeXtBlock({numChannels}, bot_mul {botMul})";
        Guard.Positive(numChannels, owner, nameof(numChannels), "pass the number of channels of the block (e.g. 32)");
        var b = (int)Math.Round(numChannels * botMul, MidpointRounding.ToEven);   // Python's round()
        Guard.Positive(b, owner, "bot_channels", "use a bottleneck multiplier botMul > 0 (d2l uses 1 or 0.25)");
        return b;
    }

    private static nn.Module<Tensor, Tensor>? D2lShortcut(int numChannels, bool useProjection, int stride)
    {
        Guard.Positive(stride, $"ResNeXtBlock({numChannels}, stride {stride})", nameof(stride), "use 1 to keep height and width or 2 to halve them");
        return useProjection ? Shortcuts.Projection(numChannels, numChannels, stride, batchNorm: true) : null;
    }

    private static int Groups(int numChannels, int groupWidth, double botMul)
    {
        var b = BottleneckChannels(numChannels, botMul);
        var owner = $"ResNeXtBlock({numChannels}, {groupWidth}, {botMul})";
        Guard.Positive(groupWidth, owner, nameof(groupWidth), "pass the channels per group (d2l's groups), e.g. 16");
        if (b % groupWidth != 0)
        {
            throw new ArgumentException(
                $"{owner}: the bottleneck has {b} channels, which groups of {groupWidth} channels do not divide evenly; " +
                $"use a group width that divides {b} (d2l's groups argument is the channels per group).",
                nameof(groupWidth));
        }

        return b / groupWidth;
    }
}
