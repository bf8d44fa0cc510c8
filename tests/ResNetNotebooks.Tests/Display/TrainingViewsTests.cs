using System.IO.Compression;
using ResNetNotebooks.Training;
using ResNetNotebooks.Display;
using ResNetNotebooks.Tests.Training;

namespace ResNetNotebooks.Tests.Display;

[Collection(GlobalTorchState.Name)]
public class TrainingViewsTests
{
    private static BatchProgress Batch(int epoch, int batch, int batches = 40, int epochs = 5) =>
        new(epoch, epochs, batch, batches, 0.5, 0.8, 0.1, 700, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(50), 0.5, 0.8);

    [Fact]
    public void Like_d2ls_Animator_the_curves_take_five_training_points_per_epoch()
    {
        // d2l: if (i + 1) % (num_batches // 5) == 0 or i == num_batches - 1 → with 40 batches: 8, 16, 24, 32, 40.
        var curves = new TrainingCurves(epochs: 5);

        var added = Enumerable.Range(1, 40).Where(b => curves.Add(Batch(1, b))).ToList();

        Assert.Equal([8, 16, 24, 32, 40], added);
        Assert.Equal([0.2, 0.4, 0.6, 0.8, 1.0], curves.TrainLoss.Select(p => Math.Round(p.Epoch, 9)));
    }

    [Fact]
    public void Restored_epochs_add_one_point_each_and_the_chart_spans_all_epochs()
    {
        var curves = new TrainingCurves(epochs: 10);
        curves.Add(new EpochMetrics(1, 0.6, 0.7, 0.72, 700, 0.1, 1, 1, 0));
        curves.Add(new EpochMetrics(2, 0.4, 0.8, 0.81, 700, 0.1, 1, 1, 0));

        Assert.Equal([(1.0, 0.6), (2.0, 0.4)], curves.TrainLoss);
        Assert.Equal([(1.0, 0.72), (2.0, 0.81)], curves.TestAccuracy);
        var html = Plotly.NET.GenericChart.toChartHTML(curves.ToChart());
        Assert.Contains("\"name\":\"test acc\"", html);
        Assert.Contains("\"range\":[0.0,10.0]", html);
    }

    [Fact]
    public void The_progress_bar_shows_epoch_batch_speed_and_time_left()
    {
        var view = new TrainingProgressView(5, Batch(2, 20));

        Assert.Equal(0.3, view.Fraction, 9);
        Assert.Equal(" 30% epoch 2/5 · batch 20/40 · 0:50 left · 700 images/s · loss 0.500 · train acc 0.800", view.ToString());
        Assert.Contains("<progress value=\"0.3000\" max=\"1\"", view.ToHtml());
    }

    [Fact]
    public void The_live_view_redraws_the_chart_five_times_per_epoch_and_the_progress_bar_at_most_once_a_second()
    {
        using var data = TinyRun.Data(train: 320); // 10 batches of 32 per epoch
        using var trainer = new Trainer(TinyRun.Options with { Epochs = 2 }, TinyRun.Model, data.Train, data.Test);
        var charts = 0;
        var bars = new List<TrainingProgressView>();
        var order = new List<string>();
        var view = new LiveTrainingView(trainer, _ => { charts++; order.Add("chart"); }, p => { bars.Add(p); order.Add("bar"); },
            progressInterval: TimeSpan.FromHours(1));
        Assert.Equal(["chart", "bar"], order); // the order of the displays, for runners that bind updates in order

        using (view)
        {
            trainer.Fit();
        }

        // Once at the start; per epoch, points at batches 2, 4, 6, 8 redraw and the 5th point (batch 10) is drawn with
        // the test accuracy; once more at the end.
        Assert.Equal(1 + 2 * 5 + 1, charts);
        // At the start (the interval starts there), each epoch's end, and the end.
        Assert.Equal(1 + 2 + 1, bars.Count);
        Assert.True(bars[^1].Finished);
        Assert.Equal(1, bars[^1].Fraction);
        Assert.Equal(10, view.Curves.TrainLoss.Count);
    }

    [Fact]
    public void The_confusion_matrix_counts_true_classes_in_rows_and_finds_the_commonest_mix_up()
    {
        string[] names = ["a", "b", "c"];
        var evaluation = new Evaluation([0, 0, 1, 1, 1, 2, 2], [0, 1, 1, 2, 2, 2, 0]);

        var matrix = new ConfusionMatrix(evaluation, names);

        Assert.Equal((1, 1, 0), (matrix[0, 0], matrix[0, 1], matrix[0, 2]));
        Assert.Equal((0, 1, 2), (matrix[1, 0], matrix[1, 1], matrix[1, 2]));
        Assert.Equal((7, 3), (matrix.Total, matrix.Correct));
        Assert.Equal(3.0 / 7, matrix.Accuracy, 12);
        Assert.Equal(evaluation.Accuracy, matrix.Accuracy, 12);
        Assert.Equal(("b", "c", 2), matrix.MostConfused());
        Assert.Equal([0.5, 1.0 / 3, 0.5], matrix.ClassAccuracy);
    }

    [Fact]
    public void Every_training_chart_says_what_it_shows_in_a_title_and_its_axes()
    {
        var matrix = new ConfusionMatrix(new Evaluation([0, 1, 1], [0, 1, 0]), ["a", "b"]);
        var charts = new[]
        {
            (Figure.Of(new TrainingCurves(epochs: 2).ToChart()), "epoch"),
            (Figure.Of(LearningRateChart.Create(4, ("tuned", TrainingProfiles.Quick))), "epoch"),
            (Figure.Of(matrix.ToChart()), "predicted"),
            (Figure.Of(matrix.ClassAccuracyChart()), "fraction of the class's test images classified correctly"),
        };

        Assert.All(charts, c => Assert.False(string.IsNullOrWhiteSpace(c.Item1.Title)));
        Assert.All(charts, c => Assert.Equal(c.Item2, c.Item1.Layout["xaxis"]?["title"]?["text"]?.GetValue<string>()));
        Assert.Equal("Test accuracy per class, epoch 3", Figure.Of(matrix.ClassAccuracyChart("Test accuracy per class, epoch 3")).Title);
        Assert.Throws<ArgumentException>(() => matrix.ToChart(" "));
    }

    [Fact]
    public void Png_writes_a_valid_grey_image()
    {
        byte[] pixels = [0, 64, 128, 255, 1, 2];

        var png = Png.Grey(pixels, width: 3, height: 2);

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(new byte[] { 0, 0, 0, 3, 0, 0, 0, 2, 8, 0, 0, 0, 0 }, png[16..29]); // 3×2, 8-bit grey
        Assert.Equal(new byte[] { 0xAE, 0x42, 0x60, 0x82 }, png[^4..]); // the CRC of an empty IEND chunk
        var idatLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(33));
        using var zlib = new ZLibStream(new MemoryStream(png, 41, idatLength), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        Assert.Equal(new byte[] { 0, 0, 64, 128, 0, 255, 1, 2 }, raw.ToArray()); // filter byte 0 before each row
    }

    [Fact]
    public void The_comparison_puts_the_run_beside_d2ls_published_result()
    {
        var comparison = new ResultComparison(new EpochMetrics(5, 0.3671, 0.86, 0.853, 712.4, 0, 1, 1, 0), "quick", PublishedResult.D2l);

        Assert.Equal(
            [("train loss", "0.367", "0.013"), ("train acc", "0.860", "0.997"), ("test acc", "0.853", "0.918"), ("examples/sec", "712", "4,671")],
            comparison.Rows());
    }

    [Fact]
    public void The_metrics_table_shows_each_epoch_with_its_learning_rate_time_and_peak_memory()
    {
        var table = new MetricsTable([new EpochMetrics(1, 0.51234, 0.8, 0.75, 712.3, 0.0752351, 14.04, 0.66, 3L * 1048576)]);

        Assert.Equal(["1", "0.512", "0.800", "0.750", "712", "0.07524", "14.0", "0.7", "3"], table.Rows().Single());
        Assert.Contains("<th style=\"text-align:right\">peak MiB</th>", table.ToHtml());
    }
}
