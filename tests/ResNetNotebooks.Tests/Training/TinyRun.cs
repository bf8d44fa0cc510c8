using ResNetNotebooks.Data;
using ResNetNotebooks.Models;
using ResNetNotebooks.Training;
using static TorchSharp.torch;

namespace ResNetNotebooks.Tests.Training;

/// <summary>Small, fast training set-ups: a one-stage ResNet with 8 channels on 96 synthetic 28×28 images.</summary>
internal static class TinyRun
{
    /// <summary>Stem and one residual stage of 16 channels: 3 convolutions and a linear layer.</summary>
    /// <remarks>16, not fewer: on CPUs with AVX-512 the oneDNN build inside libtorch 2.10 (TorchSharp 0.107.0) gives
    /// non-finite weight gradients now and then for 3×3 convolutions with fewer than 16 channels (8 channels: NaN in
    /// 8 to 18 of 40 identical runs; 16 and 64: none; <c>ONEDNN_MAX_CPU_ISA=AVX2</c>: none). See the README's
    /// troubleshooting.</remarks>
    public static ResNetConfig Config => new([1], [16]);

    public static nn.Module<Tensor, Tensor> Model() => new ResNet(Config);

    /// <summary>The tuned recipe (momentum, weight decay, one-cycle) on 96 training and 40 test images, batch 32:
    /// 3 batches per epoch, the last one full; 2 test batches, the last one partial.</summary>
    public static TrainingOptions Options => TrainingProfiles.Quick with { Epochs = 3, BatchSize = 32, Profile = "tiny" };

    /// <summary>Random images with labels that follow their mean brightness, so there is something to learn.</summary>
    public static TrainTestData Data(int train = 96, int test = 40) => new(Synthetic(train, 1, FashionMnistSplit.Train), Synthetic(test, 2, FashionMnistSplit.Test));

    private static FashionMnistDataset Synthetic(int count, int seed, FashionMnistSplit split)
    {
        var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        var images = randint(0, 256, [count, 1, 28, 28], dtype: ScalarType.Byte, generator: generator);
        var labels = images.to_type(ScalarType.Float32).mean([1, 2, 3]).mul(10.0 / 256).floor().to_type(ScalarType.Int64).clamp(0, 9);
        labels = labels.add(randint(0, 3, [count], dtype: ScalarType.Int64, generator: generator)).remainder(10);
        return new FashionMnistDataset(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(), split, "synthetic");
    }

    /// <summary>Every parameter and buffer of the model, by name, as float arrays.</summary>
    public static Dictionary<string, float[]> State(nn.Module model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to_type(ScalarType.Float32).data<float>().ToArray());

    /// <summary>The id of a process that has ended (a finished <c>true</c>), for the names of files a killed process left.</summary>
    public static int DeadProcessId()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(OperatingSystem.IsWindows() ? "cmd" : "true")
        {
            ArgumentList = { },
            UseShellExecute = false,
        })!;
        process.WaitForExit();
        return process.Id;
    }
}
