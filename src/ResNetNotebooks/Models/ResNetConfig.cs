namespace ResNetNotebooks.Models;

/// <summary>
/// What varies between ResNets, as data (torchvision's factories in one record); <see cref="Validate"/> checks it once, when
/// <see cref="ResNet"/> is built. See docs/models.md.
/// </summary>
/// <param name="BlocksPerStage">Blocks in each stage: [2, 2, 2, 2] for ResNet-18, [3, 4, 6, 3] for ResNet-34 and -50.</param>
/// <param name="ChannelsPerStage">Channels of each stage (torchvision's <c>planes</c>); bottleneck stages output 4 × as many.</param>
/// <param name="InputChannels">Channels of the images: 1 (Fashion-MNIST, as in d2l) or 3 (RGB).</param>
/// <param name="NumClasses">Outputs of the classifier: 10 (Fashion-MNIST) or 1000 (ImageNet).</param>
/// <param name="Shortcut">Shortcut option A, B (default, d2l), C or D, or None (a plain network).</param>
/// <example><code>var resnext = new ResNet(ResNetConfig.ResNeXt50.AsTorchVision()); // torchvision's resnext50_32x4d</code></example>
public sealed record ResNetConfig(
    IReadOnlyList<int> BlocksPerStage,
    IReadOnlyList<int> ChannelsPerStage,
    int InputChannels = 1,
    int NumClasses = 10,
    ShortcutOption Shortcut = ShortcutOption.B)
{
    /// <summary>ResNet-18 as in d2l: [2, 2, 2, 2] basic blocks, [64, 128, 256, 512] channels, 1 input channel, 10 classes.</summary>
    public static ResNetConfig ResNet18 => new([2, 2, 2, 2], [64, 128, 256, 512]);
    /// <summary>ResNet-34 (paper, Table 1): [3, 4, 6, 3] basic blocks.</summary>
    public static ResNetConfig ResNet34 => new([3, 4, 6, 3], [64, 128, 256, 512]);
    /// <summary>ResNet-50 (paper, Table 1): [3, 4, 6, 3] bottleneck blocks.</summary>
    public static ResNetConfig ResNet50 => ResNet34 with { Block = BlockKind.Bottleneck };
    /// <summary>ResNet-101 (paper, Table 1): [3, 4, 23, 3] bottleneck blocks.</summary>
    public static ResNetConfig ResNet101 => ResNet50 with { BlocksPerStage = [3, 4, 23, 3] };
    /// <summary>ResNet-152 (paper, Table 1): [3, 8, 36, 3] bottleneck blocks.</summary>
    public static ResNetConfig ResNet152 => ResNet50 with { BlocksPerStage = [3, 8, 36, 3] };
    /// <summary>ResNeXt-50 32×4d (Xie et al. 2017): ResNet-50 whose 3×3 convolutions have 32 groups of 4 channels at the first stage.</summary>
    public static ResNetConfig ResNeXt50 => ResNet50 with { Groups = 32, WidthPerGroup = 4 };
    /// <summary>ResNet-18 with pre-activation blocks (He et al. 2016, "Identity Mappings").</summary>
    public static ResNetConfig PreActResNet18 => ResNet18 with { Block = BlockKind.PreActivation };

    /// <summary>The paper's CIFAR ResNet (§4.2) of depth 6n + 2: 3×3 stem, n blocks of 16, 32, 64 channels, option A, no conv biases.</summary>
    /// <exception cref="ArgumentException"><paramref name="depth"/> is not 6n + 2 for a whole n ≥ 1.</exception>
    public static ResNetConfig CifarResNet(int depth)
    {
        if (depth < 8 || (depth - 2) % 6 != 0)
        {
            var below = (6 * Math.Max(1, (depth - 2) / 6)) + 2;
            throw new ArgumentException(
                $"The CIFAR family has depth 6n + 2 (n blocks per stage, three stages); {depth} is not of that form. " +
                $"Use e.g. 20, 32, 44, 56 or 110 (nearest: {below} or {below + 6}).", nameof(depth));
        }

        var n = (depth - 2) / 6;
        return new ResNetConfig([n, n, n], [16, 32, 64], Shortcut: ShortcutOption.A) { Stem = StemKind.Cifar, ConvBias = false };
    }

    /// <summary>The plain twin of <see cref="CifarResNet"/> (§4.2, Fig. 6 left): the same layers without shortcuts.</summary>
    /// <exception cref="ArgumentException"><paramref name="depth"/> is not 6n + 2 for a whole n ≥ 1.</exception>
    public static ResNetConfig CifarPlain(int depth) => CifarResNet(depth) with { Shortcut = ShortcutOption.None };

    /// <summary>The block the stages are built from; default <see cref="BlockKind.Basic"/>.</summary>
    public BlockKind Block { get; init; } = BlockKind.Basic;
    /// <summary>The stem <c>b1</c>; default <see cref="StemKind.ImageNet"/>.</summary>
    public StemKind Stem { get; init; } = StemKind.ImageNet;
    /// <summary>Groups of each bottleneck's 3×3 convolution (torchvision's <c>groups</c>): 1, or 32 in ResNeXt-50.</summary>
    public int Groups { get; init; } = 1;
    /// <summary>Channels per group at the first stage (torchvision's <c>width_per_group</c>): 64, or 4 in ResNeXt-50 32×4d.</summary>
    public int WidthPerGroup { get; init; } = 64;
    /// <summary>Put a bottleneck's stride on its first 1×1 convolution (the paper) instead of the 3×3 (torchvision, default).</summary>
    public bool BottleneckStrideOn1x1 { get; init; }
    /// <summary>Follow each projection with batch norm (the paper, torchvision); default <c>false</c>, as in d2l.</summary>
    public bool ProjectionBatchNorm { get; init; }
    /// <summary>Give every convolution a bias; default <c>true</c>, as in d2l (torchvision: <c>false</c>).</summary>
    public bool ConvBias { get; init; } = true;
    /// <summary>Batch norm where the paper has it (default); <c>false</c> puts identities there (basic blocks only, for experiments).</summary>
    public bool BatchNorm { get; init; } = true;

    /// <summary>4 for bottleneck stages (their output is 4 × <see cref="ChannelsPerStage"/>), else 1.</summary>
    public int Expansion => Block == BlockKind.Bottleneck ? Bottleneck.Expansion : 1;

    /// <summary>Weighted layers on the longest path, as the paper counts depth: 18 for ResNet-18, 6n + 2 for the CIFAR family.</summary>
    public int Depth => 2 + (BlocksPerStage.Sum() * (Expansion == 1 ? 2 : 3));

    /// <summary>A short name for legends and run folders: "ResNet-18", "ResNeXt-50", "plain-56", "plain-20 (no BN)".</summary>
    public string Name =>
        (Shortcut == ShortcutOption.None ? "plain" : Block == BlockKind.PreActivation ? "PreActResNet" : Groups > 1 ? "ResNeXt" : "ResNet") +
        $"-{Depth}" + (BatchNorm ? "" : " (no BN)");

    /// <summary>Output channels of stage <paramref name="index"/> (0-based): <c>ChannelsPerStage[index] × Expansion</c>.</summary>
    public int StageOutputChannels(int index) => ChannelsPerStage[index] * Expansion;

    /// <summary>The bottleneck width of stage <paramref name="index"/> (torchvision: <c>int(planes · width_per_group / 64) · groups</c>).</summary>
    public int BottleneckWidth(int index) =>
        Expansion == 1 ? ChannelsPerStage[index] : (int)(ChannelsPerStage[index] * (WidthPerGroup / 64.0)) * Groups;

    /// <summary>The network as torchvision builds it for ImageNet: 3 input channels, 1000 classes, no conv biases, BN after projections.</summary>
    public ResNetConfig AsTorchVision() => this with { InputChannels = 3, NumClasses = 1000, ConvBias = false, ProjectionBatchNorm = true };

    /// <summary>Checks every setting; the message names the entry, its value and the fix.</summary>
    /// <exception cref="ArgumentException">A list is empty, the lists differ in length, a size is not positive, or settings conflict.</exception>
    public void Validate()
    {
        const string owner = nameof(ResNetConfig);
        Require(BlocksPerStage is { Count: > 0 }, nameof(BlocksPerStage), () =>
            "ResNetConfig.BlocksPerStage is empty; give the number of residual blocks of each stage, e.g. [2, 2, 2, 2] for ResNet-18.");
        Require(ChannelsPerStage?.Count == BlocksPerStage.Count, nameof(ChannelsPerStage), () =>
            $"ResNetConfig has {BlocksPerStage.Count} entries in BlocksPerStage but {ChannelsPerStage?.Count ?? 0} in ChannelsPerStage; " +
            "give one channel count per stage, e.g. [64, 128, 256, 512] for ResNet-18.");
        for (var i = 0; i < BlocksPerStage.Count; i++)
        {
            Check.Positive(BlocksPerStage[i], $"BlocksPerStage[{i}]", "every stage needs at least one residual block (ResNet-18 uses [2, 2, 2, 2])", owner);
            Check.Positive(ChannelsPerStage![i], $"ChannelsPerStage[{i}]", "every stage needs at least one channel (ResNet-18 uses [64, 128, 256, 512])", owner);
        }

        Check.Positive(InputChannels, nameof(InputChannels), "use 1 for grayscale images or 3 for RGB", owner);
        Check.Positive(NumClasses, nameof(NumClasses), "use the number of classes to predict (10 for Fashion-MNIST)", owner);
        Check.Positive(Groups, nameof(Groups), "use 1 for ordinary convolutions or e.g. 32 for ResNeXt-50 32×4d", owner);
        Check.Positive(WidthPerGroup, nameof(WidthPerGroup), "use 64 (ResNet) or e.g. 4 for ResNeXt-50 32×4d", owner);
        foreach (var (value, name) in new (Enum, string)[] { (Block, nameof(Block)), (Stem, nameof(Stem)), (Shortcut, nameof(Shortcut)) })
        {
            Require(Enum.IsDefined(value.GetType(), value), name, () =>
                $"ResNetConfig.{name} is {value}, which is no {value.GetType().Name}; use one of {string.Join(", ", Enum.GetNames(value.GetType()))}.");
        }

        Require(Expansion > 1 || (Groups == 1 && WidthPerGroup == 64), nameof(Groups), () =>
            $"ResNetConfig has Block = {Block} with Groups = {Groups} and WidthPerGroup = {WidthPerGroup}, but {Block} blocks have no grouped " +
            "convolution; use Groups = 1 and WidthPerGroup = 64, or Block = BlockKind.Bottleneck (ResNeXt is a bottleneck with groups).");
        var plainOrNoBn = Shortcut == ShortcutOption.None ? "Shortcut = None" : BatchNorm ? null : "BatchNorm = false";
        Require(Block == BlockKind.Basic || plainOrNoBn is null, plainOrNoBn == "BatchNorm = false" ? nameof(BatchNorm) : nameof(Shortcut), () =>
            $"ResNetConfig has {plainOrNoBn} with {Block} blocks; plain networks and networks without batch norm are built from basic blocks " +
            "only (Block = BlockKind.Basic), as in the paper.");
        for (var i = 0; i < ChannelsPerStage!.Count; i++)
        {
            Require(BottleneckWidth(i) > 0, nameof(WidthPerGroup), () =>
                $"ResNetConfig gives stage {i} a bottleneck width of {BottleneckWidth(i)} (ChannelsPerStage[{i}] = {ChannelsPerStage[i]} × " +
                $"WidthPerGroup {WidthPerGroup} / 64 × Groups {Groups}); raise WidthPerGroup or the stage's channels.");
        }

        static void Require(bool ok, string name, Func<string> message)
        {
            if (!ok)
            {
                throw new ArgumentException(message(), name);
            }
        }
    }

    /// <summary>One line, e.g. <c>ResNet([2, 2, 2, 2], [64, 128, 256, 512], in 1, classes 10, option B)</c>.</summary>
    public override string ToString() =>
        $"ResNet([{string.Join(", ", BlocksPerStage ?? [])}], [{string.Join(", ", ChannelsPerStage ?? [])}], in {InputChannels}, classes {NumClasses}, " +
        (Shortcut == ShortcutOption.None ? "no shortcuts" : $"option {Shortcut}") + (Block == BlockKind.Basic ? "" : $", {Block} blocks") +
        (Groups == 1 && WidthPerGroup == 64 ? "" : $", {Groups}×{WidthPerGroup}d") + (BottleneckStrideOn1x1 ? ", stride on 1×1" : "") +
        (Stem == StemKind.ImageNet ? "" : $", {Stem} stem") + (ProjectionBatchNorm ? ", projection BN" : "") +
        (ConvBias ? "" : ", no conv bias") + (BatchNorm ? "" : ", no batch norm") + ")";
}

/// <summary>The residual block a <see cref="ResNetConfig"/> builds its stages from: the block is data, like the depth.</summary>
public enum BlockKind
{
    /// <summary>Two 3×3 convolutions (<see cref="Residual"/>): ResNet-18 and -34.</summary>
    Basic,
    /// <summary>1×1, 3×3 (grouped for ResNeXt), 1×1 ×4 (<see cref="Models.Bottleneck"/>): ResNet-50/101/152, ResNeXt.</summary>
    Bottleneck,
    /// <summary>BN → ReLU → conv, twice, the addition last (<see cref="PreActResidual"/>); the network adds a final BN and ReLU (<c>post</c>).</summary>
    PreActivation,
}

/// <summary>The stem <c>b1</c> a <see cref="ResNetConfig"/> builds.</summary>
public enum StemKind
{
    /// <summary>He et al. and d2l: 7×7 conv with stride 2, BN, ReLU, 3×3 max pool with stride 2 (height and width ÷ 4).</summary>
    ImageNet,
    /// <summary>The CIFAR stem (§4.2): 3×3 conv with stride 1, BN, ReLU, no pool (height and width kept).</summary>
    Cifar,
}

/// <summary>The shortcut options of He et al. (2016), §4.1, and ResNet-D's (He et al. 2019); they differ only where a block changes shape.</summary>
public enum ShortcutOption
{
    /// <summary>Zero padding where the shape changes (<see cref="ZeroPadShortcut"/>), no parameters; the identity elsewhere.</summary>
    A,
    /// <summary>A 1×1 projection where the shape changes, the identity elsewhere: the default, as in d2l and torchvision.</summary>
    B,
    /// <summary>A projection on every block.</summary>
    C,
    /// <summary>ResNet-D: average pool, then a stride-1 projection, where the shape changes; same parameters as B.</summary>
    D,
    /// <summary>No shortcut: every block is a <see cref="PlainBlock"/> (the paper's plain networks); basic blocks only.</summary>
    None,
}
