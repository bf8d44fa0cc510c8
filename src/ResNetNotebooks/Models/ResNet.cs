using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>
/// A ResNet built from a <see cref="ResNetConfig"/>, named as in d2l: the stem <c>b1</c>, the stages <c>b2</c>, <c>b3</c>, …
/// (torchvision's <c>layer1</c>…), <c>avgpool</c>, <c>flatten</c>, <c>fc</c>; a pre-activation network adds <c>post</c>.
/// Inside a block, torchvision's names. Design notes and d2l's shape walk: <c>docs/models.md</c>.
/// </summary>
/// <example><code>var net = new ResNet(ResNetConfig.ResNet18); // 1 input channel, 10 classes: 11,178,378 parameters</code></example>
public sealed class ResNet : nn.Module<Tensor, Tensor>
{
    private readonly Sequential b1;
    private readonly Sequential[] stages;
    private readonly Sequential? post;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Flatten flatten;
    private readonly Linear fc;

    /// <summary>Validates <paramref name="config"/> and builds the network it describes.</summary>
    /// <param name="config">The network: stages, blocks, stem, shortcut option.</param>
    /// <param name="block">Builds every block instead of the config's kind (a block written in a notebook); <c>null</c> for the library's.</param>
    /// <exception cref="ArgumentException">The config is invalid (see <see cref="ResNetConfig.Validate"/>).</exception>
    public ResNet(ResNetConfig config, Func<BlockSpec, nn.Module<Tensor, Tensor>>? block = null) : base(nameof(ResNet))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        b1 = Stem(config);
        stages = [.. Enumerable.Range(0, config.BlocksPerStage.Count).Select(i => Stage(config, i, block))];
        var lastChannels = config.StageOutputChannels(stages.Length - 1);
        post = config.Block == BlockKind.PreActivation ? nn.Sequential(nn.BatchNorm2d(lastChannels), nn.ReLU()) : null;
        avgpool = nn.AdaptiveAvgPool2d((1, 1));
        flatten = nn.Flatten();
        fc = nn.Linear(lastChannels, config.NumClasses);

        // The stages live in an array: register the children by hand, in the order of the forward pass.
        register_module(nameof(b1), b1);
        for (var i = 0; i < stages.Length; i++)
        {
            register_module($"b{i + 2}", stages[i]);
        }

        if (post is not null)
        {
            register_module(nameof(post), post);
        }

        register_module(nameof(avgpool), avgpool);
        register_module(nameof(flatten), flatten);
        register_module(nameof(fc), fc);
        RegisterComponents();
    }

    /// <summary>The config the network was built from.</summary>
    public ResNetConfig Config { get; }

    /// <summary>ResNet-18 as in d2l (<see cref="ResNetConfig.ResNet18"/>) with the given images, classes and shortcut option.</summary>
    public static ResNet ResNet18(int inputChannels = 1, int numClasses = 10, ShortcutOption shortcut = ShortcutOption.B) =>
        new(ResNetConfig.ResNet18 with { InputChannels = inputChannels, NumClasses = numClasses, Shortcut = shortcut });

    /// <summary>ResNet-34 (<see cref="ResNetConfig.ResNet34"/>) with the given images, classes and shortcut option.</summary>
    public static ResNet ResNet34(int inputChannels = 1, int numClasses = 10, ShortcutOption shortcut = ShortcutOption.B) =>
        new(ResNetConfig.ResNet34 with { InputChannels = inputChannels, NumClasses = numClasses, Shortcut = shortcut });

    /// <summary>d2l's <c>b1</c> (children <c>0</c>…): 7×7 conv, BN, ReLU, max pool; or the CIFAR stem, a 3×3 conv, BN, ReLU.</summary>
    /// <param name="config">A valid config (<see cref="ResNet"/> validates it; presets are valid).</param>
    public static Sequential Stem(ResNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (cin, cout, bias) = (config.InputChannels, config.ChannelsPerStage[0], config.ConvBias);
        var bn = config.BatchNorm ? nn.BatchNorm2d(cout) : (nn.Module<Tensor, Tensor>)nn.Identity();
        return config.Stem == StemKind.Cifar
            ? nn.Sequential(nn.Conv2d(cin, cout, kernel_size: 3, stride: 1, padding: 1, bias: bias), bn, nn.ReLU())
            : nn.Sequential(nn.Conv2d(cin, cout, kernel_size: 7, stride: 2, padding: 3, bias: bias), bn, nn.ReLU(),
                            nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1));
    }

    /// <summary>
    /// Stage <paramref name="index"/> (0 is <c>b2</c>; d2l's <c>resnet_block</c>, torchvision's <c>_make_layer</c>): its first block
    /// moves to the stage's channels with stride 2 (stride 1 in the first stage, after the stem's pool), the others keep the shape;
    /// each block gets the shortcut <see cref="Shortcuts.For"/> decides.
    /// </summary>
    /// <param name="config">A valid config (<see cref="ResNet"/> validates it; presets are valid).</param>
    /// <param name="index">0 for the first residual stage.</param>
    /// <param name="block">Builds each block from the builder's decisions instead of the config's kind; <c>null</c> for the library's.</param>
    public static Sequential Stage(ResNetConfig config, int index, Func<BlockSpec, nn.Module<Tensor, Tensor>>? block = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var outChannels = config.StageOutputChannels(index);
        var blocks = new List<nn.Module<Tensor, Tensor>>();
        for (var i = 0; i < config.BlocksPerStage[index]; i++)
        {
            var (cin, stride) = i > 0 ? (outChannels, 1) : index == 0 ? (config.ChannelsPerStage[0], 1) : (config.StageOutputChannels(index - 1), 2);
            var plain = config.Shortcut == ShortcutOption.None;
            var spec = new BlockSpec(cin, config.BottleneckWidth(index), outChannels, stride, config.Groups, config.ConvBias,
                plain ? null : Shortcuts.For(config.Shortcut, cin, outChannels, stride, config.ProjectionBatchNorm, config.ConvBias), !plain, config.BatchNorm);
            blocks.Add(block is not null ? block(spec) : config.Block switch
            {
                _ when plain => new PlainBlock(cin, outChannels, stride, spec.Bias, spec.BatchNorm),
                BlockKind.Basic => new Residual(cin, outChannels, stride, spec.Downsample, spec.Bias, spec.BatchNorm),
                BlockKind.Bottleneck => new Bottleneck(cin, spec.Width, outChannels, stride, spec.Downsample, spec.Groups, spec.Bias, config.BottleneckStrideOn1x1),
                _ => new PreActResidual(cin, outChannels, stride, spec.Downsample, spec.Bias),
            });
        }

        return nn.Sequential(blocks);
    }

    /// <summary>Runs <c>fc(flatten(avgpool(b5(…b2(b1(X))))))</c> on (N, InputChannels, H, W); the caller owns the logits.</summary>
    /// <exception cref="ArgumentException">The input is not 4-D or has the wrong number of channels.</exception>
    public override Tensor forward(Tensor input)
    {
        Check.Input(input, Config.InputChannels, nameof(ResNet), "inputChannels: ");
        using var scope = NewDisposeScope();
        var x = b1.call(input);
        foreach (var stage in stages)
        {
            x = stage.call(x);
        }

        x = post is null ? x : post.call(x);
        return fc.call(flatten.call(avgpool.call(x))).MoveToOuterDisposeScope();
    }
}

/// <summary>What the stage builder decided about one block; a block factory passed to <see cref="ResNet"/> receives it.</summary>
/// <param name="InChannels">Channels of the block's input.</param>
/// <param name="OutChannels">Channels of the block's output.</param>
/// <param name="Width">Channels inside the block: the bottleneck width, or the output channels for a basic block.</param>
/// <param name="Stride">2 for the first block of every stage but the first, else 1.</param>
/// <param name="Groups">Groups of the 3×3 convolution (1 except in ResNeXt).</param>
/// <param name="Bias">Whether the convolutions get a bias (<see cref="ResNetConfig.ConvBias"/>).</param>
/// <param name="Downsample">The shortcut module the config's option prescribes; <c>null</c> for the identity (or none).</param>
/// <param name="HasShortcut"><c>false</c> in a plain network (<see cref="ShortcutOption.None"/>).</param>
/// <param name="BatchNorm"><c>false</c> when the config turns batch norm off.</param>
public sealed record BlockSpec(
    int InChannels, int Width, int OutChannels, int Stride, int Groups, bool Bias,
    nn.Module<Tensor, Tensor>? Downsample, bool HasShortcut = true, bool BatchNorm = true);
