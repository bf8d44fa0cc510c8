using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>
/// A ResNet built from a <see cref="ResNetConfig"/>, with d2l's names <c>b1</c> (stem), <c>b2</c>, <c>b3</c>, … (stages), <c>avgpool</c>,
/// <c>flatten</c>, <c>fc</c> (and <c>post</c> for pre-activation); torchvision's names inside blocks. See docs/models.md.
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
        for (var i = 0; i < stages.Length; i++) register_module($"b{i + 2}", stages[i]);
        if (post is not null) register_module(nameof(post), post);
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
        var (cin, cout, bias) = (config.InputChannels, config.ChannelsPerStage[0], config.ConvBias);
        var bn = config.BatchNorm ? nn.BatchNorm2d(cout) : (nn.Module<Tensor, Tensor>)nn.Identity();
        return config.Stem == StemKind.Cifar
            ? nn.Sequential(nn.Conv2d(cin, cout, kernel_size: 3, stride: 1, padding: 1, bias: bias), bn, nn.ReLU())
            : nn.Sequential(nn.Conv2d(cin, cout, kernel_size: 7, stride: 2, padding: 3, bias: bias), bn, nn.ReLU(),
                            nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1));
    }

    /// <summary>
    /// Stage <paramref name="index"/> (d2l's <c>resnet_block</c>, torchvision's <c>_make_layer</c>): the first block changes channels with
    /// stride 2 (1 in the first stage, after the stem's pool), the others keep the shape; <see cref="Shortcuts.For"/> gives the shortcuts.
    /// </summary>
    /// <param name="config">A valid config (<see cref="ResNet"/> validates it; presets are valid).</param>
    /// <param name="index">0 for the first residual stage.</param>
    /// <param name="block">Builds each block from the builder's decisions instead of the config's kind; <c>null</c> for the library's.</param>
    public static Sequential Stage(ResNetConfig config, int index, Func<BlockSpec, nn.Module<Tensor, Tensor>>? block = null)
    {
        var outChannels = config.StageOutputChannels(index);
        var blocks = new List<nn.Module<Tensor, Tensor>>();
        for (var i = 0; i < config.BlocksPerStage[index]; i++)
        {
            var (cin, stride) = i > 0 ? (outChannels, 1) : index == 0 ? (config.ChannelsPerStage[0], 1) : (config.StageOutputChannels(index - 1), 2);
            var plain = config.Shortcut == ShortcutOption.None;
            var downsample = plain ? null : Shortcuts.For(config.Shortcut, cin, outChannels, stride, config.ProjectionBatchNorm, config.ConvBias);
            var (width, bias, bn) = (config.BottleneckWidth(index), config.ConvBias, config.BatchNorm);
            blocks.Add(block is not null ? block(new BlockSpec(cin, width, outChannels, stride, config.Groups, bias, downsample, !plain, bn)) : config.Block switch
            {
                _ when plain => new PlainBlock(cin, outChannels, stride, bias, bn),
                BlockKind.Basic => new Residual(cin, outChannels, stride, downsample, bias, bn),
                BlockKind.Bottleneck => new Bottleneck(cin, width, outChannels, stride, downsample, config.Groups, bias, config.BottleneckStrideOn1x1),
                _ => new PreActResidual(cin, outChannels, stride, downsample, bias),
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
        foreach (var stage in stages) x = stage.call(x);
        x = post is null ? x : post.call(x);
        return fc.call(flatten.call(avgpool.call(x))).MoveToOuterDisposeScope();
    }
}
