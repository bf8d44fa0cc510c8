namespace ResNetNotebooks.Models;

/// <summary>Which stem (d2l's <c>b1</c>) a <see cref="ResNetConfig"/> builds. A kind of its own so that other stems can be added as data.</summary>
public enum StemKind
{
    /// <summary>
    /// The ImageNet stem of He et al. (2016) and d2l: 7×7 convolution with stride 2, batch norm, ReLU, 3×3 max pool
    /// with stride 2 (<see cref="ResNetStages.Stem(int, int, bool, bool)"/>); it divides height and width by 4.
    /// </summary>
    ImageNet,

    /// <summary>
    /// The CIFAR stem of He et al. (2016), §4.2: one 3×3 convolution with stride 1 and padding 1, batch norm and ReLU,
    /// no max pool (<see cref="ResNetStages.CifarStem(int, int, bool, bool)"/>); it keeps height and width, so 32×32
    /// (or Fashion-MNIST's 28×28) images reach the three stages at full size.
    /// </summary>
    Cifar,
}
