using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Data;

/// <summary>
/// Loads Fashion-MNIST (Zalando Research; 28×28 grey images of clothing in 10 classes) from IDX files into tensors.
/// </summary>
/// <example>
/// <code>
/// using var train = FashionMnist.LoadSubset(FashionMnistSplit.Train);               // shipped: 10,000 images
/// using var test = FashionMnist.Load("data/fashion-mnist", FashionMnistSplit.Test); // full: 10,000 images
/// </code>
/// </example>
public static class FashionMnist
{
    /// <summary>The command that downloads the full dataset (see <see cref="FashionMnistDownloader"/>).</summary>
    public const string FetchCommand = "dotnet run --project src/ResNetNotebooks.Cli -- fetch-data";

    /// <summary>The folder, under the repository's <c>data/</c>, where <see cref="FetchCommand"/> puts the full
    /// dataset (ignored by git).</summary>
    public const string FullFolderName = "fashion-mnist";

    /// <summary>Height and width of every image.</summary>
    public const int ImageSize = 28;

    /// <summary>The ten class names, indexed by label (as in d2l's <c>get_fashion_mnist_labels</c>).</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The class name of each label in <paramref name="labels"/> (an integer tensor of labels 0..9).</summary>
    /// <param name="labels">Labels, any integer dtype, any shape (read in order).</param>
    /// <example><code>string[] names = FashionMnist.TextLabels(batch.Labels);   // ["Ankle boot", "Pullover", ...]</code></example>
    public static string[] TextLabels(Tensor labels)
    {
        using Tensor flat = labels.flatten().to_type(ScalarType.Int64);
        return flat.data<long>().ToArray().Select(label => ClassNames[(int)label]).ToArray();
    }

    /// <summary>
    /// Loads one split from the standard IDX files in <paramref name="folder"/> or <c>folder/FashionMNIST/raw</c>
    /// (gzip or raw, see <see cref="FashionMnistFiles"/>), verifies them, and returns them as two tensors.
    /// </summary>
    /// <param name="folder">The folder holding the files.</param>
    /// <param name="split">Train or test.</param>
    /// <param name="checksums">Expected checksums by file name. Null: use the folder's <c>SHA256SUMS</c>
    /// (<see cref="ChecksumManifest"/>) if there is one. Files without a known checksum are not hashed.</param>
    /// <returns>The dataset; the caller disposes it.</returns>
    /// <exception cref="DataFileException">A file is missing, truncated or corrupt, its checksum does not match, the
    /// image and label counts differ, an image is not 28×28 or a label is above 9.</exception>
    public static FashionMnistDataset Load(string folder, FashionMnistSplit split,
        IReadOnlyDictionary<string, FileChecksum>? checksums = null) =>
        LoadVerified(folder, split, checksums, $"run `{FetchCommand}` to download them (it also replaces bad files), or copy good files into {Path.GetFullPath(folder)}.");

    /// <summary>
    /// Loads one split of the subset shipped in the repository (<see cref="FashionMnistSubset"/>: 1,000 training
    /// and 200 test images per class), verifying the files' SHA-256 against the sums recorded in the code.
    /// </summary>
    /// <param name="split">Train (10,000 images) or test (2,000 images).</param>
    /// <param name="dataFolder">The repository's <c>data/</c> folder; null: found by <see cref="DataFolder.Find"/>
    /// from the current directory.</param>
    /// <returns>The dataset; the caller disposes it.</returns>
    /// <exception cref="DataFileException">A subset file is missing or changed.</exception>
    public static FashionMnistDataset LoadSubset(FashionMnistSplit split, string? dataFolder = null)
    {
        string folder = Path.Combine(dataFolder ?? DataFolder.Find(), FashionMnistSubset.FolderName);
        return LoadVerified(folder, split, FashionMnistSubset.Checksums,
            $"the subset is part of the repository: restore it with `git checkout -- data/{FashionMnistSubset.FolderName}` (see data/README.md).");
    }

    /// <summary>Loads one split of the full dataset from <c>data/fashion-mnist/</c> (put there by
    /// <see cref="FetchCommand"/>), verified against its <c>SHA256SUMS</c>.</summary>
    /// <param name="split">Train (60,000 images) or test (10,000 images).</param>
    /// <param name="dataFolder">The repository's <c>data/</c> folder; null: found by <see cref="DataFolder.Find"/>.</param>
    /// <returns>The dataset; the caller disposes it.</returns>
    /// <exception cref="DataFileException">The files are missing (run <see cref="FetchCommand"/>) or bad.</exception>
    public static FashionMnistDataset LoadFull(FashionMnistSplit split, string? dataFolder = null) =>
        Load(Path.Combine(dataFolder ?? DataFolder.Find(), FullFolderName), split);

    private static FashionMnistDataset LoadVerified(string folder, FashionMnistSplit split,
        IReadOnlyDictionary<string, FileChecksum>? checksums, string fix)
    {
        string imagesPath = FashionMnistFiles.Locate(folder, FashionMnistFiles.ImagesName(split), fix);
        string labelsPath = FashionMnistFiles.Locate(folder, FashionMnistFiles.LabelsName(split), fix);
        foreach (string path in new[] { imagesPath, labelsPath })
        {
            var known = checksums ?? ChecksumManifest.Read(Path.GetDirectoryName(path)!);
            if (known is not null && known.TryGetValue(Path.GetFileName(path), out FileChecksum? checksum))
            {
                checksum.Verify(path, fix);
            }
        }

        IdxImages images = IdxReader.ReadImages(imagesPath, fix);
        byte[] labels = IdxReader.ReadLabels(labelsPath, fix);
        if (images.Rows != ImageSize || images.Columns != ImageSize)
        {
            throw new DataFileException(imagesPath,
                $"Fashion-MNIST images are {ImageSize}×{ImageSize}, the header declares {images.Rows}×{images.Columns}.", fix);
        }

        if (labels.Length != images.Count)
        {
            throw new DataFileException(labelsPath,
                $"count mismatch: {Path.GetFileName(imagesPath)} holds {images.Count} images but this file holds {labels.Length} labels; they must be one label per image.",
                fix);
        }

        int bad = Array.FindIndex(labels, label => label >= ClassNames.Count);
        if (bad >= 0)
        {
            throw new DataFileException(labelsPath,
                $"the label at position {bad} is {labels[bad]}; Fashion-MNIST labels are 0..{ClassNames.Count - 1}.", fix);
        }

        return new FashionMnistDataset(
            torch.tensor(images.Pixels, [images.Count, 1, images.Rows, images.Columns]),
            torch.tensor(labels.Select(label => (long)label).ToArray()),
            split,
            Path.GetDirectoryName(imagesPath)!);
    }
}
