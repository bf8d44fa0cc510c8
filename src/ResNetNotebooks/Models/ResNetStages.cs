using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>
/// Builds the stages of a ResNet as d2l does: the stem <c>b1</c> and the residual stages <c>b2</c>, <c>b3</c>, …
/// (d2l's <c>resnet_block</c>; torchvision's <c>_make_layer</c>).
/// </summary>
public static class ResNetStages
{
    /// <summary>
    /// d2l's <c>b1</c>, the stem: a 7×7 convolution with stride 2 and padding 3, batch norm, ReLU, and a 3×3 max
    /// pool with stride 2 and padding 1. It divides height and width by 4: (1, 1, 224, 224) → (1, 64, 56, 56).
    /// </summary>
    /// <param name="inputChannels">Channels of the images (1 for Fashion-MNIST, 3 for RGB).</param>
    /// <param name="outChannels">Channels of the first stage (64 in ResNet-18 and -34).</param>
    /// <param name="bias">Give the convolution a bias (d2l: yes; torchvision: no).</param>
    /// <param name="batchNorm"><c>false</c> puts an identity where the batch norm would be.</param>
    /// <returns>A new <c>Sequential</c> whose children are named <c>0</c>..<c>3</c>, as in d2l.</returns>
    /// <exception cref="ArgumentException">A channel count is not positive.</exception>
    /// <example><code>var b1 = ResNetStages.Stem(inputChannels: 1); // (1, 1, 224, 224) → (1, 64, 56, 56)</code></example>
    public static Sequential Stem(int inputChannels, int outChannels = 64, bool bias = true, bool batchNorm = true)
    {
        var owner = $"Stem({inputChannels} → {outChannels})";
        Guard.Positive(inputChannels, owner, nameof(inputChannels), "pass the number of image channels (1 for grayscale, 3 for RGB)");
        Guard.Positive(outChannels, owner, nameof(outChannels), "pass the number of channels of the first stage (e.g. 64)");
        return nn.Sequential(
            nn.Conv2d(inputChannels, outChannels, kernel_size: 7, stride: 2, padding: 3, bias: bias),
            batchNorm ? nn.BatchNorm2d(outChannels) : nn.Identity(),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1));
    }

    /// <summary>
    /// The CIFAR stem of He et al. (2016), §4.2: "The first layer is 3×3 convolutions", here with 16 filters, stride 1
    /// and padding 1, then batch norm and ReLU; no max pool. It keeps height and width: (1, 3, 32, 32) → (1, 16, 32, 32).
    /// </summary>
    /// <param name="inputChannels">Channels of the images (3 for CIFAR-10, 1 for Fashion-MNIST).</param>
    /// <param name="outChannels">Channels of the first stage (16 in the paper).</param>
    /// <param name="bias">Give the convolution a bias (the paper: no, batch norm follows).</param>
    /// <param name="batchNorm"><c>false</c> puts an identity where the batch norm would be.</param>
    /// <returns>A new <c>Sequential</c> whose children are named <c>0</c>..<c>2</c>.</returns>
    /// <exception cref="ArgumentException">A channel count is not positive.</exception>
    /// <example><code>var b1 = ResNetStages.CifarStem(inputChannels: 1); // (1, 1, 28, 28) → (1, 16, 28, 28)</code></example>
    public static Sequential CifarStem(int inputChannels, int outChannels = 16, bool bias = false, bool batchNorm = true)
    {
        var owner = $"CifarStem({inputChannels} → {outChannels})";
        Guard.Positive(inputChannels, owner, nameof(inputChannels), "pass the number of image channels (1 for grayscale, 3 for RGB)");
        Guard.Positive(outChannels, owner, nameof(outChannels), "pass the number of channels of the first stage (16 in the paper)");
        return nn.Sequential(
            nn.Conv2d(inputChannels, outChannels, kernel_size: 3, stride: 1, padding: 1, bias: bias),
            batchNorm ? nn.BatchNorm2d(outChannels) : nn.Identity(),
            nn.ReLU());
    }

    /// <summary>
    /// d2l's <c>resnet_block</c>: <paramref name="numResiduals"/> residual blocks. Unless it is the first stage,
    /// the first block doubles the channels (<paramref name="inChannels"/> → <paramref name="outChannels"/>) and
    /// halves height and width (stride 2); every other block keeps the shape.
    /// </summary>
    /// <param name="inChannels">Channels of the stage's input.</param>
    /// <param name="outChannels">Channels of every block's output.</param>
    /// <param name="numResiduals">Number of residual blocks (2 per stage in ResNet-18).</param>
    /// <param name="firstStage">
    /// d2l's <c>first_block</c>: the stage right after the stem, which keeps stride 1 because the stem's max pool
    /// has already halved height and width.
    /// </param>
    /// <param name="shortcut">Which shortcut each block gets (<see cref="Shortcuts.For"/> decides).</param>
    /// <param name="projectionBatchNorm">Follow projections with batch norm (torchvision) instead of none (d2l).</param>
    /// <param name="bias">Give the convolutions a bias (d2l: yes; torchvision: no).</param>
    /// <returns>A new <c>Sequential</c> of <see cref="Residual"/> blocks named <c>0</c>, <c>1</c>, ….</returns>
    /// <exception cref="ArgumentException">A size is not positive.</exception>
    /// <example><code>var b3 = ResNetStages.Stage(64, 128, numResiduals: 2); // (1, 64, 56, 56) → (1, 128, 28, 28)</code></example>
    public static Sequential Stage(
        int inChannels,
        int outChannels,
        int numResiduals,
        bool firstStage = false,
        ShortcutOption shortcut = ShortcutOption.B,
        bool projectionBatchNorm = false,
        bool bias = true)
    {
        var owner = $"Stage({inChannels} → {outChannels}, {numResiduals} residual blocks)";
        Guard.Positive(inChannels, owner, nameof(inChannels), "pass the number of channels of the stage's input (e.g. 64)");
        Guard.Positive(outChannels, owner, nameof(outChannels), "pass the number of channels of the stage's output (e.g. 128)");
        Guard.Positive(numResiduals, owner, nameof(numResiduals), "a stage needs at least one residual block (ResNet-18 has 2)");

        var blocks = new List<nn.Module<Tensor, Tensor>>(numResiduals);
        for (var i = 0; i < numResiduals; i++)
        {
            var (cin, stride) = i == 0 ? (inChannels, firstStage ? 1 : 2) : (outChannels, 1);
            var downsample = Shortcuts.For(shortcut, cin, outChannels, stride, projectionBatchNorm, bias);
            blocks.Add(new Residual(cin, outChannels, stride, downsample, bias));
        }

        return nn.Sequential(blocks);
    }

    /// <summary>
    /// Residual stage <paramref name="index"/> of the network <paramref name="config"/> describes (torchvision's
    /// <c>_make_layer</c>): <c>BlocksPerStage[index]</c> blocks of <c>config.Block</c>'s kind, the first with stride 2
    /// (except in the first stage) and the shortcut that <see cref="Shortcuts.For"/> chooses.
    /// </summary>
    /// <param name="config">The network; it is not validated here (<see cref="ResNet"/> does that).</param>
    /// <param name="index">0 for the first residual stage (<c>b2</c>).</param>
    /// <param name="block">Builds each block instead of the config's kind, e.g. a block written in a notebook cell; <c>null</c> for the library's.</param>
    /// <returns>A new <c>Sequential</c> of blocks named <c>0</c>, <c>1</c>, ….</returns>
    /// <example><code>var layer1 = ResNetStages.Stage(ResNetConfig.ResNet50.AsTorchVision(), 0); // (N, 64, 56, 56) → (N, 256, 56, 56)</code></example>
    public static Sequential Stage(ResNetConfig config, int index, Func<BlockSpec, nn.Module<Tensor, Tensor>>? block = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var inChannels = index == 0 ? config.ChannelsPerStage[0] : config.StageOutputChannels(index - 1);
        var outChannels = config.StageOutputChannels(index);
        var blocks = new List<nn.Module<Tensor, Tensor>>(config.BlocksPerStage[index]);
        for (var i = 0; i < config.BlocksPerStage[index]; i++)
        {
            var (cin, stride) = i == 0 ? (inChannels, index == 0 ? 1 : 2) : (outChannels, 1);
            var plain = config.Shortcut == ShortcutOption.None;
            var spec = new BlockSpec(
                cin, config.BottleneckWidth(index), outChannels, stride, config.Groups, config.ConvBias,
                plain ? null : Shortcuts.For(config.Shortcut, cin, outChannels, stride, config.ProjectionBatchNorm, config.ConvBias),
                HasShortcut: !plain,
                BatchNorm: config.BatchNorm);
            blocks.Add(block is null ? Block(config, spec) : block(spec));
        }

        return nn.Sequential(blocks);
    }

    /// <summary>Builds the block of <paramref name="config"/>'s kind that <paramref name="spec"/> describes.</summary>
    /// <param name="config">Gives the kind (<see cref="ResNetConfig.Block"/>) and the bottleneck's stride placement.</param>
    /// <param name="spec">Channels, stride, groups, bias and shortcut.</param>
    /// <returns>A new <see cref="Residual"/>, <see cref="Bottleneck"/>, <see cref="PreActResidual"/> or <see cref="ResNeXtBlock"/>;
    /// a <see cref="PlainBlock"/> when the spec has no shortcut.</returns>
    public static nn.Module<Tensor, Tensor> Block(ResNetConfig config, BlockSpec spec)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.HasShortcut)
        {
            return config.Block == BlockKind.Basic
                ? new PlainBlock(spec.InChannels, spec.OutChannels, spec.Stride, spec.Bias, spec.BatchNorm)
                : throw new ArgumentException(
                    $"ResNetConfig has Shortcut = None with {config.Block} blocks; plain networks are built from basic blocks " +
                    "only (Block = BlockKind.Basic).", nameof(config));
        }

        return config.Block switch
        {
            BlockKind.Basic => new Residual(spec.InChannels, spec.OutChannels, spec.Stride, spec.Downsample, spec.Bias, spec.BatchNorm),
            BlockKind.Bottleneck => new Bottleneck(
                spec.InChannels, spec.Width, spec.OutChannels, spec.Stride, spec.Downsample, spec.Groups, spec.Bias,
                config.BottleneckStrideOn1x1),
            BlockKind.PreActivation => new PreActResidual(spec.InChannels, spec.OutChannels, spec.Stride, spec.Downsample, spec.Bias),
            BlockKind.ResNeXt => new ResNeXtBlock(
                spec.InChannels, spec.OutChannels, spec.Width, spec.Groups, spec.Stride, spec.Downsample, spec.Bias),
            _ => throw new ArgumentOutOfRangeException(
                nameof(config), $"ResNetConfig.Block is {config.Block}, which the builder does not know; use one of {string.Join(", ", Enum.GetNames<BlockKind>())}."),
        };
    }

    /// <summary>The stem <c>b1</c> of <paramref name="config"/>'s kind (<see cref="ResNetConfig.Stem"/>).</summary>
    /// <param name="config">Gives the kind, the image channels, the first stage's channels and the bias setting.</param>
    /// <returns>A new <c>Sequential</c>.</returns>
    public static Sequential Stem(ResNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Stem switch
        {
            StemKind.ImageNet => Stem(config.InputChannels, config.ChannelsPerStage[0], config.ConvBias, config.BatchNorm),
            StemKind.Cifar => CifarStem(config.InputChannels, config.ChannelsPerStage[0], config.ConvBias, config.BatchNorm),
            _ => throw new ArgumentOutOfRangeException(
                nameof(config), $"ResNetConfig.Stem is {config.Stem}, which the builder does not know; use one of {string.Join(", ", Enum.GetNames<StemKind>())}."),
        };
    }
}
