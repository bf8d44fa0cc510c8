using ResNetNotebooks.Display;

namespace ResNetNotebooks.Tests.Display;

public class ComparisonChartTests
{
    [Fact]
    public void One_bar_panel_per_metric_with_a_bar_per_category_labelled_with_its_value()
    {
        var figure = Figure.Of(ComparisonChart.Bars(
            ["A", "B", "C"],
            [("shortcut parameters", [0, 172_928, 526_208]), ("total (millions)", [11.005, 11.178, 11.532])],
            "options"));

        Assert.Equal(2, figure.Data.Count);
        var first = figure.Trace(0);
        Assert.Equal("bar", first["type"]!.GetValue<string>());
        Assert.Equal(["A", "B", "C"], Figure.Texts(first["x"]));
        Assert.Equal(new double[] { 0, 172_928, 526_208 }, Figure.Numbers(first["y"]));
        Assert.Equal(["0", "172,928", "526,208"], Figure.Texts(first["text"]));
        Assert.Equal(["11.005", "11.178", "11.532"], Figure.Texts(figure.Trace(1)["text"]));
        Assert.Equal(["shortcut parameters", "total (millions)"], figure.Annotations);
        Assert.Equal(2, figure.Layout["grid"]!["columns"]!.GetValue<int>());
        Assert.Equal("options", figure.Title);
    }

    [Fact]
    public void A_metric_without_one_value_per_category_is_refused_with_the_counts()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            ComparisonChart.Bars(["A", "B", "C"], [("parameters", [1, 2])], "options"));

        Assert.Contains("\"parameters\" has 2 value(s) but there are 3 categories (A, B, C)", error.Message);
    }

    [Fact]
    public void Bar_labels_stand_horizontal_above_the_bars_with_room_and_large_values_are_rounded_to_whole_numbers()
    {
        var figure = Figure.Of(ComparisonChart.Bars(
            ["b1", "b2"], [("multiply-adds, millions", [118.014, 462.422])], "stages", categoryTitle: "stage"));

        var trace = figure.Trace(0);
        Assert.Equal("outside", trace["textposition"]!.GetValue<string>());
        Assert.Equal(0, trace["textangle"]!.GetValue<int>());
        Assert.False(trace["cliponaxis"]!.GetValue<bool>());
        Assert.Equal(["118", "462"], Figure.Texts(trace["text"]));                               // ≥ 100: no decimals
        Assert.Equal(462.422 * 1.15, figure.Layout["yaxis"]!["range"]![1]!.GetValue<double>(), 9); // 15% headroom
        Assert.Equal("stage", figure.Layout["xaxis"]!["title"]!["text"]!.GetValue<string>());
    }
}
