using ResNetNotebooks.Native;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Tests.Training;

[Collection(GlobalTorchState.Name)]
public class MixedPrecisionTests
{
    private static TrainingOptions Bf16 => TinyRun.Options with { Precision = Precision.Bf16 };

    [Fact]
    public void The_working_copy_computes_in_bf16_with_batch_norm_in_fp32_and_the_model_keeps_fp32()
    {
        using var data = TinyRun.Data();
        using var trainer = new Trainer(Bf16 with { Epochs = 1 }, TinyRun.Model, data.Train, data.Test);
        trainer.Fit();

        using var mixed = new MixedPrecision(trainer.Model, TinyRun.Model(), CPU);
        Assert.All(trainer.Model.state_dict(), kv => Assert.True(kv.Value.dtype is ScalarType.Float32 or ScalarType.Int64, $"{kv.Key} of the model is {kv.Value.dtype}"));

        var modules = mixed.Working.modules().ToList();
        Assert.NotEmpty(modules.OfType<TorchSharp.Modules.Conv2d>());
        Assert.NotEmpty(modules.OfType<TorchSharp.Modules.BatchNorm2d>());
        Assert.All(modules.OfType<TorchSharp.Modules.Conv2d>(), c => Assert.Equal(ScalarType.BFloat16, c.weight!.dtype));
        Assert.All(modules.OfType<TorchSharp.Modules.Linear>(), l => Assert.Equal(ScalarType.BFloat16, l.weight!.dtype));
        Assert.All(modules.OfType<TorchSharp.Modules.BatchNorm2d>(), b =>
        {
            Assert.Equal(ScalarType.Float32, b.weight!.dtype);
            Assert.Equal(ScalarType.Float32, b.running_mean!.dtype);
            Assert.Equal(ScalarType.Float32, b.running_var!.dtype);
        });
    }

    [Fact]
    public void Bf16_logits_stay_within_bf16_rounding_of_the_fp32_ones_and_are_not_equal_to_them()
    {
        using var data = TinyRun.Data();
        manual_seed(3);
        using var model = TinyRun.Model();
        model.eval();
        using var mixed = new MixedPrecision(model, TinyRun.Model(), CPU);
        using var scope = NewDisposeScope();
        var images = data.Train.Images.narrow(0, 0, 16).to_type(ScalarType.Float32).div(255);

        var fp32 = model.call(images);
        var bf16 = mixed.Forward(images);

        Assert.Equal(ScalarType.Float32, bf16.dtype);
        var difference = (bf16 - fp32).abs().max().item<float>();
        var scale = fp32.abs().max().item<float>();
        // bf16 keeps 8 significant bits: each rounding is within 2^-9 (0.2%) of the value; a few layers of them stay
        // well inside 5% of the logits' scale. Equal logits would mean the copy did not compute in bf16 at all.
        Assert.InRange(difference, 1e-6f, 0.05f * scale);
    }

    [Fact]
    public void The_optimizer_updates_fp32_master_weights_with_the_bf16_gradients()
    {
        using var data = TinyRun.Data();
        manual_seed(4);
        using var model = TinyRun.Model();
        model.train();
        using var mixed = new MixedPrecision(model, TinyRun.Model(), CPU);
        using var scope = NewDisposeScope();
        var images = data.Train.Images.narrow(0, 0, 16).to_type(ScalarType.Float32).div(255);
        var labels = data.Train.Labels.narrow(0, 0, 16);

        mixed.Sync();
        var loss = nn.functional.cross_entropy(mixed.Forward(images), labels);
        loss.backward();
        mixed.CopyGradients();

        var working = mixed.Working.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in model.named_parameters())
        {
            Assert.Equal(ScalarType.Float32, parameter.grad!.dtype);
            // The gradient is the working copy's, converted exactly (every bf16 value is an fp32 value).
            Assert.True(parameter.grad.eq(working[name].grad!.to_type(ScalarType.Float32)).all().item<bool>(), name);
        }

        // An update far below bf16's resolution still moves an fp32 master weight: 1 + 1e-4 is 1 in bf16.
        using (no_grad())
        {
            var weight = model.named_parameters().First(p => p.parameter.dim() == 4).parameter;
            weight.fill_(1f);
            weight.grad!.fill_(-1e-3f);
            using var sgd = optim.SGD([weight], 0.1);
            sgd.step();
            Assert.Equal(1.0001f, weight.max().item<float>(), 6);
            Assert.Equal(1f, weight.to_type(ScalarType.BFloat16).to_type(ScalarType.Float32).max().item<float>());
        }
    }

    [Fact]
    public void A_bf16_run_gives_the_same_losses_to_the_last_bit_with_the_same_seed_and_starts_where_fp32_starts()
    {
        using var data = TinyRun.Data();

        double[] Losses(TrainingOptions options)
        {
            using var trainer = new Trainer(options, TinyRun.Model, data.Train, data.Test);
            var losses = new List<double>();
            trainer.BatchEnded += (_, p) => losses.Add(p.BatchLoss);
            trainer.Fit();
            return [.. losses];
        }

        var bf16 = Losses(Bf16);
        var fp32 = Losses(TinyRun.Options);
        Assert.Equal(bf16, Losses(Bf16));
        Assert.NotEqual(fp32, bf16);
        // Same weights at the first batch: the losses differ only by bf16's rounding of the forward pass (about 2.3, ln 10).
        Assert.InRange(Math.Abs(bf16[0] - fp32[0]), 0, 0.05 * fp32[0]);
    }

    [Fact]
    public void Resuming_a_bf16_run_from_its_epoch_1_checkpoint_gives_the_numbers_and_weights_of_an_uninterrupted_run()
    {
        using var data = TinyRun.Data();
        using var folder = new TempFolder();
        var path = folder.Combine("checkpoint.bin");

        using var whole = new Trainer(Bf16, TinyRun.Model, data.Train, data.Test);
        whole.Fit();

        using (var interrupted = new Trainer(Bf16, TinyRun.Model, data.Train, data.Test) { CheckpointPath = path })
        {
            interrupted.EpochEnded += (_, m) => throw new OperationCanceledException($"stopped after epoch {m.Epoch}");
            Assert.Throws<OperationCanceledException>(() => interrupted.Fit());
        }

        var saved = Checkpoint.ReadInfo(path);
        Assert.Equal(Precision.Bf16, saved.Options.Precision);
        using var resumed = new Trainer(Bf16, TinyRun.Model, data.Train, data.Test);
        resumed.LoadCheckpoint(path);
        resumed.Fit();

        Assert.Equal(
            whole.History.Select(m => (m.TrainLoss, m.TrainAccuracy, m.TestAccuracy, m.LearningRate)),
            resumed.History.Select(m => (m.TrainLoss, m.TrainAccuracy, m.TestAccuracy, m.LearningRate)));
        Assert.Equal(TinyRun.State(whole.Model), TinyRun.State(resumed.Model));
        Assert.All(whole.Model.state_dict().Values, t => Assert.True(t.dtype is ScalarType.Float32 or ScalarType.Int64));
    }

    [Fact]
    public void A_bf16_checkpoint_is_refused_by_an_fp32_trainer_with_the_difference()
    {
        using var data = TinyRun.Data();
        using var folder = new TempFolder();
        var path = folder.Combine("checkpoint.bin");
        using (var trainer = new Trainer(Bf16 with { Epochs = 1 }, TinyRun.Model, data.Train, data.Test))
        {
            trainer.Fit();
            trainer.SaveCheckpoint(path);
        }

        using var fp32 = new Trainer(TinyRun.Options with { Epochs = 1 }, TinyRun.Model, data.Train, data.Test);
        var e = Assert.Throws<CheckpointException>(() => fp32.LoadCheckpoint(path));

        Assert.Contains("Precision: checkpoint Bf16, asked Fp32", e.Message);
    }

    [Fact]
    public void Bf16_needs_a_new_model_for_its_working_copy()
    {
        using var data = TinyRun.Data();
        using var model = TinyRun.Model();

        var e = Assert.Throws<ArgumentException>(() => new Trainer(Bf16, () => model, data.Train, data.Test));

        Assert.Contains("createModel returned the same object twice", e.Message);
    }

    [Theory]
    [InlineData("flags\t\t: fpu sse2 avx2 avx512f avx512_bf16 sha_ni", true, "avx2 avx512f avx512_bf16")]
    [InlineData("flags\t\t: fpu avx2 amx_bf16 amx_tile", true, "avx2 amx_bf16")]
    [InlineData("flags\t\t: fpu sse2 avx2 fma", false, "avx2")]
    [InlineData("processor\t: 0\nvendor_id\t: AuthenticAMD", false, "none known")]
    public void Auto_picks_bf16_only_on_a_CPU_with_native_bf16_and_images_of_48_pixels_or_more(string cpuinfo, bool native, string flags)
    {
        var cpu = CpuFeatures.Parse(cpuinfo);

        Assert.Equal(native, cpu.HasNativeBf16);
        Assert.Equal(flags, cpu.ToString());
        Assert.Equal(native ? Precision.Bf16 : Precision.Fp32, PrecisionChoice.Auto(cpu, imageSize: 96));
        Assert.Equal(native ? Precision.Bf16 : Precision.Fp32, PrecisionChoice.Auto(cpu, imageSize: 48));
        Assert.Equal(Precision.Fp32, PrecisionChoice.Auto(cpu, imageSize: 28)); // measured: bf16 0.92x fp32 at 28x28
        Assert.Equal(Precision.Fp32, PrecisionChoice.Auto(cpu, imageSize: 96, onCpu: false));
        Assert.Equal(!native, PrecisionChoice.Warning(Precision.Bf16, cpu)?.Contains("trains slower than fp32", StringComparison.Ordinal) ?? false);
        Assert.Null(PrecisionChoice.Warning(Precision.Fp32, cpu));
        Assert.StartsWith(native ? "bf16 (auto: the CPU has " : "fp32 (auto: no native bf16",
            PrecisionChoice.Describe(PrecisionChoice.Auto(cpu, 96), automatic: true, cpu, 96));
        Assert.Equal(native ? "fp32 (auto: bf16 is slower than fp32 at 28×28; it is chosen from 48×48)" : "fp32 (auto: no native bf16 on this CPU)",
            PrecisionChoice.Describe(PrecisionChoice.Auto(cpu, 28), automatic: true, cpu, 28));
        Assert.Equal("bf16", PrecisionChoice.Describe(Precision.Bf16, automatic: false, cpu, 28));
        Assert.StartsWith(native ? "auto precision: bf16 from 48×48 (the CPU has " : "auto precision: fp32", PrecisionChoice.DescribeAuto(cpu));
    }

    [Fact]
    public void A_precision_is_read_from_its_name_and_an_unknown_name_says_which_are_known()
    {
        Assert.Equal((Precision.Fp32, false), PrecisionChoice.Parse("fp32", 96));
        Assert.Equal((Precision.Bf16, false), PrecisionChoice.Parse(" BF16 ", 28));
        Assert.Equal((PrecisionChoice.Auto(96), true), PrecisionChoice.Parse("auto", 96));
        Assert.Equal((Precision.Fp32, true), PrecisionChoice.Parse("auto", 28));

        var e = Assert.Throws<ArgumentException>(() => PrecisionChoice.Parse("fp16", 28));
        Assert.StartsWith("precision \"fp16\" is not known; use \"auto\"", e.Message);
    }

    [Fact]
    public void A_flag_that_only_starts_like_a_known_one_is_not_taken_for_it()
    {
        var cpu = CpuFeatures.Parse("flags\t: avx512_bf16x avx2_more amx_bf16_lite");

        Assert.False(cpu.HasNativeBf16);
        Assert.Empty(cpu.Flags);
    }
}
