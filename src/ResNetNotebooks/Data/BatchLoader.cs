using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Data;

/// <summary>
/// Cuts batches from one images tensor and one labels tensor, like PyTorch's <c>DataLoader</c> in d2l's
/// <c>load_data_fashion_mnist</c>, without a tensor per image: each batch is an <c>index_select</c> of the big tensors,
/// converted to float32 and divided by 255 (torchvision's <c>ToTensor</c>, no normalisation), and optionally resized.
/// </summary>
/// <remarks>
/// <para>Without shuffling every epoch is in stored order; with shuffling, epoch e has its own order drawn from
/// (<see cref="Seed"/>, e), so <see cref="Order"/> tells any epoch's order without running the ones before.
/// <c>foreach</c> runs the next epoch (<see cref="NextEpoch"/>), as PyTorch's loader draws a new order per loop;
/// <see cref="Epoch"/> runs a given one. The algorithm and the resize's difference from d2l:
/// <c>docs/training-lab-notes.md</c>.</para>
/// <para>The loader does not own the source tensors; each <see cref="ImageBatch"/> holds new tensors that the caller
/// disposes (inside a dispose scope, they belong to it).</para>
/// </remarks>
/// <example>
/// <code>
/// var trainIter = new BatchLoader(train.Images, train.Labels, batchSize: 256, shuffle: true, seed: 0);
/// foreach (var (X, y) in trainIter)            // one epoch; X: [256, 1, 28, 28] float32, y: [256] int64
/// {
///     using var scope = torch.NewDisposeScope();
///     scope.Include(X); scope.Include(y);       // or: using the batch
///     ...
/// }
/// </code>
/// </example>
public sealed class BatchLoader : IBatchSource, IEnumerable<ImageBatch>
{
    private readonly Tensor _images;
    private readonly Tensor _labels;
    private int _nextEpoch;

    /// <summary>Creates a loader over <paramref name="images"/> and <paramref name="labels"/> (not copied, not owned).</summary>
    /// <param name="images">uint8 tensor N×C×H×W, pixel values 0..255.</param>
    /// <param name="labels">int64 tensor N.</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="shuffle">Draw a new seeded order every epoch (training) or keep stored order (evaluation).</param>
    /// <param name="seed">Seed of the sequence of orders (ignored without shuffling).</param>
    /// <param name="resize">Side of the square the images are resized to (e.g. 96), or null to keep H×W.</param>
    /// <param name="dropLast">Drop the last batch of an epoch if it is smaller than <paramref name="batchSize"/>.</param>
    /// <exception cref="ArgumentException">Wrong dtypes or shapes, or a non-positive size.</exception>
    public BatchLoader(Tensor images, Tensor labels, int batchSize, bool shuffle, int seed = 0, int? resize = null, bool dropLast = false)
    {
        if (images.dtype != ScalarType.Byte || images.dim() != 4)
        {
            throw new ArgumentException(
                $"Images must be a uint8 tensor N×C×H×W, got {images.dtype} [{string.Join(", ", images.shape)}].", nameof(images));
        }

        if (labels.dtype != ScalarType.Int64 || labels.dim() != 1 || labels.shape[0] != images.shape[0])
        {
            throw new ArgumentException(
                $"Labels must be an int64 tensor of length {images.shape[0]}, got {labels.dtype} [{string.Join(", ", labels.shape)}].", nameof(labels));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (resize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(resize), resize, "The resize side must be positive (e.g. 96) or null.");
        }

        _images = images;
        _labels = labels;
        Count = (int)images.shape[0];
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        Resize = resize;
        DropLast = dropLast;
    }

    /// <summary>Creates a loader over a dataset's tensors (see the other constructor).</summary>
    /// <param name="dataset">The dataset; it must stay undisposed while the loader is used.</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="shuffle">Draw a new seeded order every epoch.</param>
    /// <param name="seed">Seed of the sequence of orders.</param>
    /// <param name="resize">Side of the square the images are resized to, or null.</param>
    /// <param name="dropLast">Drop a smaller last batch.</param>
    public BatchLoader(FashionMnistDataset dataset, int batchSize, bool shuffle, int seed = 0, int? resize = null, bool dropLast = false)
        : this(dataset.Images, dataset.Labels, batchSize, shuffle, seed, resize, dropLast)
    {
    }

    /// <summary>Number of images per epoch (before dropping a partial batch).</summary>
    public int Count { get; }

    /// <summary>Images per batch (the last batch may have fewer unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch has its own seeded order.</summary>
    public bool Shuffle { get; }

    /// <summary>Seed of the sequence of orders.</summary>
    public int Seed { get; }

    /// <summary>Side of the square batches are resized to, or null for the stored size.</summary>
    public int? Resize { get; }

    /// <summary>Whether a last batch smaller than <see cref="BatchSize"/> is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Batches per epoch: ⌈N / batch size⌉, or ⌊N / batch size⌋ with <see cref="DropLast"/>.</summary>
    public int BatchesPerEpoch => DropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    /// <summary>The epoch the next <c>foreach</c> runs (0 for a new loader).</summary>
    public int NextEpoch => _nextEpoch;

    /// <summary>The order of image indices in <paramref name="epoch"/>: 0..N−1 without shuffling, else a seeded permutation.</summary>
    /// <param name="epoch">0-based epoch number.</param>
    public int[] Order(int epoch)
    {
        int[] order = Enumerable.Range(0, Count).ToArray();
        if (!Shuffle)
        {
            return order;
        }

        var random = new Random(EpochSeed(Seed, epoch));
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    /// <summary>The batches of <paramref name="epoch"/>, made one at a time as they are enumerated.</summary>
    /// <param name="epoch">0-based epoch number; decides the order when shuffling.</param>
    /// <returns>Batches whose tensors the caller disposes.</returns>
    public IEnumerable<ImageBatch> Epoch(int epoch)
    {
        int[] order = Order(epoch);
        for (int batch = 0; batch < BatchesPerEpoch; batch++)
        {
            int start = batch * BatchSize;
            yield return MakeBatch(order.AsSpan(start, Math.Min(BatchSize, Count - start)));
        }
    }

    /// <summary>Runs the next epoch (<see cref="NextEpoch"/>) and advances it.</summary>
    public IEnumerator<ImageBatch> GetEnumerator() => Epoch(_nextEpoch++).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private ImageBatch MakeBatch(ReadOnlySpan<int> indices)
    {
        using var scope = torch.NewDisposeScope();
        Tensor index = torch.tensor(indices.ToArray().Select(i => (long)i).ToArray());
        Tensor images = _images.index_select(0, index).to_type(ScalarType.Float32).div_(255f);
        if (Resize is int side)
        {
            images = nn.functional.interpolate(images, size: [side, side], mode: InterpolationMode.Bilinear, align_corners: false);
        }

        Tensor labels = _labels.index_select(0, index);
        return new ImageBatch(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>SplitMix64 of (seed, epoch), reduced to a non-negative 31-bit seed for <see cref="Random"/>.</summary>
    private static int EpochSeed(int seed, int epoch)
    {
        ulong z = ((ulong)(uint)seed << 32) | (uint)epoch;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z >> 33);
    }
}
