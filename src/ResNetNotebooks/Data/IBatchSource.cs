namespace ResNetNotebooks.Data;

/// <summary>
/// Where a trainer draws its batches from, as d2l's <c>train_ch6</c> takes any iterators: <see cref="BatchLoader"/> over
/// Fashion-MNIST, or any other source of labelled image batches.
/// </summary>
public interface IBatchSource
{
    /// <summary>Images per epoch.</summary>
    int Count { get; }

    /// <summary>Batches per epoch.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>The batches of the 0-based <paramref name="epoch"/> (float32 images N×C×H×W, int64 labels N), made as
    /// they are enumerated; the caller disposes each. The same epoch must give the same batches, so that a resumed run
    /// trains on what an uninterrupted one would.</summary>
    IEnumerable<ImageBatch> Epoch(int epoch);
}
