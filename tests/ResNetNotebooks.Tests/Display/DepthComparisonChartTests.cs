using ResNetNotebooks.Display;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Tests.Display;

public class DepthComparisonChartTests
{
    private static RunCurves Run(string name, int seed, double[] losses, double[] trainAcc, double[] testAcc) =>
        new(name, name.StartsWith("plain", StringComparison.Ordinal), int.Parse(name[(name.IndexOf('-') + 1)..]), seed,
            losses.Select((l, i) => new StepRow(i + 1, 1, l, 0.5)).ToList(),
            trainAcc.Select((a, i) => new MetricsRow(i + 1, 1.0, a, testAcc[i], 100)).ToList());

    private static readonly RunCurves[] Runs =
    [
        Run("plain-20", 1, [2.0, 1.0, 0.5], [0.5, 0.75], [0.5, 0.7]),
        Run("ResNet-20", 1, [2.0, 0.5, 0.25], [0.5, 0.8], [0.6, 0.75]),
        Run("plain-56", 1, [2.0, 1.5, 1.0, 9.0], [0.25, 0.5, 0.9], [0.2, 0.4, 0.9]),
        Run("plain-56", 2, [3.0, 2.5, 2.0], [0.75, 0.5], [0.6, 0.6]),
    ];

    [Fact]
    public void The_loss_chart_has_a_title_axis_titles_and_one_legend_entry_per_network()
    {
        var figure = Figure.Of(DepthComparisonChart.Loss(Runs));

        Assert.Equal("Training loss per step: plain (dashed) versus residual (solid)", figure.Title);
        Assert.Equal("step (iteration)", figure.Layout["xaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("training loss (each batch)", figure.Layout["yaxis"]!["title"]!["text"]!.GetValue<string>());
        // Ordered by depth, plain before residual; the two seeds of plain-56 are one curve.
        Assert.Equal(["plain-20", "ResNet-20", "plain-56 (mean of 2 seeds)"], figure.Data.Select(t => t!["name"]!.GetValue<string>()));
        Assert.All(figure.Data, t => Assert.True(t!["showlegend"]!.GetValue<bool>()));
    }

    [Fact]
    public void Plain_networks_are_dashed_residual_ones_solid_and_each_depth_has_one_colour()
    {
        var figure = Figure.Of(DepthComparisonChart.Loss(Runs));
        string Dash(int i) => figure.Trace(i)["line"]!["dash"]!.GetValue<string>();
        string Colour(int i) => figure.Trace(i)["line"]!["color"]!.GetValue<string>();

        Assert.Equal(["dash", "solid", "dash"], new[] { Dash(0), Dash(1), Dash(2) });
        Assert.Equal(Colour(0), Colour(1));
        Assert.NotEqual(Colour(0), Colour(2));
    }

    [Fact]
    public void Several_seeds_are_averaged_step_by_step_over_the_steps_every_seed_reached()
    {
        var figure = Figure.Of(DepthComparisonChart.Loss(Runs));

        // plain-56: seed 1 has 4 steps, seed 2 has 3: the mean covers 3 steps, (2+3)/2, (1.5+2.5)/2, (1+2)/2.
        Assert.Equal(new double[] { 1, 2, 3 }, Figure.Numbers(figure.Trace(2)["x"]));
        Assert.Equal(new[] { 2.5, 2.0, 1.5 }, Figure.Numbers(figure.Trace(2)["y"]));
    }

    [Fact]
    public void The_seed_band_spans_the_lowest_to_the_highest_seed_at_each_step_and_only_for_networks_with_several_seeds()
    {
        var figure = Figure.Of(DepthComparisonChart.Loss(Runs, seedBand: true));

        // One band (plain-56, two seeds), drawn first, then the three mean curves.
        Assert.Equal(4, figure.Data.Count);
        Assert.Equal("plain-56: lowest to highest of 2 seeds", figure.Trace(0)["name"]!.GetValue<string>());
        Assert.Equal("toself", figure.Trace(0)["fill"]!.GetValue<string>());
        // Over the 3 steps both seeds reached: highest 3, 2.5, 2 (seed 2), then back along the lowest 1, 1.5, 2 (seed 1).
        Assert.Equal(new double[] { 1, 2, 3, 3, 2, 1 }, Figure.Numbers(figure.Trace(0)["x"]));
        Assert.Equal(new[] { 3.0, 2.5, 2.0, 1.0, 1.5, 2.0 }, Figure.Numbers(figure.Trace(0)["y"]));
        Assert.Equal("plain-56 (mean of 2 seeds)", figure.Trace(3)["name"]!.GetValue<string>());
    }

    [Fact]
    public void Smoothing_draws_the_trailing_moving_average_over_k_steps()
    {
        var figure = Figure.Of(DepthComparisonChart.Loss(Runs, smoothing: 2));

        // plain-20's losses 2, 1, 0.5 → 2, (2+1)/2, (1+0.5)/2.
        Assert.Equal(new[] { 2.0, 1.5, 0.75 }, Figure.Numbers(figure.Trace(0)["y"]));
        Assert.Equal("training loss (mean of the last 2 batches)", figure.Layout["yaxis"]!["title"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void The_error_chart_has_a_training_and_a_test_panel_in_percent_with_one_legend_entry_per_network()
    {
        var figure = Figure.Of(DepthComparisonChart.Error(Runs));

        Assert.Equal("Error per epoch: plain (dashed) versus residual (solid)", figure.Title);
        Assert.Equal(["training error", "test error"], figure.Annotations);
        Assert.Equal(2, figure.Layout["grid"]!["columns"]!.GetValue<int>());
        Assert.Equal("epoch", figure.Layout["xaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("training error (%)", figure.Layout["yaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("test error (%)", figure.Layout["yaxis2"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal(6, figure.Data.Count); // 3 networks × 2 panels
        Assert.Equal([true, true, true, false, false, false], figure.Data.Select(t => t!["showlegend"]!.GetValue<bool>()));
        // ResNet-20: training accuracy 0.5, 0.8 → error 50 %, 20 %; test accuracy 0.6, 0.75 → 40 %, 25 %.
        Assert.Equal(new[] { 50.0, 20.0 }, Figure.Numbers(figure.Trace(1)["y"]).Select(v => Math.Round(v, 9)));
        Assert.Equal(new[] { 40.0, 25.0 }, Figure.Numbers(figure.Trace(4)["y"]).Select(v => Math.Round(v, 9)));
        // plain-56: mean of the seeds over the 2 epochs both have: training accuracy (0.25+0.75)/2, (0.5+0.5)/2 → 50 %, 50 %.
        Assert.Equal(new[] { 50.0, 50.0 }, Figure.Numbers(figure.Trace(2)["y"]).Select(v => Math.Round(v, 9)));
        // A network's legend entry toggles both of its lines.
        var groups = figure.Data.Select(t => t!["legendgroup"]!.GetValue<string>()).ToList();
        Assert.Equal(["plain-20", "ResNet-20", "plain-56"], groups[..3]);
        Assert.Equal(groups[..3], groups[3..]);
    }

    [Fact]
    public void No_runs_or_a_smoothing_below_one_is_refused_with_the_fix()
    {
        var none = Assert.Throws<ArgumentException>(() => DepthComparisonChart.Error([]));
        var zero = Assert.Throws<ArgumentException>(() => DepthComparisonChart.Loss(Runs, smoothing: 0));

        Assert.Contains("got no runs", none.Message);
        Assert.Contains("smoothing = 0 is not valid", zero.Message);
    }
}
