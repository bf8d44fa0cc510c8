using ResNetNotebooks.Display;

namespace ResNetNotebooks.Tests.Display;

public class SeriesChartTests
{
    [Fact]
    public void Lines_have_a_title_axis_titles_a_legend_entry_per_series_and_dashes_where_asked()
    {
        var figure = Figure.Of(SeriesChart.Lines(
            [new Series("plain-56", [1, 2, 3], [100, 10, 1], Dashed: true), new Series("ResNet-56", [1, 2, 3], [2, 1.5, 1])],
            "Gradient norms", "layer", "norm", logY: true));

        Assert.Equal("Gradient norms", figure.Title);
        Assert.Equal("layer", figure.Layout["xaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("norm", figure.Layout["yaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("log", figure.Layout["yaxis"]!["type"]!.GetValue<string>());
        Assert.Equal(["plain-56", "ResNet-56"], figure.Data.Select(t => t!["name"]!.GetValue<string>()));
        Assert.Equal("dash", figure.Trace(0)["line"]!["dash"]!.GetValue<string>());
        Assert.Equal("solid", figure.Trace(1)["line"]!["dash"]!.GetValue<string>());
        Assert.Equal(new double[] { 100, 10, 1 }, Figure.Numbers(figure.Trace(0)["y"]));
    }

    [Fact]
    public void A_log_axis_refuses_a_value_it_cannot_show_and_names_the_series()
    {
        var e = Assert.Throws<ArgumentException>(() => SeriesChart.Lines([new Series("plain-56", [1, 2], [1, 0])], "t", "x", "y", logY: true));
        Assert.Contains("plain-56", e.Message);
        Assert.Contains("logY: false", e.Message);
    }

    [Fact]
    public void Lines_refuse_a_series_whose_lengths_differ_and_a_blank_axis_title()
    {
        Assert.Contains("one y per x", Assert.Throws<ArgumentException>(() => SeriesChart.Lines([new Series("a", [1, 2], [1])], "t", "x", "y")).Message);
        Assert.Contains("axis titles", Assert.Throws<ArgumentException>(() => SeriesChart.Lines([new Series("a", [1], [1])], "t", " ", "y")).Message);
    }

    [Fact]
    public void Bars_group_one_trace_per_series_over_the_categories_with_a_legend()
    {
        var figure = Figure.Of(SeriesChart.Bars(["b2", "b3"], [("ResNet-18", [0, 84.1]), ("ResNet-20", [0, 0])], "Dead weights", "stage", "dead (%)"));

        Assert.Equal("Dead weights", figure.Title);
        Assert.Equal(["ResNet-18", "ResNet-20"], figure.Data.Select(t => t!["name"]!.GetValue<string>()));
        Assert.All(figure.Data, t => Assert.True(t!["showlegend"]!.GetValue<bool>()));
        Assert.Equal("stage", figure.Layout["xaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal(new[] { 0, 84.1 }, Figure.Numbers(figure.Trace(0)["y"]));
    }

    [Fact]
    public void Contour_panels_share_one_colour_scale_clipped_at_zmax_with_the_value_title_on_the_colour_bar()
    {
        double[,] a = { { 1, 2 }, { 3, 40 } };
        double[,] b = { { 0.5, 1 }, { 1, 2 } };
        var figure = Figure.Of(ContourPanels.Draw([-1, 1], [-1, 1], [("plain", a), ("residual", b)], "Loss surface", "α", "β", "training loss", zMax: 10));

        Assert.Equal("Loss surface", figure.Title);
        Assert.Equal(2, figure.Data.Count);
        Assert.All(figure.Data, t =>
        {
            Assert.Equal(0.5, t!["zmin"]!.GetValue<double>());
            Assert.Equal(10, t["zmax"]!.GetValue<double>());
        });
        Assert.Equal("training loss", figure.Trace(0)["colorbar"]!["title"]!["text"]!.GetValue<string>());
        // Values above zMax are drawn at zMax.
        Assert.Equal(10, figure.Trace(0)["z"]![1]![1]!.GetValue<double>());
    }

    [Fact]
    public void Contour_panels_refuse_a_map_of_the_wrong_size()
    {
        var e = Assert.Throws<ArgumentException>(() => ContourPanels.Draw([-1, 0, 1], [-1, 1], [("plain", new double[2, 2])], "t", "x", "y", "v"));
        Assert.Contains("plain", e.Message);
        Assert.Contains("2 rows (y) × 3 columns (x)", e.Message);
    }
}
