using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>
/// A ResNet built from a <see cref="ResNetConfig"/>, with d2l's stage names because the notebooks retell d2l:
/// the stem <c>b1</c>, the residual stages <c>b2</c>, <c>b3</c>, … (torchvision: <c>layer1</c>..<c>layer4</c>),
/// then <c>avgpool</c>, <c>flatten</c> and <c>fc</c>. A pre-activation network has one more child, <c>post</c>
/// (BN and ReLU), before <c>avgpool</c>. The blocks are <see cref="ResNetConfig.Block"/>'s kind: basic
/// (ResNet-18/34), bottleneck (ResNet-50/101/152), pre-activation or ResNeXt.
/// </summary>
/// <remarks>
/// d2l's shape walk for ResNet-18 on (1, 1, 224, 224): b1 (1, 64, 56, 56), b2 (1, 64, 56, 56), b3 (1, 128, 28, 28),
/// b4 (1, 256, 14, 14), b5 (1, 512, 7, 7), avgpool (1, 512, 1, 1), flatten (1, 512), fc (1, 10).
/// </remarks>
/// <example>
/// <code>
/// var net = ResNet.ResNet18();                       // 1 input channel, 10 classes, option B: 11,178,378 parameters
/// using var logits = net.call(torch.zeros(1, 1, 224, 224));   // (1, 10)
/// </code>
/// </example>
public sealed class ResNet : nn.Module<Tensor, Tensor>
{
    private readonly Sequential b1;
    private readonly Sequential[] stages;
    private readonly Sequential? post;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Flatten flatten;
    private readonly Linear fc;

    /// <summary>Builds the network that <paramref name="config"/> describes.</summary>
    /// <param name="config">Blocks and channels per stage, block and stem kind, input channels, classes and shortcut option.</param>
    /// <param name="block">
    /// Builds every residual block instead of the config's kind, from what the builder decided (<see cref="BlockSpec"/>):
    /// a block written in a notebook cell becomes a whole network. <c>null</c> for the library's blocks.
    /// </param>
    /// <exception cref="ArgumentException">The config is invalid (see <see cref="ResNetConfig.Validate"/>).</exception>
    public ResNet(ResNetConfig config, Func<BlockSpec, nn.Module<Tensor, Tensor>>? block = null) : base(nameof(ResNet))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;

        b1 = ResNetStages.Stem(config);
        stages = new Sequential[config.ChannelsPerStage.Count];
        for (var i = 0; i < stages.Length; i++)
        {
            stages[i] = ResNetStages.Stage(config, i, block);
        }

        // Pre-activation blocks end with an addition, so the last one leaves un-normalised features: He et al.
        // (2016, "Identity Mappings") add a final BN and ReLU before the pooling.
        var lastChannels = config.StageOutputChannels(stages.Length - 1);
        post = config.Block == BlockKind.PreActivation
            ? nn.Sequential(nn.BatchNorm2d(lastChannels), nn.ReLU())
            : null;
        avgpool = nn.AdaptiveAvgPool2d((1, 1));
        flatten = nn.Flatten();
        fc = nn.Linear(lastChannels, config.NumClasses);

        // The stages live in an array, so register every child by hand, in the order of the forward pass;
        // RegisterComponents then finds them all registered already.
        register_module(nameof(b1), b1);
        for (var i = 0; i < stages.Length; i++)
        {
            register_module(StageName(i), stages[i]);
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

    /// <summary>
    /// ResNet-18 (paper, Table 1: [2, 2, 2, 2] basic blocks; channels [64, 128, 256, 512]), the network of the d2l
    /// chapter. With the defaults it has 11,178,378 parameters.
    /// </summary>
    /// <param name="inputChannels">Image channels: 1 (d2l, Fashion-MNIST) or 3 (RGB).</param>
    /// <param name="numClasses">Number of classes: 10 (d2l) or 1000 (ImageNet).</param>
    /// <param name="shortcut">Shortcut option A, B (default) or C.</param>
    /// <returns>A new network in training mode.</returns>
    /// <example><code>var net = ResNet.ResNet18(shortcut: ShortcutOption.A);</code></example>
    public static ResNet ResNet18(int inputChannels = 1, int numClasses = 10, ShortcutOption shortcut = ShortcutOption.B) =>
        new(ResNetConfig.ResNet18 with { InputChannels = inputChannels, NumClasses = numClasses, Shortcut = shortcut });

    /// <summary>ResNet-34 (paper, Table 1: [3, 4, 6, 3] basic blocks; channels [64, 128, 256, 512]).</summary>
    /// <param name="inputChannels">Image channels: 1 (d2l, Fashion-MNIST) or 3 (RGB).</param>
    /// <param name="numClasses">Number of classes: 10 (d2l) or 1000 (ImageNet).</param>
    /// <param name="shortcut">Shortcut option A, B (default) or C.</param>
    /// <returns>A new network in training mode.</returns>
    /// <example><code>var net = ResNet.ResNet34(inputChannels: 3, numClasses: 1000);</code></example>
    public static ResNet ResNet34(int inputChannels = 1, int numClasses = 10, ShortcutOption shortcut = ShortcutOption.B) =>
        new(ResNetConfig.ResNet34 with { InputChannels = inputChannels, NumClasses = numClasses, Shortcut = shortcut });

    /// <summary>The name of residual stage <paramref name="index"/> (0-based): d2l's <c>b2</c>, <c>b3</c>, ….</summary>
    /// <param name="index">0 for the first residual stage.</param>
    /// <returns><c>"b" + (index + 2)</c>.</returns>
    public static string StageName(int index) => $"b{index + 2}";

    /// <summary>Runs the figure: <c>fc(flatten(avgpool(b5(…b2(b1(X))))))</c>.</summary>
    /// <param name="input">A batch (N, Config.InputChannels, H, W); the caller keeps ownership.</param>
    /// <returns>New logits (N, Config.NumClasses); the caller owns them.</returns>
    /// <exception cref="ArgumentException">The input is not 4-D or has the wrong number of channels.</exception>
    public override Tensor forward(Tensor input)
    {
        Guard.ImageBatch(input, Config.InputChannels, nameof(ResNet), "inputChannels: ");
        using var scope = NewDisposeScope();

        var x = b1.call(input);
        foreach (var stage in stages)
        {
            x = stage.call(x);
        }

        if (post is not null)
        {
            x = post.call(x);
        }

        return fc.call(flatten.call(avgpool.call(x))).MoveToOuterDisposeScope();
    }
}
