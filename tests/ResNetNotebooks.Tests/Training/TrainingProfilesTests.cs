using ResNetNotebooks.Training;
using ResNetNotebooks.Display;

namespace ResNetNotebooks.Tests.Training;

public class TrainingProfilesTests
{
    [Fact]
    public void The_d2l_profile_is_train_ch6_as_the_chapter_runs_it()
    {
        // Seed: lr, num_epochs, batch_size = 0.05, 10, 256; load_data_fashion_mnist(batch_size, resize=96); SGD; Xavier init.
        var d2l = TrainingProfiles.Get("d2l");

        Assert.Equal((0.05, 10, 256, 96), (d2l.LearningRate, d2l.Epochs, d2l.BatchSize, d2l.ImageSize));
        Assert.Equal((0.0, false, 0.0, false), (d2l.Momentum, d2l.Nesterov, d2l.WeightDecay, d2l.CycleMomentum));
        Assert.False(d2l.DropLast); // PyTorch's DataLoader keeps the last batch
        Assert.Equal(LearningRateSchedule.Constant, d2l.Schedule);
        Assert.Equal(WeightInit.Xavier, d2l.Init);
        Assert.Equal(TrainingData.Full, d2l.Data);
        Assert.Equal(TrainingRecipe.D2l, d2l.Recipe);
    }

    [Fact]
    public void The_tuned_recipe_is_Nesterov_SGD_with_weight_decay_and_a_one_cycle_peak_of_0_1()
    {
        var tuned = TrainingProfiles.Quick.WithRecipe(TrainingRecipe.Tuned);

        Assert.Equal((0.1, 0.9, true, 5e-4), (tuned.LearningRate, tuned.Momentum, tuned.Nesterov, tuned.WeightDecay));
        Assert.Equal(LearningRateSchedule.OneCycle, tuned.Schedule);
        Assert.False(tuned.CycleMomentum); // a constant 0.9
        Assert.True(tuned.DropLast);
    }

    [Fact]
    public void Quick_is_the_shipped_subset_at_28x28_and_cpu_the_full_data_for_10_epochs_both_tuned()
    {
        Assert.Equal((TrainingData.Subset, 28, TrainingRecipe.Tuned), (TrainingProfiles.Quick.Data, TrainingProfiles.Quick.ImageSize, TrainingProfiles.Quick.Recipe!.Value));
        Assert.Equal((TrainingData.Full, 28, 10, TrainingRecipe.Tuned), (TrainingProfiles.Cpu.Data, TrainingProfiles.Cpu.ImageSize, TrainingProfiles.Cpu.Epochs, TrainingProfiles.Cpu.Recipe!.Value));
        Assert.False(TrainingProfiles.Quick.Resizes);
        Assert.True(TrainingProfiles.D2l.Resizes);
    }

    [Fact]
    public void Full_is_not_a_training_profile_it_names_the_whole_dataset()
    {
        var ex = Assert.Throws<ArgumentException>(() => TrainingProfiles.Get("full"));

        Assert.Contains("quick, cpu, d2l", ex.Message);
        Assert.Equal(TrainingData.Full, TrainingProfiles.Cpu.Data);
    }

    [Fact]
    public void An_unknown_profile_names_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingProfiles.Get("gpu"));

        Assert.Contains("\"gpu\"", e.Message);
        Assert.Contains("quick, cpu, d2l", e.Message);
    }

    [Fact]
    public void Changing_one_optimizer_setting_makes_the_recipe_custom()
    {
        Assert.Null((TrainingProfiles.Quick with { WeightDecay = 0 }).Recipe);
        Assert.Equal(TrainingRecipe.Tuned, (TrainingProfiles.Quick with { Epochs = 2, Seed = 3 }).Recipe);
    }

    [Fact]
    public void The_accuracy_floor_applies_to_a_profile_with_any_seed_but_not_to_changed_settings()
    {
        Assert.Equal(0.85, TrainingProfiles.TestAccuracyFloor(TrainingProfiles.Quick with { Seed = 7 }));
        Assert.Equal(0.92, TrainingProfiles.TestAccuracyFloor(TrainingProfiles.Cpu));
        Assert.Null(TrainingProfiles.TestAccuracyFloor(TrainingProfiles.Quick with { Epochs = 2 }));
        Assert.Equal(0.85, TrainingProfiles.TestAccuracyFloor(TrainingProfiles.Quick with { Precision = Precision.Bf16 }));
        Assert.Equal(0.92, TrainingProfiles.TestAccuracyFloor(TrainingProfiles.Cpu with { Precision = Precision.Bf16 }));
        Assert.Equal(0.90, TrainingProfiles.TestAccuracyFloor(TrainingProfiles.D2l));
        Assert.Null(TrainingProfiles.TestAccuracyFloor(TrainingProfiles.D2l with { Precision = Precision.Bf16 }));
    }

    [Theory]
    [InlineData("Epochs")]
    [InlineData("Nesterov")]
    [InlineData("ImageSize")]
    [InlineData("LearningRate")]
    [InlineData("CycleMomentum")]
    public void Invalid_settings_are_named_with_their_value_and_a_fix(string name)
    {
        var bad = name switch
        {
            "Epochs" => TrainingProfiles.Quick with { Epochs = 0 },
            "Nesterov" => TrainingProfiles.Quick with { Momentum = 0 },
            "ImageSize" => TrainingProfiles.Quick with { ImageSize = 14 },
            "CycleMomentum" => TrainingProfiles.Quick with { CycleMomentum = true, Schedule = LearningRateSchedule.Constant },
            _ => TrainingProfiles.Quick with { LearningRate = -1 },
        };

        var e = Assert.Throws<TrainingOptionException>(bad.Validate);

        Assert.Equal(name, e.ParamName);
        Assert.Contains($"Training option {name} = ", e.Message);
    }

    [Fact]
    public void Options_show_as_a_table_of_settings()
    {
        var html = TrainingProfiles.Quick.ToTable().ToHtml();

        Assert.Contains("<td style=\"text-align:left\">learning rate</td><td style=\"text-align:left\">one-cycle, peak 0.1, per batch</td>", html);
        Assert.Contains("SGD, Nesterov momentum 0.9", TrainingOptionsView.Describe(TrainingProfiles.Quick));
    }
}
