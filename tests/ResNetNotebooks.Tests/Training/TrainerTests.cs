using ResNetNotebooks.Models;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Tests.Training;

[Collection(GlobalTorchState.Name)]
public class TrainerTests
{
    [Fact]
    public void Each_epoch_reports_d2l_metrics_and_each_batch_its_progress()
    {
        using var data = TinyRun.Data();
        using var trainer = new Trainer(TinyRun.Options, TinyRun.Model, data.Train, data.Test);
        var batches = new List<BatchProgress>();
        var epochs = new List<EpochMetrics>();
        trainer.BatchEnded += (_, p) => batches.Add(p);
        trainer.EpochEnded += (_, m) => epochs.Add(m);

        var history = trainer.Fit();

        Assert.Equal(3, trainer.BatchesPerEpoch); // 96 images / 32
        Assert.Equal(9, batches.Count);
        Assert.Equal([1.0 / 3, 2.0 / 3, 1, 4.0 / 3], batches.Take(4).Select(b => b.EpochFraction));
        Assert.Equal([1, 2, 3], epochs.Select(m => m.Epoch));
        Assert.Equal(epochs, history);
        Assert.Equal(9, trainer.Steps);
        foreach (var m in history)
        {
            Assert.InRange(m.TrainAccuracy, 0, 1);
            Assert.Equal(0, m.TestAccuracy * 40 % 1, 9); // a whole number of the 40 test images
            Assert.True(m.TrainLoss > 0 && m.ExamplesPerSecond > 0 && m.TrainSeconds > 0);
        }

        // The epoch's loss and accuracy are the means over its batches, i.e. the last batch's running figures.
        Assert.Equal(batches[2].TrainLoss, history[0].TrainLoss);
        Assert.Equal(batches[2].TrainAccuracy, history[0].TrainAccuracy);
    }

    [Fact]
    public void The_same_seed_gives_the_same_loss_curve_to_the_last_bit_and_another_seed_another()
    {
        using var data = TinyRun.Data();

        double[] Losses(int seed)
        {
            using var trainer = new Trainer(TinyRun.Options with { Seed = seed }, TinyRun.Model, data.Train, data.Test);
            var losses = new List<double>();
            trainer.BatchEnded += (_, p) => losses.Add(p.TrainLoss);
            trainer.Fit();
            return [.. losses];
        }

        Assert.Equal(Losses(1), Losses(1));
        Assert.NotEqual(Losses(1), Losses(2));
    }

    [Fact]
    public void Resuming_from_the_epoch_1_checkpoint_gives_the_numbers_and_weights_of_an_uninterrupted_run()
    {
        using var data = TinyRun.Data();
        using var folder = new TempFolder();
        var path = folder.Combine("checkpoint.bin");

        using var whole = new Trainer(TinyRun.Options, TinyRun.Model, data.Train, data.Test);
        whole.Fit();

        using (var interrupted = new Trainer(TinyRun.Options, TinyRun.Model, data.Train, data.Test) { CheckpointPath = path })
        {
            interrupted.EpochEnded += (_, m) => throw new OperationCanceledException($"stopped after epoch {m.Epoch}");
            Assert.Throws<OperationCanceledException>(() => interrupted.Fit());
        }

        using var resumed = new Trainer(TinyRun.Options, TinyRun.Model, data.Train, data.Test);
        var info = resumed.LoadCheckpoint(path);
        Assert.Equal((1, 3), (info.CompletedEpochs, info.OptimizerSteps));
        resumed.Fit();

        Assert.Equal(
            whole.History.Select(m => (m.TrainLoss, m.TrainAccuracy, m.TestAccuracy, m.LearningRate)),
            resumed.History.Select(m => (m.TrainLoss, m.TrainAccuracy, m.TestAccuracy, m.LearningRate)));
        Assert.Equal(TinyRun.State(whole.Model), TinyRun.State(resumed.Model));
        Assert.Equal(whole.LearningRate, resumed.LearningRate);
    }

    [Fact]
    public void Training_in_parts_with_FitUntil_gives_the_numbers_and_weights_of_one_Fit()
    {
        using var data = TinyRun.Data();
        using var whole = new Trainer(TinyRun.Options, TinyRun.Model, data.Train, data.Test);
        whole.Fit();

        using var parts = new Trainer(TinyRun.Options, TinyRun.Model, data.Train, data.Test);
        Assert.Single(parts.FitUntil(1));
        Assert.Single(parts.FitUntil(1)); // already done: nothing more
        Assert.Equal(3, parts.FitUntil(7).Count); // at most the options' epochs

        Assert.Equal(whole.History.Select(m => (m.TrainLoss, m.TestAccuracy)), parts.History.Select(m => (m.TrainLoss, m.TestAccuracy)));
        Assert.Equal(TinyRun.State(whole.Model), TinyRun.State(parts.Model));
    }

    [Fact]
    public void A_checkpoint_round_trips_weights_batch_norm_statistics_optimizer_state_and_metrics()
    {
        using var data = TinyRun.Data();
        using var folder = new TempFolder();
        var path = folder.Combine("run", "checkpoint.bin");
        using var trained = new Trainer(TinyRun.Options with { Epochs = 2 }, TinyRun.Model, data.Train, data.Test) { CheckpointPath = path };
        trained.Fit();

        var info = Checkpoint.ReadInfo(path);
        using var restored = new Trainer(TinyRun.Options with { Epochs = 2 }, TinyRun.Model, data.Train, data.Test);
        restored.LoadCheckpoint(path);

        Assert.Equal(trained.Options, info.Options);
        Assert.Equal(trained.History, info.History);
        Assert.Equal(("ResNet", 6), (info.ModelType, trained.Steps));
        Assert.Equal(trained.History, restored.History);
        Assert.Equal(TinyRun.State(trained.Model), TinyRun.State(restored.Model)); // includes BN running_mean/var
        Assert.Contains(TinyRun.State(restored.Model).Keys, k => k.EndsWith("running_var", StringComparison.Ordinal));
        Assert.Equal(trained.LearningRate, restored.LearningRate);
        Assert.Equal(["run/checkpoint.bin"], folder.Files()); // written atomically: no temporary file left
    }

    [Fact]
    public void A_checkpoint_of_other_settings_is_refused_with_the_differences()
    {
        using var data = TinyRun.Data();
        using var folder = new TempFolder();
        var path = folder.Combine("checkpoint.bin");
        using (var trainer = new Trainer(TinyRun.Options with { Epochs = 1 }, TinyRun.Model, data.Train, data.Test))
        {
            trainer.Fit();
            trainer.SaveCheckpoint(path);
        }

        using var other = new Trainer(TinyRun.Options with { Epochs = 1, Seed = 5 }, TinyRun.Model, data.Train, data.Test);
        var e = Assert.Throws<CheckpointException>(() => other.LoadCheckpoint(path));

        Assert.Contains("Seed: checkpoint 0, asked 5", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("notes.txt");
        File.WriteAllText(path, "hello");

        var e = Assert.Throws<CheckpointException>(() => Checkpoint.ReadInfo(path));

        Assert.Contains("not a training checkpoint", e.Message);
    }

    [Fact]
    public void Evaluation_runs_in_eval_mode_without_gradients_and_leaves_the_model_as_it_was()
    {
        using var data = TinyRun.Data();
        using var trainer = new Trainer(TinyRun.Options with { Epochs = 1 }, TinyRun.Model, data.Train, data.Test);
        trainer.Fit();
        var before = TinyRun.State(trainer.Model);

        var evaluation = trainer.Evaluate();

        Assert.Equal(before, TinyRun.State(trainer.Model)); // eval mode: batch-norm statistics untouched
        Assert.True(trainer.Model.training);
        Assert.Equal(40, evaluation.Count);
        Assert.Equal(trainer.History[^1].TestAccuracy, evaluation.Accuracy);
        Assert.Equal(data.Test.Labels.data<long>().ToArray().Select(l => (int)l), evaluation.Labels);
    }

    [Theory]
    [InlineData(Precision.Fp32)]
    [InlineData(Precision.Bf16)]
    public void No_tensor_outlives_its_batch_the_live_count_is_the_same_after_epoch_1_and_epoch_3(Precision precision)
    {
        using var data = TinyRun.Data();
        using var trainer = new Trainer(TinyRun.Options with { Precision = precision }, TinyRun.Model, data.Train, data.Test);
        var live = new List<long>();
        trainer.EpochEnded += (_, _) => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        trainer.Fit();

        Assert.Equal(3, live.Count);
        Assert.Equal(live[0], live[2]);
    }

    [Fact]
    public void Xavier_initialisation_covers_every_conv_and_linear_weight()
    {
        // Xavier uniform draws from ±sqrt(6 / (fan_in + fan_out)); the fc layer 8 → 10 allows up to sqrt(6/18) = 0.577,
        // TorchSharp's default (Kaiming uniform, a = √5) at most 1 / sqrt(fan_in) = 1 / sqrt(8) = 0.354.
        using var model = TinyRun.Model();
        Compute.Seed(0);

        var count = WeightInitialization.Xavier(model);

        Assert.Equal(4, count); // stem conv, two convs of the residual block, fc
        using var fcWeight = model.named_parameters().Single(p => p.name == "fc.weight").parameter.abs().max();
        Assert.InRange(fcWeight.item<float>(), 1 / Math.Sqrt(8), Math.Sqrt(6.0 / 18));
    }

    [Theory]
    [InlineData(false, 4, 100)] // 32 + 32 + 32 + 4
    [InlineData(true, 3, 96)]   // the 4-image batch is skipped
    public void The_tuned_recipe_skips_a_smaller_last_batch_and_d2ls_keeps_it(bool dropLast, int batches, int imagesPerEpoch)
    {
        using var data = TinyRun.Data(train: 100);
        using var trainer = new Trainer(TinyRun.Options with { Epochs = 1, DropLast = dropLast }, TinyRun.Model, data.Train, data.Test);
        var seen = 0;
        trainer.BatchEnded += (_, _) => seen++;

        var m = trainer.Fit()[0];

        Assert.Equal((batches, batches), (trainer.BatchesPerEpoch, seen));
        Assert.Equal(0, m.TrainAccuracy * imagesPerEpoch % 1, 9); // a whole number of the images trained on
    }

    [Fact]
    public void Asking_for_more_images_than_the_data_holds_names_the_option()
    {
        using var data = TinyRun.Data();

        var e = Assert.Throws<TrainingOptionException>(() => new Trainer(TinyRun.Options with { TrainImages = 97 }, TinyRun.Model, data.Train, data.Test));

        Assert.Contains("TrainImages = 97", e.Message);
    }

    [Fact]
    public void Resizing_feeds_the_model_the_configured_image_size()
    {
        using var data = TinyRun.Data(train: 8, test: 4);
        var shapes = new List<long[]>();
        using var trainer = new Trainer(TinyRun.Options with { Epochs = 1, BatchSize = 8, ImageSize = 40 }, () =>
        {
            var model = TinyRun.Model();
            model.register_forward_pre_hook((_, input) =>
            {
                shapes.Add(input.shape);
                return input;
            });
            return model;
        }, data.Train, data.Test);

        trainer.Fit();

        Assert.All(shapes, s => Assert.Equal(new long[] { 40, 40 }, s[2..]));
    }
}
