using System.Security.Cryptography;
using ResNetNotebooks.Data;
using TorchSharp;

namespace ResNetNotebooks.Tests.Data;

public class FashionMnistLoadTests
{
    [Fact]
    public void Load_reads_raw_idx_files_directly_in_the_folder()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.Combine("t10k-images-idx3-ubyte"), IdxBytes.Images(3));
        File.WriteAllBytes(folder.Combine("t10k-labels-idx1-ubyte"), IdxBytes.Labels(9, 0, 5));

        using var test = FashionMnist.Load(folder.Path, FashionMnistSplit.Test);

        Assert.Equal(3, test.Count);
        Assert.Equal(new long[] { 3, 1, 28, 28 }, test.Images.shape);
        Assert.Equal(torch.ScalarType.Byte, test.Images.dtype);
        Assert.Equal(torch.ScalarType.Int64, test.Labels.dtype);
        Assert.Equal(new long[] { 9, 0, 5 }, test.Labels.data<long>().ToArray());
        // Image 2, row 1, column 3 is pixel 28 + 3 = 31: (7·2 + 31) mod 256 = 45.
        Assert.Equal(45, test.Images[2, 0, 1, 3].item<byte>());
        // Image 1, last pixel 783: (7 + 783) mod 256 = 22.
        Assert.Equal(22, test.Images[1, 0, 27, 27].item<byte>());
        Assert.Equal(FashionMnistSplit.Test, test.Split);
    }

    [Fact]
    public void Load_reads_gzip_files_in_the_torchvision_layout()
    {
        using var root = new TempFolder();
        string raw = root.Combine("FashionMNIST", "raw");
        Directory.CreateDirectory(raw);
        File.WriteAllBytes(Path.Combine(raw, "train-images-idx3-ubyte.gz"), IdxBytes.Gzip(IdxBytes.Images(2)));
        File.WriteAllBytes(Path.Combine(raw, "train-labels-idx1-ubyte.gz"), IdxBytes.Gzip(IdxBytes.Labels(3, 8)));

        using var train = FashionMnist.Load(root.Path, FashionMnistSplit.Train);

        Assert.Equal(2, train.Count);
        Assert.Equal(new long[] { 3, 8 }, train.Labels.data<long>().ToArray());
        Assert.Equal((byte)((7 * 1 + 100) % 256), train.Images[1, 0, 3, 16].item<byte>()); // pixel 3·28 + 16 = 100
        Assert.Equal(Path.GetFullPath(raw), train.Source);
    }

    [Fact]
    public void Load_detects_gzip_by_its_magic_bytes_not_by_the_file_name()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.Combine("t10k-images-idx3-ubyte"), IdxBytes.Gzip(IdxBytes.Images(2)));
        File.WriteAllBytes(folder.Combine("t10k-labels-idx1-ubyte"), IdxBytes.Gzip(IdxBytes.Labels(1, 2)));

        using var test = FashionMnist.Load(folder.Path, FashionMnistSplit.Test);

        Assert.Equal(new long[] { 1, 2 }, test.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Load_reads_a_raw_file_even_when_it_is_named_gz()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.Combine("t10k-images-idx3-ubyte.gz"), IdxBytes.Images(1));
        File.WriteAllBytes(folder.Combine("t10k-labels-idx1-ubyte.gz"), IdxBytes.Labels(4));

        using var test = FashionMnist.Load(folder.Path, FashionMnistSplit.Test);

        Assert.Equal(new long[] { 4 }, test.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Load_accepts_files_that_match_the_folders_SHA256SUMS()
    {
        using var folder = new TempFolder();
        byte[] images = IdxBytes.Gzip(IdxBytes.Images(2));
        byte[] labels = IdxBytes.Gzip(IdxBytes.Labels(0, 1));
        File.WriteAllBytes(folder.Combine("train-images-idx3-ubyte.gz"), images);
        File.WriteAllBytes(folder.Combine("train-labels-idx1-ubyte.gz"), labels);
        File.WriteAllText(folder.Combine("SHA256SUMS"),
            $"{Convert.ToHexStringLower(SHA256.HashData(images))}  train-images-idx3-ubyte.gz\n" +
            $"{Convert.ToHexStringLower(SHA256.HashData(labels))}  train-labels-idx1-ubyte.gz\n");

        using var train = FashionMnist.Load(folder.Path, FashionMnistSplit.Train);

        Assert.Equal(2, train.Count);
    }

    [Fact]
    public void CountPerClass_counts_the_labels_of_each_class()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.Combine("t10k-images-idx3-ubyte"), IdxBytes.Images(4));
        File.WriteAllBytes(folder.Combine("t10k-labels-idx1-ubyte"), IdxBytes.Labels(9, 2, 9, 0));

        using var test = FashionMnist.Load(folder.Path, FashionMnistSplit.Test);

        Assert.Equal(new long[] { 1, 0, 1, 0, 0, 0, 0, 0, 0, 2 }, test.CountPerClass());
    }

    [Fact]
    public void TextLabels_gives_the_d2l_class_names()
    {
        using var labels = torch.tensor(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 });

        Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            FashionMnist.TextLabels(labels));
    }

    [Fact]
    public void A_dataset_made_inside_a_dispose_scope_outlives_the_scope()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.Combine("t10k-images-idx3-ubyte"), IdxBytes.Images(1));
        File.WriteAllBytes(folder.Combine("t10k-labels-idx1-ubyte"), IdxBytes.Labels(7));
        FashionMnistDataset test;
        using (torch.NewDisposeScope())
        {
            test = FashionMnist.Load(folder.Path, FashionMnistSplit.Test);
        }

        using (test)
        {
            Assert.Equal(7, test.Labels[0].item<long>());
        }
    }
}
