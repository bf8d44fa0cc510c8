using ResNetNotebooks.Display;
using ResNetNotebooks.Models;
using TorchSharp;
using static TorchSharp.torch;
using ResNetNotebooks.Inspection;

namespace ResNetNotebooks.Tests.Inspection;

public class ForwardTimerTests
{
    /// <summary>Writes its name into a shared log on every forward pass.</summary>
    private sealed class Recorder : nn.Module<Tensor, Tensor>
    {
        private readonly string label;
        private readonly List<string> log;

        public Recorder(string label, List<string> log) : base(label) => (this.label, this.log) = (label, log);

        public override Tensor forward(Tensor input)
        {
            log.Add(label);
            return input.clone();
        }
    }

    [Fact]
    public void Runs_are_interleaved_after_the_warmup_and_only_the_timed_ones_are_kept()
    {
        var log = new List<string>();
        using var a = new Recorder("A", log);
        using var b = new Recorder("B", log);
        using var x = ones(2, 2);

        var timing = ForwardTimer.Compare([("A", a), ("B", b)], x, repeats: 3, warmup: 1);

        Assert.Equal(["A", "B", "A", "B", "A", "B", "A", "B"], log);           // 1 warm-up round, then 3 timed rounds
        Assert.All(timing.Modules, m => Assert.Equal(3, m.Milliseconds.Count));
        Assert.All(timing.Modules.SelectMany(m => m.Milliseconds), ms => Assert.True(ms >= 0));
        Assert.Equal(["A", "B"], timing.Modules.Select(m => m.Name));
    }

    [Fact]
    public void The_median_is_the_middle_value_or_the_mean_of_the_two_middle_values()
    {
        Assert.Equal(3.0, ForwardTimer.Median([5.0, 1.0, 3.0]));
        Assert.Equal(2.5, ForwardTimer.Median([4.0, 1.0, 2.0, 3.0]));
        Assert.Throws<ArgumentException>(() => ForwardTimer.Median([]));
    }

    [Fact]
    public void Timings_report_median_range_and_the_ratio_of_medians()
    {
        var fast = new ModuleTiming("fast", [2.0, 1.0, 3.0]);
        var slow = new ModuleTiming("slow", [4.0, 6.0, 5.0]);

        Assert.Equal((2.0, 1.0, 3.0), (fast.Median, fast.Min, fast.Max));
        Assert.Equal("fast: median 2.00 ms [1.00–3.00], 3 runs", fast.ToString());

        var log = new List<string>();
        using var a = new Recorder("a", log);
        using var x = ones(1);
        var timing = ForwardTimer.Compare([("a", a)], x, repeats: 1, warmup: 0);
        Assert.Equal(1.0, timing.Ratio("a", "a"));
        Assert.Contains("no module named 'b'", Assert.Throws<KeyNotFoundException>(() => timing["b"]).Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<table", timing.ToTable().ToHtml());
        Assert.Contains("a: median", timing.ToString());
    }

    [Fact]
    public void Modules_run_in_eval_mode_without_gradients_and_get_their_training_flags_back()
    {
        using var blk = new Residual(3, 3);
        using var x = randn(2, 3, 4, 4);
        blk.train();

        ForwardTimer.Compare([("block", blk)], x, repeats: 2, warmup: 0);

        Assert.True(blk.training);
        Assert.All(blk.modules(), m => Assert.True(m.training));
    }

    [Fact]
    public void Two_modules_with_the_same_name_or_no_repeats_are_refused()
    {
        var log = new List<string>();
        using var a = new Recorder("a", log);
        using var x = ones(1);

        Assert.Throws<ArgumentException>(() => ForwardTimer.Compare([("same", a), ("same", a)], x));
        Assert.Throws<ArgumentOutOfRangeException>(() => ForwardTimer.Compare([("a", a)], x, repeats: 0));
        Assert.Empty(log);
    }

    [Fact]
    public void The_minimum_ratio_divides_the_fastest_runs_and_the_table_shows_it_beside_the_median_ratio()
    {
        var timing = new TimingComparison([new ModuleTiming("identity", [2.0, 1.0, 3.0]), new ModuleTiming("projection", [4.0, 1.5, 5.0])], [8, 64, 56, 56]);

        Assert.Equal(1.5 / 1.0, timing.MinRatio("projection", "identity"));   // fastest 1.5 ms against fastest 1.0 ms
        Assert.Equal(4.0 / 2.0, timing.Ratio("projection", "identity"));      // medians 4.0 and 2.0
        var html = timing.ToTable().ToHtml();
        Assert.Contains(System.Net.WebUtility.HtmlEncode("min ÷ identity"), html);
        Assert.Contains("1.50", html);
        Assert.Contains("×1.50 the minimum", timing.ToString());
    }

    [Fact]
    public void Timing_until_stable_runs_at_least_two_batches_at_most_the_limit_and_keeps_every_run()
    {
        var log = new List<string>();
        using var a = new Recorder("A", log);
        using var b = new Recorder("B", log);
        using var x = ones(2, 2);

        var timing = ForwardTimer.CompareUntilStable([("A", a), ("B", b)], x, repeats: 3, tolerance: 0.02, maxBatches: 4);

        Assert.InRange(timing.Batches, 2, 4);
        Assert.All(timing.Modules, m => Assert.Equal(3 * timing.Batches, m.Milliseconds.Count)); // 3 runs per batch, all kept
        Assert.Equal(2 * ((3 * timing.Batches) + 2), log.Count);                                 // plus 2 warm-up rounds, once
        Assert.Throws<ArgumentOutOfRangeException>(() => ForwardTimer.CompareUntilStable([("A", a)], x, maxBatches: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ForwardTimer.CompareUntilStable([("A", a)], x, tolerance: -0.1));
    }
}
