namespace ResNetNotebooks.Models;

/// <summary>
/// What varies between ResNets: depth is data, not code. A network is the stem <c>b1</c>, one residual stage per
/// entry of <see cref="BlocksPerStage"/> (<c>b2</c>, <c>b3</c>, …), global average pooling and a linear classifier.
/// </summary>
/// <param name="BlocksPerStage">Residual blocks in each stage: [2, 2, 2, 2] for ResNet-18, [3, 4, 6, 3] for ResNet-34 and -50.</param>
/// <param name="ChannelsPerStage">
/// Channels of each stage, e.g. [64, 128, 256, 512] (torchvision's <c>planes</c>). With basic and pre-activation
/// blocks a stage outputs these channels; with bottleneck and ResNeXt blocks it outputs <see cref="Expansion"/> (4)
/// times as many, and the entry sets the bottleneck's width. The stem outputs the first entry; the first stage keeps
/// stride 1, each later stage's first block moves to its channels with stride 2.
/// </param>
/// <param name="InputChannels">Channels of the images: 1 (Fashion-MNIST, as in d2l) or 3 (RGB).</param>
/// <param name="NumClasses">Outputs of the final linear layer: 10 (Fashion-MNIST) or 1000 (ImageNet).</param>
/// <param name="Shortcut">Shortcut option A, B (default, d2l) or C of He et al. (2016), D (ResNet-D), or None (a plain network).</param>
/// <example>
/// <code>
/// var tiny = new ResNetConfig([1, 1], [16, 32]);                  // a two-stage ResNet for quick CPU runs
/// var optionA = ResNetConfig.ResNet18 with { Shortcut = ShortcutOption.A };
/// var resnet50 = ResNetConfig.ResNet50.AsTorchVision();          // torchvision's resnet50: 25,557,032 parameters
/// var resnet20 = ResNetConfig.CifarResNet(20);                    // the paper's CIFAR ResNet-20 (§4.2), 1 input channel
/// var plain56 = ResNetConfig.CifarPlain(56);                      // its plain twin at depth 56: no shortcuts
/// </code>
/// </example>
public sealed record ResNetConfig(
    IReadOnlyList<int> BlocksPerStage,
    IReadOnlyList<int> ChannelsPerStage,
    int InputChannels = 1,
    int NumClasses = 10,
    ShortcutOption Shortcut = ShortcutOption.B)
{
    /// <summary>ResNet-18 as in d2l: [2, 2, 2, 2] blocks, [64, 128, 256, 512] channels, 1 input channel, 10 classes.</summary>
    public static ResNetConfig ResNet18 => new([2, 2, 2, 2], [64, 128, 256, 512]);

    /// <summary>ResNet-34 (paper, Table 1): [3, 4, 6, 3] blocks, [64, 128, 256, 512] channels, 1 input channel, 10 classes.</summary>
    public static ResNetConfig ResNet34 => new([3, 4, 6, 3], [64, 128, 256, 512]);

    /// <summary>ResNet-50 (paper, Table 1): [3, 4, 6, 3] bottleneck blocks, widths [64, 128, 256, 512], outputs ×4.</summary>
    public static ResNetConfig ResNet50 => new([3, 4, 6, 3], [64, 128, 256, 512]) { Block = BlockKind.Bottleneck };

    /// <summary>ResNet-101 (paper, Table 1): [3, 4, 23, 3] bottleneck blocks.</summary>
    public static ResNetConfig ResNet101 => new([3, 4, 23, 3], [64, 128, 256, 512]) { Block = BlockKind.Bottleneck };

    /// <summary>ResNet-152 (paper, Table 1): [3, 8, 36, 3] bottleneck blocks.</summary>
    public static ResNetConfig ResNet152 => new([3, 8, 36, 3], [64, 128, 256, 512]) { Block = BlockKind.Bottleneck };

    /// <summary>
    /// ResNeXt-50 (32×4d) of Xie et al. (2017), Table 1: ResNet-50's layout with <see cref="ResNeXtBlock"/>s whose 3×3
    /// convolution has 32 groups of 4 channels at the first stage (bottleneck widths 128, 256, 512, 1024).
    /// </summary>
    public static ResNetConfig ResNeXt50 =>
        new([3, 4, 6, 3], [64, 128, 256, 512]) { Block = BlockKind.ResNeXt, Groups = 32, WidthPerGroup = 4 };

    /// <summary>A pre-activation ResNet-18 (He et al. 2016, "Identity Mappings"): ResNet-18 with <see cref="PreActResidual"/> blocks.</summary>
    public static ResNetConfig PreActResNet18 => new([2, 2, 2, 2], [64, 128, 256, 512]) { Block = BlockKind.PreActivation };

    /// <summary>
    /// The CIFAR ResNet of He et al. (2016), §4.2, of depth 6n + 2 (20, 32, 44, 56, 110): the 3×3 stem with 16 channels
    /// and no max pool (<see cref="StemKind.Cifar"/>), three stages of n basic blocks with 16, 32 and 64 channels,
    /// global average pooling and the classifier; option A shortcuts (zero padding, no extra parameters) and no
    /// convolution biases, as in the paper. One input channel and 10 classes (Fashion-MNIST); for CIFAR-10 use
    /// <c>with { InputChannels = 3 }</c>.
    /// </summary>
    /// <param name="depth">Weighted layers, 6n + 2 with n ≥ 1: 8, 14, 20, 26, 32, 44, 56, 110, ….</param>
    /// <returns>The config; <c>new ResNet(config)</c> builds it.</returns>
    /// <exception cref="ArgumentException"><paramref name="depth"/> is not 6n + 2 for a whole n ≥ 1.</exception>
    /// <example><code>var resnet56 = new ResNet(ResNetConfig.CifarResNet(56)); // 27 blocks, 855,770 parameters with 3 input channels</code></example>
    public static ResNetConfig CifarResNet(int depth)
    {
        if (depth < 8 || (depth - 2) % 6 != 0)
        {
            var below = (6 * Math.Max(1, (depth - 2) / 6)) + 2;
            throw new ArgumentException(
                $"The CIFAR family has depth 6n + 2 (n blocks per stage, three stages); {depth} is not of that form. " +
                $"Use e.g. 20, 32, 44, 56 or 110 (nearest: {below} or {below + 6}).",
                nameof(depth));
        }

        var n = (depth - 2) / 6;
        return new ResNetConfig([n, n, n], [16, 32, 64], Shortcut: ShortcutOption.A) { Stem = StemKind.Cifar, ConvBias = false };
    }

    /// <summary>
    /// The plain twin of <see cref="CifarResNet"/> (He et al. 2016, §4.2, Fig. 6 left): the same layers without any
    /// shortcut (<see cref="ShortcutOption.None"/>), so its blocks are <see cref="PlainBlock"/>s.
    /// </summary>
    /// <param name="depth">Weighted layers, 6n + 2 with n ≥ 1.</param>
    /// <returns>The config; the same parameters as the ResNet of that depth, name for name.</returns>
    /// <exception cref="ArgumentException"><paramref name="depth"/> is not 6n + 2 for a whole n ≥ 1.</exception>
    /// <example><code>var plain20 = new ResNet(ResNetConfig.CifarPlain(20));</code></example>
    public static ResNetConfig CifarPlain(int depth) => CifarResNet(depth) with { Shortcut = ShortcutOption.None };

    /// <summary>
    /// Weighted layers on the longest path, as the paper counts depth: the stem's convolution, the convolutions of
    /// every block's branch (2 per basic block, 3 per bottleneck) and the classifier. 18 for ResNet-18, 50 for ResNet-50,
    /// 6n + 2 for the CIFAR family.
    /// </summary>
    public int Depth => 2 + BlocksPerStage.Sum() * (Expansion == 1 ? 2 : 3);

    /// <summary>
    /// A short name: "ResNet-20" or "plain-56" for the CIFAR family, "ResNet-18" for the ImageNet layout, with the block
    /// kind where it is not basic. Used for chart legends and run folders.
    /// </summary>
    public string Name =>
        (Shortcut == ShortcutOption.None ? "plain" : Block switch
        {
            BlockKind.PreActivation => "PreActResNet",
            BlockKind.ResNeXt => "ResNeXt",
            _ => "ResNet",
        }) + $"-{Depth}" + (BatchNorm ? "" : " (no BN)");

    /// <summary>
    /// Put batch norm where the paper has it (default <c>true</c>). <c>false</c> puts identities in its place, in the
    /// stem and in basic and plain blocks, for experiments that ask what batch norm contributes.
    /// </summary>
    public bool BatchNorm { get; init; } = true;

    /// <summary>The residual block the stages are built from. Default <see cref="BlockKind.Basic"/> (ResNet-18/34).</summary>
    public BlockKind Block { get; init; } = BlockKind.Basic;

    /// <summary>The stem <c>b1</c>. Default <see cref="StemKind.ImageNet"/> (7×7 convolution and max pool); <see cref="StemKind.Cifar"/> for the CIFAR family.</summary>
    public StemKind Stem { get; init; } = StemKind.ImageNet;

    /// <summary>Groups of each bottleneck's 3×3 convolution (torchvision's <c>groups</c>): 1, or 32 in ResNeXt-50 32×4d.</summary>
    public int Groups { get; init; } = 1;

    /// <summary>
    /// Channels per group at the first stage (torchvision's <c>width_per_group</c>, default 64). A bottleneck's width is
    /// channels × WidthPerGroup / 64 × Groups: 64 for ResNet-50's first stage, 4 × 32 = 128 for ResNeXt-50 32×4d.
    /// </summary>
    public int WidthPerGroup { get; init; } = 64;

    /// <summary>
    /// Put a bottleneck's stride on its first 1×1 convolution, as the paper did, instead of on the 3×3 as torchvision
    /// does (NVIDIA calls the latter "ResNet v1.5"). Same parameters; the paper's choice costs fewer multiply-adds.
    /// </summary>
    public bool BottleneckStrideOn1x1 { get; init; }

    /// <summary>How many times wider than <see cref="ChannelsPerStage"/> a stage's output is: 4 for bottleneck and ResNeXt blocks, else 1.</summary>
    public int Expansion => Block is BlockKind.Bottleneck or BlockKind.ResNeXt ? Bottleneck.Expansion : 1;

    /// <summary>Output channels of stage <paramref name="index"/> (0-based): <c>ChannelsPerStage[index] × Expansion</c>.</summary>
    /// <param name="index">0 for the first residual stage.</param>
    /// <returns>The channel count.</returns>
    public int StageOutputChannels(int index) => ChannelsPerStage[index] * Expansion;

    /// <summary>
    /// The bottleneck width of stage <paramref name="index"/> (torchvision: <c>int(planes · width_per_group / 64) · groups</c>);
    /// for basic and pre-activation blocks, the stage's channels.
    /// </summary>
    /// <param name="index">0 for the first residual stage.</param>
    /// <returns>The width of the 1×1 reduction and the 3×3 convolution.</returns>
    public int BottleneckWidth(int index) =>
        Expansion == 1 ? ChannelsPerStage[index] : (int)(ChannelsPerStage[index] * (WidthPerGroup / 64.0)) * Groups;

    /// <summary>
    /// The same network shaped as torchvision builds it for ImageNet: 3 input channels, 1000 classes, no convolution
    /// biases, batch norm after every projection.
    /// </summary>
    /// <returns>A copy with those four settings.</returns>
    /// <example><code>var tv50 = ResNetConfig.ResNet50.AsTorchVision(); // 25,557,032 parameters, as torchvision.models.resnet50()</code></example>
    public ResNetConfig AsTorchVision() =>
        this with { InputChannels = 3, NumClasses = 1000, ConvBias = false, ProjectionBatchNorm = true };

    /// <summary>
    /// Follow each projection shortcut with batch norm, as the paper and torchvision do. Default <c>false</c>, as in
    /// d2l.
    /// </summary>
    public bool ProjectionBatchNorm { get; init; }

    /// <summary>Give every convolution a bias. Default <c>true</c>, as in d2l; torchvision uses <c>false</c>.</summary>
    public bool ConvBias { get; init; } = true;

    /// <summary>
    /// Checks every size and throws an <see cref="ArgumentException"/> that names the entry, its value and the fix.
    /// </summary>
    /// <exception cref="ArgumentException">A list is empty, the lists differ in length, or a size is not positive.</exception>
    public void Validate()
    {
        if (BlocksPerStage is null || BlocksPerStage.Count == 0)
        {
            throw new ArgumentException(
                "ResNetConfig.BlocksPerStage is empty; give the number of residual blocks of each stage, e.g. [2, 2, 2, 2] for ResNet-18.",
                nameof(BlocksPerStage));
        }

        if (ChannelsPerStage is null || ChannelsPerStage.Count != BlocksPerStage.Count)
        {
            throw new ArgumentException(
                $"ResNetConfig has {BlocksPerStage.Count} entries in BlocksPerStage but {ChannelsPerStage?.Count ?? 0} in " +
                "ChannelsPerStage; give one channel count per stage, e.g. [64, 128, 256, 512] for ResNet-18.",
                nameof(ChannelsPerStage));
        }

        for (var i = 0; i < BlocksPerStage.Count; i++)
        {
            Guard.Positive(BlocksPerStage[i], "ResNetConfig", $"BlocksPerStage[{i}]",
                "every stage needs at least one residual block (ResNet-18 uses [2, 2, 2, 2])");
            Guard.Positive(ChannelsPerStage[i], "ResNetConfig", $"ChannelsPerStage[{i}]",
                "every stage needs at least one channel (ResNet-18 uses [64, 128, 256, 512])");
        }

        Guard.Positive(InputChannels, "ResNetConfig", nameof(InputChannels), "use 1 for grayscale images or 3 for RGB");
        Guard.Positive(NumClasses, "ResNetConfig", nameof(NumClasses), "use the number of classes to predict (10 for Fashion-MNIST)");
        if (!Enum.IsDefined(Block))
        {
            throw new ArgumentException(
                $"ResNetConfig.Block is {Block}, which is no block kind; use one of {string.Join(", ", Enum.GetNames<BlockKind>())}.",
                nameof(Block));
        }

        if (!Enum.IsDefined(Stem))
        {
            throw new ArgumentException(
                $"ResNetConfig.Stem is {Stem}, which is no stem kind; use one of {string.Join(", ", Enum.GetNames<StemKind>())}.",
                nameof(Stem));
        }

        Guard.Positive(Groups, "ResNetConfig", nameof(Groups), "use 1 for ordinary convolutions or e.g. 32 for ResNeXt-50 32×4d");
        Guard.Positive(WidthPerGroup, "ResNetConfig", nameof(WidthPerGroup), "use 64 (ResNet) or e.g. 4 for ResNeXt-50 32×4d");
        if (Expansion == 1 && (Groups != 1 || WidthPerGroup != 64))
        {
            throw new ArgumentException(
                $"ResNetConfig has Block = {Block} with Groups = {Groups} and WidthPerGroup = {WidthPerGroup}, but {Block} " +
                "blocks have no grouped convolution; use Groups = 1 and WidthPerGroup = 64, or Block = BlockKind.ResNeXt " +
                "(or Bottleneck) for grouped convolutions.",
                nameof(Groups));
        }

        if (!Enum.IsDefined(Shortcut))
        {
            throw new ArgumentException(
                $"ResNetConfig.Shortcut is {Shortcut}, which is no shortcut option; use one of {string.Join(", ", Enum.GetNames<ShortcutOption>())}.",
                nameof(Shortcut));
        }

        if (Shortcut == ShortcutOption.None && Block != BlockKind.Basic)
        {
            throw new ArgumentException(
                $"ResNetConfig has Shortcut = None with {Block} blocks; plain networks are built from basic blocks only " +
                "(Block = BlockKind.Basic), as in the paper.",
                nameof(Shortcut));
        }

        if (!BatchNorm && Block != BlockKind.Basic)
        {
            throw new ArgumentException(
                $"ResNetConfig has BatchNorm = false with {Block} blocks; only basic and plain blocks can leave batch norm " +
                "out (Block = BlockKind.Basic).",
                nameof(BatchNorm));
        }

        for (var i = 0; i < ChannelsPerStage.Count; i++)
        {
            if (BottleneckWidth(i) <= 0)
            {
                throw new ArgumentException(
                    $"ResNetConfig gives stage {i} a bottleneck width of {BottleneckWidth(i)} (ChannelsPerStage[{i}] = " +
                    $"{ChannelsPerStage[i]} × WidthPerGroup {WidthPerGroup} / 64 × Groups {Groups}); raise WidthPerGroup or the stage's channels.",
                    nameof(WidthPerGroup));
            }
        }
    }

    /// <summary>Formats the config as <c>ResNet([2, 2, 2, 2], [64, 128, 256, 512], in 1, classes 10, option B)</c>.</summary>
    /// <returns>A one-line description (records print lists as type names otherwise).</returns>
    public override string ToString() =>
        $"ResNet([{string.Join(", ", BlocksPerStage ?? [])}], [{string.Join(", ", ChannelsPerStage ?? [])}], " +
        $"in {InputChannels}, classes {NumClasses}, " + (Shortcut == ShortcutOption.None ? "no shortcuts" : $"option {Shortcut}") +
        (Block == BlockKind.Basic ? "" : $", {Block} blocks") +
        (Groups == 1 && WidthPerGroup == 64 ? "" : $", {Groups}×{WidthPerGroup}d") +
        (BottleneckStrideOn1x1 ? ", stride on 1×1" : "") +
        (Stem == StemKind.ImageNet ? "" : $", {Stem} stem") +
        (ProjectionBatchNorm ? ", projection BN" : "") + (ConvBias ? "" : ", no conv bias") + (BatchNorm ? "" : ", no batch norm") + ")";
}
