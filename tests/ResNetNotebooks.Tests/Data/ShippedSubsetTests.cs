using System.Security.Cryptography;
using ResNetNotebooks.Data;

namespace ResNetNotebooks.Tests.Data;

public class ShippedSubsetTests
{
    private static readonly string[] FileNames =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    [Fact]
    public void Shipped_training_subset_has_10000_images_1000_per_class()
    {
        using var train = FashionMnist.LoadSubset(FashionMnistSplit.Train);

        Assert.Equal(10 * 1000, train.Count);
        Assert.Equal(new long[] { 10_000, 1, 28, 28 }, train.Images.shape);
        Assert.Equal(Enumerable.Repeat(1000L, 10), train.CountPerClass());
    }

    [Fact]
    public void Shipped_test_subset_has_2000_images_200_per_class()
    {
        using var test = FashionMnist.LoadSubset(FashionMnistSplit.Test);

        Assert.Equal(10 * 200, test.Count);
        Assert.Equal(Enumerable.Repeat(200L, 10), test.CountPerClass());
    }

    [Fact]
    public void A_sample_is_one_float_image_in_0_to_1_with_its_class_name()
    {
        using var test = FashionMnist.LoadSubset(FashionMnistSplit.Test);

        var (image, className) = test.Sample(13);

        using (image)
        {
            Assert.Equal(new long[] { 1, 1, 28, 28 }, image.shape);
            Assert.Equal(TorchSharp.torch.ScalarType.Float32, image.dtype);
            Assert.InRange(image.min().item<float>(), 0f, 1f);
            Assert.InRange(image.max().item<float>(), 0f, 1f);
            using var raw = test.Images[13].to_type(TorchSharp.torch.ScalarType.Float32);
            Assert.Equal(raw.sum().item<float>() / 255f, image.sum().item<float>(), 2);
        }
        Assert.Equal("Dress", className); // interleaved: image 13 has label 13 mod 10 = 3, Dress
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Sample(2_000));
    }

    [Fact]
    public void Shipped_subset_is_class_interleaved_so_image_i_has_label_i_mod_10()
    {
        using var test = FashionMnist.LoadSubset(FashionMnistSplit.Test);

        long[] labels = test.Labels.data<long>().ToArray();
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)(i % 10)), labels);
    }

    [Fact]
    public void Shipped_files_match_the_sha256_sums_recorded_in_code_and_in_SHA256SUMS()
    {
        string folder = Path.Combine(DataFolder.Find(AppContext.BaseDirectory), "fashion-mnist-subset");
        string[] manifest = File.ReadAllLines(Path.Combine(folder, "SHA256SUMS"));

        foreach (string name in FileNames)
        {
            string actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, name))));
            Assert.Equal(actual, FashionMnistSubset.Checksums[name].Hex);
            Assert.Contains($"{actual}  {name}", manifest);
        }
    }

    [Fact]
    public void Data_readme_lists_the_same_sha256_sums_as_the_code()
    {
        string readme = File.ReadAllText(Path.Combine(DataFolder.Find(AppContext.BaseDirectory), "README.md"));

        foreach (string name in FileNames)
        {
            Assert.Contains(FashionMnistSubset.Checksums[name].Hex, readme);
        }
    }

    [Fact]
    public void Shipped_subset_is_about_6_MB_or_less()
    {
        string folder = Path.Combine(DataFolder.Find(AppContext.BaseDirectory), "fashion-mnist-subset");

        long bytes = FileNames.Sum(name => new FileInfo(Path.Combine(folder, name)).Length);

        Assert.InRange(bytes, 1_000_000, 6_500_000);
    }

    [Fact]
    public void A_changed_subset_file_is_rejected_with_the_restore_command()
    {
        using var copy = new TempFolder();
        string source = Path.Combine(DataFolder.Find(AppContext.BaseDirectory), "fashion-mnist-subset");
        string target = copy.Combine("data", "fashion-mnist-subset");
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        string labels = Path.Combine(target, "t10k-labels-idx1-ubyte.gz");
        File.WriteAllBytes(labels, IdxBytes.Gzip(IdxBytes.Labels(Enumerable.Repeat((byte)0, 2000).ToArray())));

        var error = Assert.Throws<DataFileException>(() => FashionMnist.LoadSubset(FashionMnistSplit.Test, copy.Combine("data")));

        Assert.Contains(labels, error.Message);
        Assert.Contains(FashionMnistSubset.Checksums["t10k-labels-idx1-ubyte.gz"].Hex, error.Message);
        Assert.Contains("git checkout -- data/fashion-mnist-subset", error.Message);
    }
}
