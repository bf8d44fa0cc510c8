using ResNetNotebooks.Display;
using ResNetNotebooks.Models;
using ResNetNotebooks.Inspection;

namespace ResNetNotebooks.Tests.Display;

public class StageChartsTests
{
    [Fact]
    public void Feature_map_shapes_of_ResNet18_show_channels_growing_and_height_times_width_shrinking()
    {
        using var net = ResNet.ResNet18();
        var summary = ModelSummary.Create(net, [1, 1, 224, 224], SummaryDepth.Stages);

        var figure = Figure.Of(StageCharts.FeatureMapShapes(summary));

        var (channels, area) = (figure.Trace(0), figure.Trace(1));
        Assert.Equal(["input", "b1", "b2", "b3", "b4", "b5", "avgpool"], Figure.Texts(channels["x"])); // flatten, fc: vectors
        Assert.Equal(new double[] { 1, 64, 64, 128, 256, 512, 512 }, Figure.Numbers(channels["y"]));      // the seed's shape walk
        Assert.Equal(new double[] { 224 * 224, 56 * 56, 56 * 56, 28 * 28, 14 * 14, 7 * 7, 1 }, Figure.Numbers(area["y"]));
        Assert.Equal(["224×224", "56×56", "56×56", "28×28", "14×14", "7×7", "1×1"], Figure.Texts(area["text"]));
        Assert.Equal("log", figure.Layout["yaxis2"]!["type"]!.GetValue<string>());
        Assert.True(Figure.Numbers(figure.Layout["yaxis2"]!["range"])[1] > Math.Log10(224 * 224)); // room above the top label
    }

    [Fact]
    public void Shapes_without_height_and_width_only_are_refused_with_the_fix()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            StageCharts.FeatureMapShapes([("fc", (IReadOnlyList<long>)[1, 10])]));

        Assert.Contains("SummaryDepth.Stages", error.Message);
    }

    [Fact]
    public void Parameters_per_stage_are_one_labelled_bar_per_stage_in_order()
    {
        var perStage = new Dictionary<string, long> { ["b1"] = 3_328, ["b2"] = 148_224, ["avgpool"] = 0 };

        var figure = Figure.Of(StageCharts.ParametersPerStage(perStage));

        var bars = figure.Trace(0);
        Assert.Equal("bar", bars["type"]!.GetValue<string>());
        Assert.Equal(["b1", "b2", "avgpool"], Figure.Texts(bars["x"]));
        Assert.Equal(new double[] { 3_328, 148_224, 0 }, Figure.Numbers(bars["y"]));
        Assert.Equal(["3,328", "148,224", "0"], Figure.Texts(bars["text"]));
        Assert.Equal("Parameters per stage", figure.Title);
    }
}
