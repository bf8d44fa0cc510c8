namespace ResNetNotebooks.Models;

/// <summary>
/// The three shortcut options compared by He et al. (2016), "Deep Residual Learning for Image Recognition", §4.1
/// and Table 3, and the average-pool shortcut of ResNet-D (He et al. 2019, "Bag of Tricks for Image Classification
/// with Convolutional Neural Networks", §4.1). They differ only where a block changes the shape of its input (more
/// channels, stride 2).
/// </summary>
public enum ShortcutOption
{
    /// <summary>
    /// Zero-padding identity: where the shape changes, the shortcut subsamples height and width by the stride and
    /// pads the extra channels with zeros (<see cref="ZeroPadShortcut"/>). Parameter-free; every other shortcut
    /// is the identity.
    /// </summary>
    A,

    /// <summary>
    /// Projection where the shape changes: a 1×1 convolution with the block's stride (d2l's <c>conv3</c>), the
    /// identity everywhere else. The default, as in d2l and torchvision.
    /// </summary>
    B,

    /// <summary>
    /// Projection on every block, even where the identity would fit. The paper finds it marginally better than B
    /// and not worth its extra parameters.
    /// </summary>
    C,

    /// <summary>
    /// ResNet-D's shortcut where the shape changes: a 2×2 average pool with stride 2, then a 1×1 convolution with
    /// stride 1 (<see cref="Shortcuts.AveragePoolProjection"/>), so every input position contributes instead of one in
    /// four; the identity everywhere else. Same parameters as B.
    /// </summary>
    D,

    /// <summary>
    /// No shortcut at all: every block is a <see cref="PlainBlock"/> (two 3×3 convolutions, nothing added), so the
    /// network is the "plain" twin of a ResNet that He et al. (2016) compare it with in §4.1 (Fig. 4 left) and §4.2
    /// (Fig. 6 left). Only for basic blocks.
    /// </summary>
    None,
}
