using ResNetNotebooks.Display;

namespace ResNetNotebooks.Tests.Display;

public class HeatmapsTests
{
    private static readonly float[,] TwoByThree = { { 0f, 1f, 2f }, { 3f, 4f, 5f } };

    [Fact]
    public void A_heatmap_keeps_the_rows_in_order_and_draws_row_0_at_the_top()
    {
        var figure = Figure.Of(Heatmaps.Heatmap(TwoByThree, "a 2×3 map"));

        var trace = figure.Trace(0);
        Assert.Equal("heatmap", trace["type"]!.GetValue<string>());
        Assert.Equal(new double[] { 0, 1, 2 }, Figure.Numbers(trace["z"]![0]));
        Assert.Equal(new double[] { 3, 4, 5 }, Figure.Numbers(trace["z"]![1]));
        Assert.Equal("reversed", figure.Layout["yaxis"]!["autorange"]!.GetValue<string>());
        Assert.Equal("a 2×3 map", figure.Title);
    }

    [Fact]
    public void A_grid_has_one_heatmap_per_panel_titled_and_laid_out_in_rows_of_the_given_width()
    {
        var panels = Enumerable.Range(0, 5).Select(i => ($"panel {i}", TwoByThree)).ToList();

        var figure = Figure.Of(Heatmaps.Grid(panels, columns: 3, "five panels"));

        Assert.Equal(5, figure.Data.Count);
        Assert.All(figure.Data, t => Assert.Equal("heatmap", t!["type"]!.GetValue<string>()));
        Assert.All(figure.Data, t => Assert.False(t!["showscale"]!.GetValue<bool>()));
        Assert.Equal(2, figure.Layout["grid"]!["rows"]!.GetValue<int>());     // 5 panels, 3 per row
        Assert.Equal(3, figure.Layout["grid"]!["columns"]!.GetValue<int>());
        Assert.Equal(["panel 0", "panel 1", "panel 2", "panel 3", "panel 4"], figure.Annotations);
        Assert.Equal("five panels", figure.Title);
    }

    [Fact]
    public void Channel_copies_one_plane_of_a_channel_row_column_array()
    {
        var maps = new float[3, 2, 2];
        for (var c = 0; c < 3; c++)
        {
            for (var i = 0; i < 4; i++)
            {
                maps[c, i / 2, i % 2] = (10 * c) + i;
            }
        }

        var plane = Heatmaps.Channel(maps, 2);
        plane[0, 0] = -1;

        Assert.Equal(new float[,] { { -1, 21 }, { 22, 23 } }, plane);
        Assert.Equal(20, maps[2, 0, 0]);                                     // a copy, not a view
        Assert.Throws<ArgumentOutOfRangeException>(() => Heatmaps.Channel(maps, 3));
    }

    [Fact]
    public void Feature_maps_of_two_stages_give_one_row_per_stage_with_stage_channel_and_size_in_the_titles()
    {
        var stages = new Dictionary<string, float[,,]> { ["b1"] = new float[4, 8, 8], ["b2"] = new float[6, 4, 4] };

        var figure = Figure.Of(Heatmaps.FeatureMaps(stages, channelsPerStage: 2, "two stages"));

        Assert.Equal(4, figure.Data.Count);
        Assert.Equal(["b1 · ch 0 · 8×8", "b1 · ch 1 · 8×8", "b2 · ch 0 · 4×4", "b2 · ch 1 · 4×4"], figure.Annotations);
        Assert.Equal(2, figure.Layout["grid"]!["rows"]!.GetValue<int>());
    }

    [Fact]
    public void Asking_for_more_channels_than_a_stage_has_names_the_stage_and_the_fix()
    {
        var stages = new Dictionary<string, float[,,]> { ["avgpool"] = new float[2, 1, 1] };

        var error = Assert.Throws<ArgumentException>(() => Heatmaps.FeatureMaps(stages, channelsPerStage: 4));

        Assert.Contains("avgpool has 2 channel(s)", error.Message);
        Assert.Contains("channelsPerStage: 2", error.Message);
    }

    [Fact]
    public void Channels_shows_at_most_the_channels_there_are()
    {
        var figure = Figure.Of(Heatmaps.Channels(new float[3, 5, 5], "three channels", count: 4));

        Assert.Equal(3, figure.Data.Count);
        Assert.Equal(["channel 0", "channel 1", "channel 2"], figure.Annotations);
    }

    [Fact]
    public void Empty_maps_and_blank_titles_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Heatmaps.Heatmap(new float[0, 3], "empty"));
        Assert.Throws<ArgumentException>(() => Heatmaps.Heatmap(TwoByThree, " "));
        Assert.Throws<ArgumentException>(() => Heatmaps.Grid([], 2, "nothing"));
    }

    [Fact]
    public void With_colour_bars_every_panel_gets_one_in_the_gap_right_of_it_as_tall_as_its_row()
    {
        var panels = Enumerable.Range(0, 4).Select(i => ($"panel {i}", TwoByThree)).ToList();

        var figure = Figure.Of(Heatmaps.Grid(panels, columns: 2, "four panels", colourBars: true));

        Assert.All(figure.Data, t => Assert.True(t!["showscale"]!.GetValue<bool>()));
        var bars = figure.Data.Select(t => t!["colorbar"]!).ToList();
        double X(int i) => bars[i]["x"]!.GetValue<double>();
        double Y(int i) => bars[i]["y"]!.GetValue<double>();
        // 2 columns with a gap of 0.6 cells: a cell is 1 / (2 + 0.6) of the width; panel 0 ends at 1 / 2.6.
        var cell = 1 / 2.6;
        Assert.InRange(X(0), cell, cell * 1.6);            // inside the gap after column 0
        Assert.InRange(X(1), 1.0, 1.0 + (cell * 0.6));     // right of column 1
        Assert.Equal(X(0), X(2), 9);                       // same column, same x
        Assert.True(Y(0) > Y(2));                          // row 0 above row 1
        Assert.Equal(1 / (2 + 0.35), bars[0]["len"]!.GetValue<double>(), 9); // as tall as a row: 2 rows, gap 0.35
    }

    [Fact]
    public void The_difference_of_two_maps_is_taken_value_by_value_and_maps_of_different_sizes_are_refused()
    {
        var other = new float[,] { { 0f, 1f, 0f }, { 3f, 0f, 5f } };

        Assert.Equal(new float[,] { { 0f, 0f, 2f }, { 0f, 4f, 0f } }, Heatmaps.Difference(TwoByThree, other));
        Assert.Equal(new float[2, 3], Heatmaps.Difference(TwoByThree, TwoByThree));
        var error = Assert.Throws<ArgumentException>(() => Heatmaps.Difference(TwoByThree, new float[3, 2]));
        Assert.Contains("got 2×3 and 3×2", error.Message);
    }
}
