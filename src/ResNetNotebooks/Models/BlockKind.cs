namespace ResNetNotebooks.Models;

/// <summary>
/// Which residual block a <see cref="ResNetConfig"/> builds its stages from. The block is data, like the depth:
/// the same builder makes ResNet-18, ResNet-50, a pre-activation ResNet and ResNeXt.
/// </summary>
public enum BlockKind
{
    /// <summary>
    /// Two 3×3 convolutions (<see cref="Residual"/>), He et al. (2016), Fig. 2 left: ResNet-18 and -34. A stage
    /// outputs its <see cref="ResNetConfig.ChannelsPerStage"/> entry.
    /// </summary>
    Basic,

    /// <summary>
    /// 1×1 reduce, 3×3, 1×1 expand ×4 (<see cref="Models.Bottleneck"/>), He et al. (2016), Fig. 5 right: ResNet-50,
    /// -101 and -152. A stage outputs 4 × its <see cref="ResNetConfig.ChannelsPerStage"/> entry (torchvision's
    /// <c>planes</c> × <c>expansion</c>).
    /// </summary>
    Bottleneck,

    /// <summary>
    /// Two 3×3 convolutions in the order BN → ReLU → conv, the addition last (<see cref="PreActResidual"/>),
    /// He et al. (2016), "Identity Mappings in Deep Residual Networks". The network gets a final BN and ReLU
    /// (<c>post</c>) before the pooling, because no block ends with one.
    /// </summary>
    PreActivation,

    /// <summary>
    /// d2l's ResNeXt block (<see cref="Models.ResNeXtBlock"/>): a bottleneck whose 3×3 convolution is grouped
    /// (<see cref="ResNetConfig.Groups"/> groups of <see cref="ResNetConfig.WidthPerGroup"/> channels at the first
    /// stage). Xie et al. (2017); outputs 4 × the stage's channels, like <see cref="Bottleneck"/>.
    /// </summary>
    ResNeXt,
}
