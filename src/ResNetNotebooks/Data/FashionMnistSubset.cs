namespace ResNetNotebooks.Data;

/// <summary>
/// The Fashion-MNIST subset shipped in the repository at <c>data/fashion-mnist-subset/</c> so that notebooks run
/// without a download: the first 1,000 training and the first 200 test images of each class, class-interleaved
/// (image i has label i mod 10). How it was made: <c>data/README.md</c> and <see cref="FashionMnistSubsetBuilder"/>.
/// </summary>
public static class FashionMnistSubset
{
    /// <summary>The subset's folder under the repository's <c>data/</c>.</summary>
    public const string FolderName = "fashion-mnist-subset";

    /// <summary>Training images per class (10,000 in all).</summary>
    public const int TrainImagesPerClass = 1000;

    /// <summary>Test images per class (2,000 in all).</summary>
    public const int TestImagesPerClass = 200;

    /// <summary>SHA-256 of each shipped file (the <c>.gz</c> bytes, as <c>sha256sum</c> prints them); the same sums
    /// are in <c>data/README.md</c> and <c>data/fashion-mnist-subset/SHA256SUMS</c>.</summary>
    public static IReadOnlyDictionary<string, FileChecksum> Checksums { get; } = new Dictionary<string, FileChecksum>
    {
        [FashionMnistFiles.TrainImages + ".gz"] = FileChecksum.Sha256("228348e93f8a4a125aecf5baa1154a01ee32845d36661b3689813c207a22ee3a"),
        [FashionMnistFiles.TrainLabels + ".gz"] = FileChecksum.Sha256("5315b8b9022d1eabf768352ef8dabba13bd5e687bb11a642e91c547c01327ee6"),
        [FashionMnistFiles.TestImages + ".gz"] = FileChecksum.Sha256("49032fff37ef2b356eba5e5685d41aa8a2b18eb18d003f3c93484514f7d4198f"),
        [FashionMnistFiles.TestLabels + ".gz"] = FileChecksum.Sha256("54cc9684c6fdb8913743444879b91c176f98ee10d976a4e557d5bbcb93cf60d1"),
    };
}
