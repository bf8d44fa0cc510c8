using ResNetNotebooks.Data;

namespace ResNetNotebooks.Tests.Data;

public class FashionMnistBadFileTests
{
    [Fact]
    public void Missing_images_file_names_every_place_looked_and_the_fetch_command()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.Combine("train-labels-idx1-ubyte.gz"), IdxBytes.Gzip(IdxBytes.Labels(1)));

        var error = Assert.Throws<DataFileException>(() => FashionMnist.Load(folder.Path, FashionMnistSplit.Train));

        Assert.Contains(folder.Combine("train-images-idx3-ubyte.gz"), error.Message);
        Assert.Contains(folder.Combine("train-images-idx3-ubyte"), error.Message);
        Assert.Contains(folder.Combine("FashionMNIST", "raw", "train-images-idx3-ubyte.gz"), error.Message);
        Assert.Contains("not found", error.Message);
        Assert.Contains("fetch-data", error.Message);
    }

    [Fact]
    public void Missing_labels_file_is_named()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.Combine("t10k-images-idx3-ubyte.gz"), IdxBytes.Gzip(IdxBytes.Images(1)));

        var error = Assert.Throws<DataFileException>(() => FashionMnist.Load(folder.Path, FashionMnistSplit.Test));

        Assert.Equal(folder.Combine("t10k-labels-idx1-ubyte.gz"), error.FilePath);
        Assert.Contains("t10k-labels-idx1-ubyte", error.Message);
    }

    [Fact]
    public void Images_file_with_the_labels_magic_number_is_rejected_with_both_magics()
    {
        using var folder = new TempFolder();
        string images = folder.Combine("t10k-images-idx3-ubyte");
        File.WriteAllBytes(images, IdxBytes.Labels(1, 2));
        File.WriteAllBytes(folder.Combine("t10k-labels-idx1-ubyte"), IdxBytes.Labels(1, 2));

        var error = Assert.Throws<DataFileException>(() => FashionMnist.Load(folder.Path, FashionMnistSplit.Test));

        Assert.Equal(images, error.FilePath);
        Assert.Contains(images, error.Message);
        Assert.Contains("expected 0x00000803", error.Message);
        Assert.Contains("found 0x00000801", error.Message);
    }

    [Fact]
    public void Labels_file_with_a_foreign_magic_number_is_rejected()
    {
        using var folder = new TempFolder();
        string labels = folder.Combine("t10k-labels-idx1-ubyte");
        File.WriteAllBytes(folder.Combine("t10k-images-idx3-ubyte"), IdxBytes.Images(1));
        File.WriteAllBytes(labels, [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 1, 3]); // a zip header, not IDX

        var error = Assert.Throws<DataFileException>(() => FashionMnist.Load(folder.Path, FashionMnistSplit.Test));

        Assert.Contains(labels, error.Message);
        Assert.Contains("expected 0x00000801", error.Message);
        Assert.Contains("found 0x504B0304", error.Message);
    }

    [Fact]
    public void Truncated_images_file_states_the_expected_and_actual_length()
    {
        using var folder = new TempFolder();
        string images = folder.Combine("train-images-idx3-ubyte");
        // Header declares 3 images of 28×28: 16 + 3·784 = 2368 bytes; the file has 2 images: 16 + 2·784 = 1584.
        File.WriteAllBytes(images, IdxBytes.Images(declared: 3, actual: 2, rows: 28, columns: 28));
        File.WriteAllBytes(folder.Combine("train-labels-idx1-ubyte"), IdxBytes.Labels(1, 2, 3));

        var error = Assert.Throws<DataFileException>(() => FashionMnist.Load(folder.Path, FashionMnistSplit.Train));

        Assert.Contains(images, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("2368", error.Message);
        Assert.Contains("1584", error.Message);
        Assert.Contains("784 missing", error.Message);
    }

    [Fact]
    public void Truncated_gzip_file_is_rejected_with_its_name()
    {
        using var folder = new TempFolder();
        string images = folder.Combine("train-images-idx3-ubyte.gz");
        byte[] gzip = IdxBytes.Gzip(IdxBytes.Images(3));
        File.WriteAllBytes(images, gzip[..(gzip.Length / 2)]);
        File.WriteAllBytes(folder.Combine("train-labels-idx1-ubyte.gz"), IdxBytes.Gzip(IdxBytes.Labels(1, 2, 3)));

        var error = Assert.Throws<DataFileException>(() => FashionMnist.Load(folder.Path, FashionMnistSplit.Train));

        Assert.Equal(images, error.FilePath);
        Assert.Contains(images, error.Message);
    }

    [Fact]
    public void Images_file_with_extra_bytes_is_rejected()
    {
        using var folder = new TempFolder();
        string images = folder.Combine("train-images-idx3-ubyte");
        File.WriteAllBytes(images, IdxBytes.Images(declared: 1, actual: 2, rows: 28, columns: 28));
        File.WriteAllBytes(folder.Combine("train-labels-idx1-ubyte"), IdxBytes.Labels(1));

        var error = Assert.Throws<DataFileException>(() => FashionMnist.Load(folder.Path, FashionMnistSplit.Train));

        Assert.Contains(images, error.Message);
        Assert.Contains("784 extra", error.Message);
    }

    [Fact]
    public void Images_that_are_not_28_by_28_are_rejected()
    {
        using var folder = new TempFolder();
        string images = folder.Combine("train-images-idx3-ubyte");
        File.WriteAllBytes(images, IdxBytes.Images(declared: 2, actual: 2, rows: 32, columns: 32));
        File.WriteAllBytes(folder.Combine("train-labels-idx1-ubyte"), IdxBytes.Labels(1, 2));

        var error = Assert.Throws<DataFileException>(() => FashionMnist.Load(folder.Path, FashionMnistSplit.Train));

        Assert.Contains(images, error.Message);
        Assert.Contains("28×28", error.Message);
        Assert.Contains("32×32", error.Message);
    }

    [Fact]
    public void Image_and_label_count_mismatch_names_both_counts()
    {
        using var folder = new TempFolder();
        string labels = folder.Combine("t10k-labels-idx1-ubyte");
        File.WriteAllBytes(folder.Combine("t10k-images-idx3-ubyte"), IdxBytes.Images(3));
        File.WriteAllBytes(labels, IdxBytes.Labels(1, 2));

        var error = Assert.Throws<DataFileException>(() => FashionMnist.Load(folder.Path, FashionMnistSplit.Test));

        Assert.Contains(labels, error.Message);
        Assert.Contains("3 images", error.Message);
        Assert.Contains("2 labels", error.Message);
    }

    [Fact]
    public void Label_above_9_is_rejected_with_its_position_and_value()
    {
        using var folder = new TempFolder();
        string labels = folder.Combine("t10k-labels-idx1-ubyte");
        File.WriteAllBytes(folder.Combine("t10k-images-idx3-ubyte"), IdxBytes.Images(3));
        File.WriteAllBytes(labels, IdxBytes.Labels(1, 10, 2));

        var error = Assert.Throws<DataFileException>(() => FashionMnist.Load(folder.Path, FashionMnistSplit.Test));

        Assert.Contains(labels, error.Message);
        Assert.Contains("position 1 is 10", error.Message);
        Assert.Contains("0..9", error.Message);
    }

    [Fact]
    public void Checksum_mismatch_against_SHA256SUMS_names_the_file_and_both_sums()
    {
        using var folder = new TempFolder();
        string labels = folder.Combine("t10k-labels-idx1-ubyte.gz");
        byte[] labelBytes = IdxBytes.Gzip(IdxBytes.Labels(1));
        File.WriteAllBytes(folder.Combine("t10k-images-idx3-ubyte.gz"), IdxBytes.Gzip(IdxBytes.Images(1)));
        File.WriteAllBytes(labels, labelBytes);
        string wrong = new('0', 64);
        File.WriteAllText(folder.Combine("SHA256SUMS"), $"{wrong}  t10k-labels-idx1-ubyte.gz\n");

        var error = Assert.Throws<DataFileException>(() => FashionMnist.Load(folder.Path, FashionMnistSplit.Test));

        Assert.Contains(labels, error.Message);
        Assert.Contains($"expected SHA-256 {wrong}", error.Message);
        Assert.Contains($"found {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(labelBytes))}", error.Message);
    }

    [Fact]
    public void Checksum_mismatch_against_given_checksums_is_rejected()
    {
        using var folder = new TempFolder();
        string images = folder.Combine("t10k-images-idx3-ubyte.gz");
        File.WriteAllBytes(images, IdxBytes.Gzip(IdxBytes.Images(1)));
        File.WriteAllBytes(folder.Combine("t10k-labels-idx1-ubyte.gz"), IdxBytes.Gzip(IdxBytes.Labels(1)));
        var checksums = new Dictionary<string, FileChecksum>
        {
            ["t10k-images-idx3-ubyte.gz"] = FileChecksum.Md5("bef4ecab320f06d8554ea6380940ec79"),
        };

        var error = Assert.Throws<DataFileException>(() => FashionMnist.Load(folder.Path, FashionMnistSplit.Test, checksums));

        Assert.Contains(images, error.Message);
        Assert.Contains("expected MD5 bef4ecab320f06d8554ea6380940ec79", error.Message);
    }
}
