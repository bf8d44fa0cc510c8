using ResNetNotebooks.Data;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Tests.Data;

public class IdxWriterTests
{
    [Fact]
    public void WriteImages_writes_gzip_with_the_idx_header_then_the_pixels()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("t10k-images-idx3-ubyte.gz");
        byte[] pixels = Enumerable.Range(0, 2 * 28 * 28).Select(i => (byte)(i % 251)).ToArray();

        IdxWriter.WriteImages(path, new IdxImages(2, 28, 28, pixels));

        Assert.Equal(new byte[] { 0x1f, 0x8b }, File.ReadAllBytes(path)[..2]);
        byte[] content = IdxBytes.Gunzip(path);
        Assert.Equal(new byte[] { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28 }, content[..16]);
        Assert.Equal(pixels, content[16..]);
    }

    [Fact]
    public void WriteLabels_writes_gzip_with_the_idx_header_then_the_labels()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("t10k-labels-idx1-ubyte.gz");

        IdxWriter.WriteLabels(path, [9, 0, 3]);

        Assert.Equal(new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 9, 0, 3 }, IdxBytes.Gunzip(path));
    }

    [Fact]
    public void Written_files_load_back_with_the_same_images_and_labels()
    {
        using var folder = new TempFolder();
        byte[] raw = IdxBytes.Images(2);
        IdxWriter.WriteImages(folder.Combine("train-images-idx3-ubyte.gz"), new IdxImages(2, 28, 28, raw[16..]));
        IdxWriter.WriteLabels(folder.Combine("train-labels-idx1-ubyte.gz"), [5, 7]);

        using var train = FashionMnist.Load(folder.Path, FashionMnistSplit.Train);

        Assert.Equal(new long[] { 5, 7 }, train.Labels.data<long>().ToArray());
        Assert.Equal(raw[16..], train.Images.data<byte>().ToArray());
    }

    [Fact]
    public void Writing_leaves_only_the_target_file_in_the_folder()
    {
        using var folder = new TempFolder();

        IdxWriter.WriteLabels(folder.Combine("t10k-labels-idx1-ubyte.gz"), [1]);

        Assert.Equal(["t10k-labels-idx1-ubyte.gz"], folder.Files());
    }

    [Fact]
    public void Atomic_write_that_fails_midway_leaves_no_file_and_no_temporary_file()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("train-images-idx3-ubyte.gz");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new InvalidOperationException("disk full (simulated)");
        }));

        Assert.Empty(folder.Files());
    }

    [Fact]
    public void Atomic_write_that_fails_keeps_the_previous_file_unchanged()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("train-labels-idx1-ubyte.gz");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[] { 9, 9, 9, 9 });
            throw new InvalidOperationException("simulated failure");
        }));

        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal(["train-labels-idx1-ubyte.gz"], folder.Files());
    }

    [Fact]
    public void Pending_file_disposed_without_commit_leaves_nothing()
    {
        using var folder = new TempFolder();
        using (var pending = new PendingFile(folder.Combine("x.gz")))
        {
            using var stream = pending.OpenWrite();
            stream.Write(new byte[10]);
        }

        Assert.Empty(folder.Files());
    }
}
