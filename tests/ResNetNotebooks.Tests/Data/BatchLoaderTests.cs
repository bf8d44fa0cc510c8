using ResNetNotebooks.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Tests.Data;

/// <summary>
/// The batching contract on 23 tiny images (1×4×4) where image n has every pixel = 10 n and label n, so a batch's
/// labels are the indices it holds, and its pixels tell whether images travelled with their labels.
/// </summary>
public sealed class BatchLoaderTests : IDisposable
{
    private const int N = 23;
    private readonly Tensor _images;
    private readonly Tensor _labels;

    public BatchLoaderTests()
    {
        byte[] pixels = Enumerable.Range(0, N).SelectMany(n => Enumerable.Repeat((byte)(10 * n), 16)).ToArray();
        _images = torch.tensor(pixels, [N, 1, 4, 4]);
        _labels = torch.arange(N, dtype: ScalarType.Int64);
    }

    public void Dispose()
    {
        _images.Dispose();
        _labels.Dispose();
    }

    private static long[] Indices(ImageBatch batch) => batch.Labels.data<long>().ToArray();

    private static long[] EpochIndices(IEnumerable<ImageBatch> epoch) => epoch.SelectMany(batch =>
    {
        using (batch)
        {
            return Indices(batch);
        }
    }).ToArray();

    [Fact]
    public void Batches_are_float32_N_by_1_by_H_by_W_with_int64_labels()
    {
        var loader = new BatchLoader(_images, _labels, batchSize: 5, shuffle: true, seed: 1);

        using var batch = loader.Epoch(0).First();

        Assert.Equal(new long[] { 5, 1, 4, 4 }, batch.Images.shape);
        Assert.Equal(ScalarType.Float32, batch.Images.dtype);
        Assert.Equal(new long[] { 5 }, batch.Labels.shape);
        Assert.Equal(ScalarType.Int64, batch.Labels.dtype);
    }

    [Fact]
    public void Images_keep_their_labels_and_are_divided_by_255()
    {
        var loader = new BatchLoader(_images, _labels, batchSize: 5, shuffle: true, seed: 1);

        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            {
                float[] pixels = batch.Images.data<float>().ToArray();
                long[] labels = Indices(batch);
                for (int i = 0; i < labels.Length; i++)
                {
                    Assert.All(pixels.Skip(16 * i).Take(16), value => Assert.Equal(10f * labels[i] / 255f, value, 1e-6f));
                }
            }
        }
    }

    [Fact]
    public void Every_image_appears_exactly_once_per_epoch()
    {
        var loader = new BatchLoader(_images, _labels, batchSize: 5, shuffle: true, seed: 7);

        for (int epoch = 0; epoch < 3; epoch++)
        {
            Assert.Equal(Enumerable.Range(0, N).Select(i => (long)i), EpochIndices(loader.Epoch(epoch)).Order());
        }
    }

    [Fact]
    public void Last_partial_batch_is_kept_with_N_mod_batch_size_images()
    {
        var loader = new BatchLoader(_images, _labels, batchSize: 5, shuffle: true, seed: 0);

        int[] sizes = loader.Epoch(0).Select(batch => { using (batch) { return batch.Count; } }).ToArray();

        // 23 = 4·5 + 3: four full batches and one of 3.
        Assert.Equal(4 + 1, loader.BatchesPerEpoch);
        Assert.Equal([5, 5, 5, 5, 23 - 4 * 5], sizes);
    }

    [Fact]
    public void DropLast_drops_the_partial_batch()
    {
        var loader = new BatchLoader(_images, _labels, batchSize: 5, shuffle: true, seed: 0, dropLast: true);

        int[] sizes = loader.Epoch(0).Select(batch => { using (batch) { return batch.Count; } }).ToArray();

        Assert.Equal(23 / 5, loader.BatchesPerEpoch);
        Assert.Equal([5, 5, 5, 5], sizes);
    }

    [Fact]
    public void Shuffled_epochs_have_different_orders()
    {
        var loader = new BatchLoader(_images, _labels, batchSize: 5, shuffle: true, seed: 3);

        Assert.NotEqual(EpochIndices(loader.Epoch(0)), EpochIndices(loader.Epoch(1)));
        Assert.NotEqual(loader.Order(1), loader.Order(2));
    }

    [Fact]
    public void Same_seed_gives_the_same_sequence_of_orders()
    {
        var first = new BatchLoader(_images, _labels, batchSize: 5, shuffle: true, seed: 42);
        var second = new BatchLoader(_images, _labels, batchSize: 5, shuffle: true, seed: 42);

        for (int epoch = 0; epoch < 3; epoch++)
        {
            Assert.Equal(EpochIndices(first), EpochIndices(second));
        }
    }

    [Fact]
    public void Different_seed_gives_a_different_order()
    {
        var first = new BatchLoader(_images, _labels, batchSize: 5, shuffle: true, seed: 42);
        var second = new BatchLoader(_images, _labels, batchSize: 5, shuffle: true, seed: 43);

        Assert.NotEqual(first.Order(0), second.Order(0));
    }

    [Fact]
    public void Foreach_runs_epoch_0_then_epoch_1()
    {
        var loader = new BatchLoader(_images, _labels, batchSize: 5, shuffle: true, seed: 5);

        long[] firstLoop = EpochIndices(loader);
        long[] secondLoop = EpochIndices(loader);

        Assert.Equal(2, loader.NextEpoch);
        Assert.Equal(loader.Order(0).Select(i => (long)i), firstLoop);
        Assert.Equal(loader.Order(1).Select(i => (long)i), secondLoop);
    }

    [Fact]
    public void Without_shuffle_every_epoch_is_in_stored_order()
    {
        var loader = new BatchLoader(_images, _labels, batchSize: 5, shuffle: false);

        Assert.Equal(Enumerable.Range(0, N).Select(i => (long)i), EpochIndices(loader));
        Assert.Equal(Enumerable.Range(0, N).Select(i => (long)i), EpochIndices(loader));
    }

    [Fact]
    public void Resize_96_gives_96_by_96_images_and_keeps_a_constant_image_constant()
    {
        var loader = new BatchLoader(_images, _labels, batchSize: 4, shuffle: false, resize: 96);

        using var batch = loader.Epoch(0).First();

        Assert.Equal(new long[] { 4, 1, 96, 96 }, batch.Images.shape);
        // Image 3 is constant 30, so bilinear interpolation gives 30/255 everywhere.
        Assert.Equal(30f / 255f, batch.Images[3].min().item<float>(), 1e-6f);
        Assert.Equal(30f / 255f, batch.Images[3].max().item<float>(), 1e-6f);
    }

    [Fact]
    public void Batches_made_inside_a_dispose_scope_are_freed_with_it_and_the_source_is_not()
    {
        var loader = new BatchLoader(_images, _labels, batchSize: 5, shuffle: true, seed: 0);
        ImageBatch batch;
        using (torch.NewDisposeScope())
        {
            batch = loader.Epoch(0).First();
        }

        Assert.True(batch.Images.IsInvalid);
        Assert.True(batch.Labels.IsInvalid);
        Assert.False(_images.IsInvalid);
        Assert.False(_labels.IsInvalid);
    }

    [Fact]
    public void Loader_over_the_shipped_training_subset_has_40_batches_of_256_the_last_of_16()
    {
        using var train = FashionMnist.LoadSubset(FashionMnistSplit.Train, DataFolder.Find(AppContext.BaseDirectory));
        var loader = train.Batches(256, shuffle: true, seed: 0);

        var sizes = loader.Epoch(0).Select(batch => { using (batch) { return batch.Count; } }).ToArray();

        // 10,000 = 39·256 + 16.
        Assert.Equal(39 + 1, loader.BatchesPerEpoch);
        Assert.Equal(10_000 - 39 * 256, sizes[^1]);
        Assert.All(sizes[..^1], size => Assert.Equal(256, size));
    }

    [Fact]
    public void Loader_rejects_float_images()
    {
        using var floats = torch.zeros(2, 1, 4, 4);
        using var labels = torch.zeros(2, dtype: ScalarType.Int64);

        var error = Assert.Throws<ArgumentException>(() => new BatchLoader(floats, labels, 2, shuffle: false));

        Assert.Contains("uint8", error.Message);
    }
}
