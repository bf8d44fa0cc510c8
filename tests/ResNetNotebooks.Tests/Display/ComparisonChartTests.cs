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
}
