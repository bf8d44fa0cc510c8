using ResNetNotebooks.Models;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Training;
using static TorchSharp.torch;

namespace ResNetNotebooks.Tests.Training;

/// <summary>Settings that cannot work are refused before the first batch; a run that diverges stops with the epoch,
/// batch and learning rate and keeps its last good checkpoint.</summary>
[Collection(GlobalTorchState.Name)]
public sealed class TrainingFailureTests
{
    [Theory]
    [InlineData(513, "ImageSize = 513")]
    [InlineData(int.MaxValue, "ImageSize = 2147483647")]
    public void Image_sizes_above_the_bound_are_refused(int size, string expected)
    {
        var e = Assert.Throws<TrainingOptionException>(() => (TrainingProfiles.Quick with { ImageSize = size }).Validate());

        Assert.Contains(expected, e.Message);
        Assert.Contains($"up to {TrainingOptions.MaxImageSize}", e.Message);
    }

    [Theory]
    [InlineData(1e308)]
    [InlineData(3.5e38)] // just above float.MaxValue = 3.4028235e38
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void Learning_rates_a_32_bit_float_cannot_hold_are_refused(double rate)
    {
        var e = Assert.Throws<TrainingOptionException>(() => (TrainingProfiles.Quick with { LearningRate = rate }).Validate());

        Assert.Contains("LearningRate", e.Message);
    }

    [Theory]
    [InlineData("LearningRate", 1e-320)]   // a double holds it; a float rounds it to 0 (the smallest float is 2^-149 ≈ 1.4e-45)
    [InlineData("LearningRate", 7e-46)]    // just below half of 2^-149: rounds to 0
    [InlineData("WeightDecay", 1e-300)]
    [InlineData("Momentum", 1e-46)]
    [InlineData("Momentum", 0.99999999999)] // below 1 as a double, 1 as a float (1 - 2^-24 ≈ 0.99999994 is the largest float below 1)
    public void Settings_that_round_to_0_or_1_in_the_optimizers_32_bit_floats_are_refused(string name, double value)
    {
        var options = name switch
        {
            "LearningRate" => TrainingProfiles.Quick with { LearningRate = value },
            "WeightDecay" => TrainingProfiles.Quick with { WeightDecay = value },
            _ => TrainingProfiles.Quick with { Momentum = value, Nesterov = false },
        };

        var e = Assert.Throws<TrainingOptionException>(options.Validate);

        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void The_smallest_float_learning_rate_is_accepted()
    {
        (TrainingProfiles.Quick with { LearningRate = float.Epsilon }).Validate();
    }

    [Fact]
    public void The_largest_float_learning_rate_is_accepted()
    {
        (TrainingProfiles.Quick with { LearningRate = float.MaxValue }).Validate();
    }

    [Fact]
    public void Fewer_training_images_than_one_batch_with_drop_last_is_refused_naming_the_numbers()
    {
        // The quick profile drops the last batch and uses 256 images a batch; 100 images make 100 / 256 = 0 full batches.
        var options = TrainingProfiles.Quick with { TrainImages = 100 };

        var e = Assert.Throws<TrainingOptionException>(options.Validate);

        Assert.Contains("TrainImages = 100", e.Message);
        Assert.Contains("BatchSize = 256", e.Message);
        Assert.Contains("DropLast = false", e.Message);
    }

    [Fact]
    public void A_batch_larger_than_all_the_data_with_drop_last_is_refused_by_the_trainer()
    {
        using var data = TinyRun.Data(train: 40, test: 8);

        var e = Assert.Throws<TrainingOptionException>(() => new Trainer(TinyRun.Options with { BatchSize = 41 }, TinyRun.Model, data.Train, data.Test));

        Assert.Equal("BatchSize", e.ParamName);
        Assert.Contains("the run has 40 training images, fewer than one batch", e.Message);
    }

    [Fact]
    public void More_steps_than_the_schedule_can_count_are_refused()
    {
        using var data = TinyRun.Data(train: 96, test: 8);
        // 96 images at batch 32: 3 batches an epoch, so int.MaxValue epochs would be 3 × 2,147,483,647 steps.
        var options = TinyRun.Options with { Epochs = int.MaxValue };

        var e = Assert.Throws<TrainingOptionException>(() => new Trainer(options, TinyRun.Model, data.Train, data.Test));

        Assert.Equal("Epochs", e.ParamName);
        Assert.Contains($"use at most {int.MaxValue / 3} epochs", e.Message);
    }

    [Fact]
    public void A_non_finite_loss_stops_the_run_with_epoch_batch_and_rate_and_keeps_the_last_checkpoint()
    {
        using var data = TinyRun.Data();
        using var folder = new TempFolder();
        var path = folder.Combine("checkpoint.bin");
        // 96 images at batch 32 are 3 training batches an epoch: the 4th call in training mode is epoch 2's first batch.
        var poisoned = new PoisonAfter(TinyRun.Model(), calls: 3);
        using var trainer = new Trainer(TinyRun.Options with { Epochs = 3 }, () => poisoned, data.Train, data.Test) { CheckpointPath = path };
        var rate = 0.0;
        trainer.EpochEnded += (_, _) => rate = trainer.LearningRate;

        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit());

        Assert.Equal((2, 1, rate), (e.Epoch, e.Batch, e.LearningRate));
        Assert.True(double.IsNaN(e.Loss));
        Assert.StartsWith("Training diverged: the loss of epoch 2, batch 1 is NaN at learning rate ", e.Message);
        Assert.Contains("The checkpoint of epoch 1 is kept.", e.Message);
        Assert.Equal(1, Checkpoint.ReadInfo(path).CompletedEpochs);
        Assert.Equal(["checkpoint.bin"], folder.Files());
    }

    /// <summary>Passes through to <paramref name="inner"/> for the first <paramref name="calls"/> training calls, then
    /// returns NaN logits, as a diverged network does.</summary>
    internal sealed class PoisonAfter : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> inner;
        private readonly int calls;
        private int trainingCalls;

        public PoisonAfter(nn.Module<Tensor, Tensor> inner, int calls) : base(nameof(ResNet))
        {
            this.inner = inner;
            this.calls = calls;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var output = inner.call(input);
            return training && ++trainingCalls > calls ? output.mul(double.NaN) : output;
        }
    }
}
