using System.Diagnostics;
using System.Globalization;
using ResNetNotebooks;
using ResNetNotebooks.Data;
using ResNetNotebooks.Models;
using ResNetNotebooks.Native;
using ResNetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

// The trainer's training throughput (images/s, evaluation excluded, as it reports examples/sec) next to a bare
// TorchSharp loop: the same ResNet-18, batch size, optimizer and images, no data loading, no metrics, no events,
// no checkpoints. Interleaved (bare, trainer, trainer, bare, ...) so that a busy neighbour slows both alike.
// Usage: resnet-benchmarks [--reps N] [--batches N] [--batch-size N] [--image-size N]

var reps = Arg("--reps", 7);
var batches = Arg("--batches", 8);
var batchSize = Arg("--batch-size", 256);
var imageSize = Arg("--image-size", 28);

TorchNative.EnsureLoadable();
Compute.SetThreads(null);
using var data = TrainTestData.Load(TrainingData.Subset);
var options = TrainingProfiles.Quick with
{
    Epochs = 2, BatchSize = batchSize, ImageSize = imageSize, TrainImages = batches * batchSize, TestImages = batchSize,
};
Console.WriteLine($"ResNet-18, {batches} batches of {batchSize} at {imageSize}x{imageSize}, {reps} interleaved repetitions, " +
                  $"{get_num_threads()} torch threads, {Compute.Device}; each figure: the second of two passes (the first warms up).");

var bare = new List<double>();
var trainer = new List<double>();
for (var rep = 0; rep < reps; rep++)
{
    // Alternate the order so that neither side always runs first.
    if (rep % 2 == 0)
    {
        bare.Add(Bare());
        trainer.Add(Trained());
    }
    else
    {
        trainer.Add(Trained());
        bare.Add(Bare());
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  rep {rep + 1}: bare {bare[^1],6:F1}  trainer {trainer[^1],6:F1} images/s"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"bare loop: median {Median(bare):F1} images/s [{bare.Min():F1}–{bare.Max():F1}]"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"trainer:   median {Median(trainer):F1} images/s [{trainer.Min():F1}–{trainer.Max():F1}]"));
var ratio = Median(trainer) / Median(bare);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"trainer / bare = {ratio:F3} (the trainer runs at {ratio * 100:F1}% of the bare loop's speed); per-rep ratios {string.Join(" ", trainer.Zip(bare, (t, b) => (t / b).ToString("F3", CultureInfo.InvariantCulture)))}"));
return 0;

// The trainer's examples/sec in its second epoch (the first one warms up, as the bare loop's first pass does).
double Trained()
{
    using var run = new Trainer(options, () => ResNet.ResNet18(), data.Train, data.Test);
    return run.Fit()[1].ExamplesPerSecond;
}

// The bare loop: the textbook step on batches prepared beforehand, one dispose scope per step.
double Bare()
{
    Compute.Seed(0);
    using var model = ResNet.ResNet18();
    model.to(Compute.Device);
    model.train();
    using var optimizer = optim.SGD(model.parameters(), options.LearningRate, momentum: options.Momentum,
        weight_decay: options.WeightDecay, nesterov: options.Nesterov);
    var prepared = data.Train.Batches(batchSize, shuffle: true, seed: 0, resize: options.Resizes ? imageSize : null)
        .Take(batches).Select(b => (X: b.Images.to(Compute.Device), y: b.Labels.to(Compute.Device))).ToList();
    double Pass()
    {
        var clock = Stopwatch.StartNew();
        foreach (var (X, y) in prepared)
        {
            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(X), y);
                loss.backward();
                optimizer.step();
            }
        }

        return prepared.Count * batchSize / clock.Elapsed.TotalSeconds;
    }

    Pass();
    var speed = Pass();
    foreach (var (X, y) in prepared)
    {
        X.Dispose();
        y.Dispose();
    }

    return speed;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) && v > 0 ? v : fallback;
}
