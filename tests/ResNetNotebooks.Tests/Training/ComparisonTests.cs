using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Tests.Training;

/// <summary>The comparison's folder owner without the command line: how it starts, resumes and replaces.</summary>
[Collection(GlobalTorchState.Name)]
public sealed class ComparisonTests
{
    /// <summary>plain-8 on the tiny synthetic data (96 training images): batch 32 with drop-last, 3 steps per epoch.</summary>
    private static readonly ComparePlan Plain8 = new(["plain"], [8], [1], ComparePlan.PaperRecipe with { Epochs = 1, BatchSize = 32 });

    private static void TrainAll(Comparison comparison, ComparePlan plan, TrainTestData data)
    {
        foreach (var run in comparison.Prepare(plan, data).Where(r => !r.Finished))
        {
            using var trainer = run.CreateTrainer();
            trainer.Fit();
            run.Finish(trainer);
            comparison.WriteSummary();
        }
    }

    [Fact]
    public void A_finished_comparison_resumes_with_its_stored_plan_and_skips_its_runs()
    {
        using var data = TinyRun.Data();
        using var temp = new TempFolder();
        using (var comparison = Comparison.Open(temp.Path, "test"))
        {
            Assert.Null(comparison.Start(RunStart.New));
            TrainAll(comparison, Plain8, data);
        }

        using (var comparison = Comparison.Open(temp.Path, "test"))
        {
            var stored = comparison.Start(RunStart.Resume);
            Assert.NotNull(stored);
            Assert.True(Plain8.SameAs(stored));
            var run = Assert.Single(comparison.Prepare(stored, data));
            Assert.True(run.Finished);
            Assert.Equal((1, 3), (run.Resume!.CompletedEpochs, run.Resume.OptimizerSteps));
        }

        // One row per run in the summary: plain, depth 8, seed 1, 1 epoch.
        Assert.StartsWith("plain,8,1,1,", File.ReadAllLines(temp.Combine(CompareFolder.SummaryFileName))[1]);
    }

    [Fact]
    public void A_new_comparison_is_refused_where_one_is_and_overwrite_removes_only_what_the_earlier_one_wrote()
    {
        using var data = TinyRun.Data();
        using var temp = new TempFolder();
        using (var comparison = Comparison.Open(temp.Path, "test"))
        {
            comparison.Start(RunStart.New);
            TrainAll(comparison, Plain8, data);
        }

        File.WriteAllText(temp.Combine("notes.txt"), "mine");
        File.WriteAllText(temp.Combine("plain-8-seed1", "notes.txt"), "mine too");
        using (var comparison = Comparison.Open(temp.Path, "test"))
        {
            var e = Assert.Throws<RunFolderException>(() => comparison.Start(RunStart.New));
            Assert.Equal(RunFolderProblem.ComparisonInTheWay, e.Problem);
            Assert.Contains("1 run folder(s) with results", e.Facts);
        }

        var resnet8 = Plain8 with { Nets = ["resnet"] };
        using (var comparison = Comparison.Open(temp.Path, "test"))
        {
            Assert.Null(comparison.Start(RunStart.Overwrite));
            var run = Assert.Single(comparison.Prepare(resnet8, data));
            Assert.Null(run.Resume);
        }

        Assert.Equal(
            ["ResNet-8-seed1/run.json", Comparison.PlanFileName, "notes.txt", "plain-8-seed1/notes.txt"],
            temp.Files());
        Assert.True(Comparison.ReadPlan(temp.Combine(Comparison.PlanFileName)).SameAs(resnet8));
    }

    [Fact]
    public void Settings_that_do_not_fit_the_data_are_refused_before_an_earlier_comparison_is_touched()
    {
        using var data = TinyRun.Data();
        using var temp = new TempFolder();
        using (var comparison = Comparison.Open(temp.Path, "test"))
        {
            comparison.Start(RunStart.New);
            TrainAll(comparison, Plain8, data);
        }

        var before = temp.Files().ToDictionary(f => f, f => File.ReadAllBytes(temp.Combine(f)));
        using (var comparison = Comparison.Open(temp.Path, "test"))
        {
            comparison.Start(RunStart.Overwrite);
            // 96 training images, batch 128 with the smaller last batch dropped: no batch at all.
            var e = Assert.Throws<TrainingOptionException>(() => comparison.Prepare(Plain8 with { Options = Plain8.Options with { BatchSize = 128 } }, data));
            Assert.Equal(nameof(TrainingOptions.BatchSize), e.ParamName);
        }

        Assert.Equal(before.Keys.Order(), temp.Files().Order());
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(temp.Combine(f.Key))));
    }
}
