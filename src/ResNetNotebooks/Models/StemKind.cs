namespace ResNetNotebooks.Models;

/// <summary>Which stem (d2l's <c>b1</c>) a <see cref="ResNetConfig"/> builds. A kind of its own so that other stems can be added as data.</summary>
public enum StemKind
{
    /// <summary>
    /// The ImageNet stem of He et al. (2016) and d2l: 7×7 convolution with stride 2, batch norm, ReLU, 3×3 max pool
    /// with stride 2 (<see cref="ResNetStages.Stem(int, int, bool)"/>); it divides height and width by 4.
    /// </summary>
    ImageNet,
}
