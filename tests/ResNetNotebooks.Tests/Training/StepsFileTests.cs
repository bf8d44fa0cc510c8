using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Tests.Training;

public class StepsFileTests
{
    private static readonly StepRow[] Steps =
    [
        new(1, 1, 2.3552134, 0.09375),
        new(2, 1, 2.30920434, 0.15625),
        new(3, 2, 0.125, 1),
    ];

    [Fact]
    public void The_file_has_the_agreed_header_and_one_row_per_step()
    {
        var text = StepsFile.Format(Steps);

        Assert.Equal(
            "step,epoch,loss,accuracy\n" +
            "1,1,2.3552134,0.093750\n" +
            "2,1,2.30920434,0.156250\n" +
            "3,2,0.125,1.000000\n",
            text);
    }

    [Fact]
    public void Written_steps_read_back_equal_and_no_temporary_file_is_left()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("run", StepsFile.FileName);

        StepsFile.Write(path, Steps);

        Assert.Equal(Steps, StepsFile.Read(path));
        Assert.Equal(["run/steps.csv"], folder.Files());
    }

    [Fact]
    public void A_loss_stored_as_a_32_bit_float_round_trips_exactly()
    {
        using var folder = new TempFolder();
        var path = folder.Combine(StepsFile.FileName);
        var loss = (double)0.1f; // 0.100000001490116…: 9 significant digits give back the same float

        StepsFile.Write(path, [new StepRow(1, 1, loss, 0.5)]);

        Assert.Equal(0.1f, (float)StepsFile.Read(path)[0].Loss);
    }

    [Theory]
    [InlineData("epoch,train_loss\n1,0.5\n", "the first line must be \"step,epoch,loss,accuracy\"")]
    [InlineData("step,epoch,loss,accuracy\n1,1,0.5\n", "line 2 (\"1,1,0.5\"): expected 4 values")]
    [InlineData("step,epoch,loss,accuracy\n1,1,0.5,0.1\n2,1,abc,0.1\n", "line 3")]
    [InlineData("step,epoch,loss,accuracy\n1,1,0.5,0.1\n3,1,0.5,0.1\n", "line 3 (\"3,1,0.5,0.1\"): step 3 where step 2 was expected")]
    [InlineData("", "the first line must be")]
    public void A_bad_file_is_refused_naming_the_file_the_line_and_what_is_wrong(string text, string expected)
    {
        using var folder = new TempFolder();
        var path = folder.Combine("steps.csv");
        File.WriteAllText(path, text);

        var e = Assert.Throws<InvalidDataException>(() => StepsFile.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_compare_folder_yields_its_runs_plain_first_then_by_depth_and_seed_and_skips_other_folders()
    {
        using var folder = new TempFolder();
        void Run(string name, int epochs)
        {
            Directory.CreateDirectory(folder.Combine(name));
            File.WriteAllText(folder.Combine(name, MetricsFile.FileName),
                MetricsFile.Header + "\n" + string.Concat(Enumerable.Range(1, epochs).Select(e => $"{e},0.5,0.8,0.7,100.0\n")));
            StepsFile.Write(folder.Combine(name, StepsFile.FileName), [new StepRow(1, 1, 2.3, 0.1)]);
        }

        Run("ResNet-20-seed1", 2);
        Run("plain-56-seed2", 1);
        Run("plain-56-seed1", 1);
        Run("plain-20-seed1", 3);
        Directory.CreateDirectory(folder.Combine("ResNet-56-seed1")); // not trained for an epoch yet: no metrics.csv
        Run("notes", 1);

        var runs = CompareFolder.Read(folder.Path);

        Assert.Equal(["plain-20/1", "plain-56/1", "plain-56/2", "ResNet-20/1"], runs.Select(r => $"{r.Name}/{r.Seed}"));
        Assert.Equal([true, true, true, false], runs.Select(r => r.Plain));
        Assert.Equal([20, 56, 56, 20], runs.Select(r => r.Depth));
        Assert.Equal([3, 1, 1, 2], runs.Select(r => r.Epochs.Count));
        Assert.All(runs, r => Assert.Equal([new StepRow(1, 1, 2.3, 0.1)], r.Steps));
    }

    [Fact]
    public void A_missing_compare_folder_is_refused_with_the_command_that_writes_one()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => CompareFolder.Read("/nonexistent/compare"));

        Assert.Contains("resnet-cli compare --out /nonexistent/compare", e.Message);
    }

    [Fact]
    public void The_summary_has_one_row_per_run_with_an_epoch_and_gives_errors_as_one_minus_the_last_accuracies()
    {
        using var folder = new TempFolder();
        MetricsRow Epoch(int epoch, double loss, double trainAccuracy, double testAccuracy) => new(epoch, loss, trainAccuracy, testAccuracy, 100);
        RunCurves[] runs =
        [
            new("plain-20", true, 20, 1, [], [Epoch(1, 2.0, 0.5, 0.4), Epoch(2, 1.5, 0.75, 0.625)]),
            new("ResNet-20", false, 20, 1, [], []),
            new("ResNet-56", false, 56, 2, [], [Epoch(1, 0.25, 0.875, 0.8)]),
        ];

        CompareFolder.WriteSummary(folder.Path, runs);

        // Errors: 1 - 0.75 = 0.25, 1 - 0.625 = 0.375; 1 - 0.875 = 0.125, 1 - 0.8 = 0.2. The run without an epoch is left out.
        Assert.Equal(
            [
                CompareFolder.SummaryHeader,
                "plain,20,1,2,1.500000,0.250000,0.375000",
                "resnet,56,2,1,0.250000,0.125000,0.200000",
            ],
            File.ReadAllLines(folder.Combine(CompareFolder.SummaryFileName)));
    }
}
