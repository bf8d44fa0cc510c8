using ResNetNotebooks.Training;
using TorchSharp;
using TorchSharp.Modules;

namespace ResNetNotebooks.Tests.Training;

public class LearningRateTests
{
    [Fact]
    public void The_d2l_recipe_keeps_0_05_for_every_batch()
    {
        var rates = OptimizerSetup.LearningRates(TrainingProfiles.D2l with { Epochs = 2 }, batchesPerEpoch: 5);

        Assert.Equal(10, rates.Count);
        Assert.All(rates, r => Assert.Equal(0.05, r));
    }

    [Fact]
    public void One_cycle_warms_up_from_peak_over_25_to_the_peak_at_30_percent_then_anneals_towards_zero()
    {
        // 100 steps, peak 0.1: PyTorch's OneCycleLR with div_factor 25, final_div_factor 1e4, pct_start 0.3, cosine.
        // Warm-up ends at step 0.3 * 100 - 1 = 29; the decay runs from step 29 to step 99.
        const double peak = 0.1, initial = peak / 25, final = initial / 1e4;
        var rates = OptimizerSetup.LearningRates(TrainingProfiles.Quick with { Epochs = 4 }, batchesPerEpoch: 25);

        Assert.Equal(100, rates.Count);
        Assert.Equal(initial, rates[0], 12);
        Assert.Equal(peak, rates[29], 12);
        Assert.Equal(peak, rates.Max(), 12);
        Assert.Equal(final + (peak - final) / 2, rates[64], 12); // step 64: (64 − 29) / 70 = 0.5 of the decay
        Assert.Equal(final, rates[99], 12);
        Assert.True(rates.Take(30).Zip(rates.Skip(1).Take(29)).All(p => p.First < p.Second), "the warm-up rises");
        Assert.True(rates.Skip(29).Zip(rates.Skip(30)).All(p => p.First > p.Second), "the decay falls");
    }

    [Theory]
    [InlineData(4, 25)]
    [InlineData(5, 39)]
    public void The_formula_gives_the_rates_of_the_optimizer_and_scheduler_the_trainer_steps(int epochs, int batchesPerEpoch)
    {
        // The chart draws the formula; training steps TorchSharp's OneCycleLR. They must agree batch by batch.
        var options = TrainingProfiles.Quick with { Epochs = epochs };
        using var parameter = new Parameter(torch.zeros(1));
        var (optimizer, scheduler) = OptimizerSetup.Create(options, [parameter], batchesPerEpoch);
        using (optimizer)
        {
            var formula = OptimizerSetup.LearningRates(options, batchesPerEpoch);
            Assert.NotNull(scheduler);
            for (var step = 0; step < epochs * batchesPerEpoch; step++)
            {
                Assert.Equal(formula[step], optimizer.ParamGroups.First().LearningRate, 12);
                scheduler.step();
            }
        }
    }
}
