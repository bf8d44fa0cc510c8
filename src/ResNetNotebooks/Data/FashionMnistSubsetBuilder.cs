namespace ResNetNotebooks.Data;

/// <summary>
/// Makes a class-balanced subset of a full Fashion-MNIST folder: for each split, the first k images of each class
/// in file order, class-interleaved (image i has label i mod 10), written as gzip IDX files with the standard names
/// and a <c>SHA256SUMS</c> manifest. The shipped <c>data/fashion-mnist-subset/</c> was made this way (see
/// <c>data/README.md</c>).
/// </summary>
public static class FashionMnistSubsetBuilder
{
    /// <summary>Builds the subset.</summary>
    /// <param name="fullFolder">A folder with the four full files (as for <see cref="FashionMnist.Load"/>).</param>
    /// <param name="subsetFolder">Where the subset goes (created if needed).</param>
    /// <param name="trainPerClass">Training images per class.</param>
    /// <param name="testPerClass">Test images per class.</param>
    /// <param name="log">Progress messages.</param>
    /// <exception cref="DataFileException">A full file is missing or bad, or a class has too few images.</exception>
    /// <example><code>FashionMnistSubsetBuilder.Build("/tmp/fmnist/full", "data/fashion-mnist-subset");</code></example>
    public static void Build(string fullFolder, string subsetFolder,
        int trainPerClass = FashionMnistSubset.TrainImagesPerClass, int testPerClass = FashionMnistSubset.TestImagesPerClass,
        Action<string>? log = null)
    {
        log ??= _ => { };
        Directory.CreateDirectory(subsetFolder);
        foreach (var (split, perClass) in new[] { (FashionMnistSplit.Train, trainPerClass), (FashionMnistSplit.Test, testPerClass) })
        {
            string fix = $"run `{FashionMnist.FetchCommand}` to fetch the full dataset first.";
            string imagesPath = FashionMnistFiles.Locate(fullFolder, FashionMnistFiles.ImagesName(split), fix);
            string labelsPath = FashionMnistFiles.Locate(fullFolder, FashionMnistFiles.LabelsName(split), fix);
            IdxImages images = IdxReader.ReadImages(imagesPath, fix);
            byte[] labels = IdxReader.ReadLabels(labelsPath, fix);
            var byClass = Enumerable.Range(0, FashionMnist.ClassNames.Count).Select(_ => new List<byte[]>()).ToArray();
            for (int i = 0; i < images.Count && i < labels.Length; i++)
            {
                if (labels[i] < byClass.Length && byClass[labels[i]].Count < perClass)
                {
                    byClass[labels[i]].Add(images.Image(i).ToArray());
                }
            }

            int shortClass = Array.FindIndex(byClass, list => list.Count < perClass);
            if (shortClass >= 0)
            {
                throw new DataFileException(labelsPath,
                    $"class {shortClass} has only {byClass[shortClass].Count} images, the subset needs {perClass} per class.", fix);
            }

            var (subsetImages, subsetLabels) = ClassInterleaving.Interleave(byClass, start: 0, take: perClass, images.Rows, images.Columns);
            IdxWriter.WriteImages(Path.Combine(subsetFolder, FashionMnistFiles.ImagesName(split) + ".gz"), subsetImages);
            IdxWriter.WriteLabels(Path.Combine(subsetFolder, FashionMnistFiles.LabelsName(split) + ".gz"), subsetLabels);
            log($"{split}: {subsetImages.Count} images ({perClass} per class) written to {subsetFolder}.");
        }

        ChecksumManifest.Write(subsetFolder, FashionMnistFiles.GzipFileNames);
    }
}
