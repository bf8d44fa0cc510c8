using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Tests.Training;

public class MetricsFileTests
{
    private static readonly EpochMetrics[] History =
    [
        new(1, 0.5123456789, 0.8, 0.75, 712.345, 0.1, 14, 0.7, 1_000_000),
        new(2, 0.25, 0.9125, 0.8765, 700, 0.05, 14, 0.7, 1_000_000),
    ];

    [Fact]
    public void The_file_has_the_agreed_header_and_one_row_per_epoch()
    {
        var text = MetricsFile.Format(History);

        Assert.Equal(
            "epoch,train_loss,train_acc,test_acc,examples_per_sec\n" +
            "1,0.512346,0.800000,0.750000,712.3\n" +
            "2,0.250000,0.912500,0.876500,700.0\n",
            text);
    }

    [Fact]
    public void Written_metrics_read_back_with_the_files_precision_and_no_temporary_file_is_left()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("run", MetricsFile.FileName);

        MetricsFile.Write(path, History);
        var rows = MetricsFile.Read(path);

        Assert.Equal([new MetricsRow(1, 0.512346, 0.8, 0.75, 712.3), new MetricsRow(2, 0.25, 0.9125, 0.8765, 700)], rows);
        Assert.Equal(["run/metrics.csv"], folder.Files());
    }

    [Fact]
    public void A_file_with_another_header_is_refused_naming_the_expected_one()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("m.csv");
        File.WriteAllText(path, "epoch,loss\n1,0.5\n");

        var e = Assert.Throws<InvalidDataException>(() => MetricsFile.Read(path));

        Assert.Contains(MetricsFile.Header, e.Message);
    }

    [Fact]
    public void A_malformed_row_is_reported_with_its_line_number()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("m.csv");
        File.WriteAllText(path, MetricsFile.Header + "\n1,0.5,0.8,0.7\n");

        var e = Assert.Throws<InvalidDataException>(() => MetricsFile.Read(path));

        Assert.Contains("line 2", e.Message);
    }
}
