namespace ResNetNotebooks.Models;

/// <summary>
/// The three shortcut options compared by He et al. (2016), "Deep Residual Learning for Image Recognition", §4.1
/// and Table 3. They differ only where a block changes the shape of its input (more channels, stride 2).
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
}
