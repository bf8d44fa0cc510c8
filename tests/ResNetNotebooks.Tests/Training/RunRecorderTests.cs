using ResNetNotebooks.Models;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Tests.Training;

[Collection(GlobalTorchState.Name)]
public class RunRecorderTests
{
    [Fact]
    public void The_recorder_keeps_one_step_per_batch_whose_losses_average_to_the_epochs_training_loss()
    {
        var config = ResNetConfig.CifarPlain(8);
        using var data = TinyRun.Data(); // 96 images, batch 32: 3 full batches per epoch
        using var trainer = new Trainer(TinyRun.Options with { Epochs = 2 }, () => new ResNet(config), data.Train, data.Test);
        var recorder = RunRecorder.Follow(trainer, config);

        trainer.Fit();
        var curves = recorder.Curves;

        Assert.Equal(("plain-8", true, 8, 0), (curves.Name, curves.Plain, curves.Depth, curves.Seed));
        Assert.Equal([1, 2, 3, 4, 5, 6], curves.Steps.Select(s => s.Step));
        Assert.Equal([1, 1, 1, 2, 2, 2], curves.Steps.Select(s => s.Epoch));
        // Every batch holds 32 images, so the epoch's mean loss is the plain mean of its 3 batch losses.
        Assert.Equal(trainer.History[0].TrainLoss, curves.Steps.Take(3).Average(s => s.Loss), 5);
        Assert.Equal(trainer.History[1].TrainLoss, curves.Steps.Skip(3).Average(s => s.Loss), 5);
        Assert.Equal(trainer.History.Select(m => m.TestAccuracy), curves.Epochs.Select(m => m.TestAccuracy));
    }

    [Fact]
    public void Earlier_steps_that_do_not_match_the_trainers_steps_are_refused()
    {
        using var data = TinyRun.Data();
        using var trainer = new Trainer(TinyRun.Options, TinyRun.Model, data.Train, data.Test);

        var e = Assert.Throws<ArgumentException>(() => RunRecorder.Follow(trainer, ResNetConfig.CifarResNet(8), [new StepRow(1, 1, 2.3, 0.1)]));

        Assert.Contains("got 1 earlier steps but the trainer has taken 0", e.Message);
    }
}
