namespace ResNetNotebooks.Data;

/// <summary>
/// The standard Fashion-MNIST file names and where to look for them: directly in a folder, or in TorchVision's
/// layout <c>&lt;root&gt;/FashionMNIST/raw/</c>; each name gzip-compressed (<c>.gz</c>, preferred) or raw.
/// </summary>
public static class FashionMnistFiles
{
    /// <summary>Training images, without the <c>.gz</c> extension.</summary>
    public const string TrainImages = "train-images-idx3-ubyte";

    /// <summary>Training labels, without the <c>.gz</c> extension.</summary>
    public const string TrainLabels = "train-labels-idx1-ubyte";

    /// <summary>Test images, without the <c>.gz</c> extension.</summary>
    public const string TestImages = "t10k-images-idx3-ubyte";

    /// <summary>Test labels, without the <c>.gz</c> extension.</summary>
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>TorchVision's sub-folder for the files: <c>root/FashionMNIST/raw</c>.</summary>
    public static readonly string TorchVisionSubfolder = Path.Combine("FashionMNIST", "raw");

    /// <summary>The four gzip file names, in the order train images, train labels, test images, test labels.</summary>
    public static IReadOnlyList<string> GzipFileNames { get; } =
        [TrainImages + ".gz", TrainLabels + ".gz", TestImages + ".gz", TestLabels + ".gz"];

    /// <summary>The MD5 checksums Zalando Research publishes for the official <c>.gz</c> files (README of
    /// zalandoresearch/fashion-mnist; the two label sums were also checked against the label files in that repository).</summary>
    public static IReadOnlyDictionary<string, FileChecksum> OfficialMd5 { get; } = new Dictionary<string, FileChecksum>
    {
        [TrainImages + ".gz"] = FileChecksum.Md5("8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        [TrainLabels + ".gz"] = FileChecksum.Md5("25c81989df183df01b3e8a0aad5dffbe"),
        [TestImages + ".gz"] = FileChecksum.Md5("bef4ecab320f06d8554ea6380940ec79"),
        [TestLabels + ".gz"] = FileChecksum.Md5("bb300cfdad3c16e7a12a480ee83cd310"),
    };

    /// <summary>The images file name of a split, without <c>.gz</c>.</summary>
    /// <param name="split">Train or test.</param>
    public static string ImagesName(FashionMnistSplit split) => split == FashionMnistSplit.Train ? TrainImages : TestImages;

    /// <summary>The labels file name of a split, without <c>.gz</c>.</summary>
    /// <param name="split">Train or test.</param>
    public static string LabelsName(FashionMnistSplit split) => split == FashionMnistSplit.Train ? TrainLabels : TestLabels;

    /// <summary>
    /// Finds a file by its standard name (<paramref name="name"/>, without <c>.gz</c>) in <paramref name="folder"/>
    /// or <c>folder/FashionMNIST/raw</c>, trying <c>name.gz</c> before <c>name</c> in each.
    /// </summary>
    /// <param name="folder">The folder to search.</param>
    /// <param name="name">A standard name such as <see cref="TrainImages"/>.</param>
    /// <param name="fix">What to tell the user to do if it is missing.</param>
    /// <returns>The full path of the file found.</returns>
    /// <exception cref="DataFileException">None of the four candidates exists; the message lists them.</exception>
    public static string Locate(string folder, string name, string fix)
    {
        string[] candidates =
        [
            Path.Combine(folder, name + ".gz"),
            Path.Combine(folder, name),
            Path.Combine(folder, TorchVisionSubfolder, name + ".gz"),
            Path.Combine(folder, TorchVisionSubfolder, name),
        ];
        string? found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            throw new DataFileException(Path.Combine(folder, name + ".gz"),
                $"file not found: looked for {string.Join(", ", candidates)}.",
                fix);
        }

        return Path.GetFullPath(found);
    }
}
