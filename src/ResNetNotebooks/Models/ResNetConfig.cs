namespace ResNetNotebooks.Models;

/// <summary>
/// What varies between ResNets: depth is data, not code. A network is the stem <c>b1</c>, one residual stage per
/// entry of <see cref="BlocksPerStage"/> (<c>b2</c>, <c>b3</c>, …), global average pooling and a linear classifier.
/// </summary>
/// <param name="BlocksPerStage">Residual blocks in each stage: [2, 2, 2, 2] for ResNet-18, [3, 4, 6, 3] for ResNet-34.</param>
/// <param name="ChannelsPerStage">
/// Output channels of each stage, e.g. [64, 128, 256, 512]. The stem outputs the first stage's channels; the first
/// stage keeps them and stride 1, each later stage's first block moves to its channels with stride 2.
/// </param>
/// <param name="InputChannels">Channels of the images: 1 (Fashion-MNIST, as in d2l) or 3 (RGB).</param>
/// <param name="NumClasses">Outputs of the final linear layer: 10 (Fashion-MNIST) or 1000 (ImageNet).</param>
/// <param name="Shortcut">Shortcut option A, B (default, d2l) or C of He et al. (2016).</param>
/// <example>
/// <code>
/// var tiny = new ResNetConfig([1, 1], [16, 32]);                  // a two-stage ResNet for quick CPU runs
/// var optionA = ResNetConfig.ResNet18 with { Shortcut = ShortcutOption.A };
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
    }

    /// <summary>Formats the config as <c>ResNet([2, 2, 2, 2], [64, 128, 256, 512], in 1, classes 10, option B)</c>.</summary>
    /// <returns>A one-line description (records print lists as type names otherwise).</returns>
    public override string ToString() =>
        $"ResNet([{string.Join(", ", BlocksPerStage ?? [])}], [{string.Join(", ", ChannelsPerStage ?? [])}], " +
        $"in {InputChannels}, classes {NumClasses}, option {Shortcut}" +
        (ProjectionBatchNorm ? ", projection BN" : "") + (ConvBias ? "" : ", no conv bias") + ")";
}
