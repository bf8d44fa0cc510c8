using static TorchSharp.torch;

namespace ResNetNotebooks.Data;

/// <summary>
/// One split of Fashion-MNIST held as two tensors loaded once: <see cref="Images"/> (uint8, N×1×28×28) and
/// <see cref="Labels"/> (int64, N). Batches are cut from them by <see cref="BatchLoader"/>; no tensor per image.
/// </summary>
/// <remarks>
/// The dataset owns both tensors (they are detached from any dispose scope) and frees them in <see cref="Dispose"/>.
/// </remarks>
public sealed class FashionMnistDataset : IDisposable
{
    /// <summary>Takes ownership of <paramref name="images"/> and <paramref name="labels"/>.</summary>
    /// <param name="images">uint8 tensor N×1×H×W, pixel values 0..255.</param>
    /// <param name="labels">int64 tensor N, values 0..9.</param>
    /// <param name="split">Which split the tensors hold.</param>
    /// <param name="source">Where the data came from (a folder), for display.</param>
    /// <exception cref="ArgumentException">Wrong dtype or shape, or counts differ.</exception>
    public FashionMnistDataset(Tensor images, Tensor labels, FashionMnistSplit split, string source)
    {
        if (images.dtype != ScalarType.Byte || images.dim() != 4 || images.shape[1] != 1)
        {
            throw new ArgumentException(
                $"Images must be a uint8 tensor N×1×H×W, got {images.dtype} [{string.Join(", ", images.shape)}].", nameof(images));
        }

        if (labels.dtype != ScalarType.Int64 || labels.dim() != 1 || labels.shape[0] != images.shape[0])
        {
            throw new ArgumentException(
                $"Labels must be an int64 tensor of length {images.shape[0]} (one per image), got {labels.dtype} [{string.Join(", ", labels.shape)}].",
                nameof(labels));
        }

        Images = images.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        Split = split;
        Source = source;
    }

    /// <summary>All images: uint8, N×1×28×28, 0 = background, 255 = full intensity (as stored in the IDX file).</summary>
    public Tensor Images { get; }

    /// <summary>All labels: int64, N, class indices 0..9 (see <see cref="ClassNames"/>).</summary>
    public Tensor Labels { get; }

    /// <summary>Which split this is.</summary>
    public FashionMnistSplit Split { get; }

    /// <summary>Where the data came from (the folder of the files).</summary>
    public string Source { get; }

    /// <summary>Number of images.</summary>
    public int Count => (int)Images.shape[0];

    /// <summary>The class names, indexed by label: <see cref="FashionMnist.ClassNames"/>.</summary>
    public IReadOnlyList<string> ClassNames => FashionMnist.ClassNames;

    /// <summary>How many images each class has, indexed by label (length 10).</summary>
    /// <example><code>long[] perClass = test.CountPerClass();   // the shipped subset's test split: 200 each</code></example>
    public long[] CountPerClass()
    {
        using Tensor counts = Labels.bincount(null, minlength: FashionMnist.ClassNames.Count);
        return counts.data<long>().ToArray();
    }

    /// <summary>
    /// One image as the network sees it (float32 1×1×28×28, pixels divided by 255 as d2l's ToTensor) and its class
    /// name. The caller owns (disposes) the tensor.
    /// </summary>
    /// <param name="index">Which image, from 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside 0 .. Count − 1.</exception>
    /// <example><code>var (image, label) = test.Sample(0);   // (1, 1, 28, 28), "Ankle boot"</code></example>
    public (Tensor Image, string ClassName) Sample(int index)
    {
        if (index < 0 || index >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"This {Split} set has images 0 to {Count - 1}.");
        }
        using var scope = NewDisposeScope();
        var image = (Images[index..(index + 1)].to_type(ScalarType.Float32) / 255).MoveToOuterDisposeScope();
        return (image, ClassNames[(int)Labels[index].item<long>()]);
    }

    /// <summary>A <see cref="BatchLoader"/> over this dataset (see there for the arguments).</summary>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="shuffle">Draw a new seeded order every epoch (training) or keep file order (evaluation).</param>
    /// <param name="seed">Seed of the order sequence.</param>
    /// <param name="resize">Side of the square images the batches are resized to, or null for 28×28.</param>
    /// <param name="dropLast">Drop the last batch if it is smaller than <paramref name="batchSize"/>.</param>
    /// <example><code>var trainIter = train.Batches(256, shuffle: true, seed: 0, resize: 96);</code></example>
    public BatchLoader Batches(int batchSize, bool shuffle, int seed = 0, int? resize = null, bool dropLast = false) =>
        new(Images, Labels, batchSize, shuffle, seed, resize, dropLast);

    /// <inheritdoc/>
    public override string ToString() => $"Fashion-MNIST {Split}: {Count} images {string.Join("×", Images.shape.Skip(1))} from {Source}";

    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
