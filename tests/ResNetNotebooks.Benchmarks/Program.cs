using System.Diagnostics;
using System.Globalization;
using ResNetNotebooks.Data;
using ResNetNotebooks.Models;
using ResNetNotebooks.Native;
using ResNetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

// The trainer's training throughput (images/s of training time, evaluation excluded: the examples/sec it reports)
// next to a bare TorchSharp loop on the same ResNet-18, batch size, optimizer settings and images: the textbook step
// in a dispose scope, on batches prepared beforehand; no data loading, metrics, events, schedule or checkpoints.
//
// Interleaved: the trainer trains one epoch of N batches, then (from its EpochEnded event, outside its clock) the bare
// loop trains N batches, then the trainer's next epoch, and so on, so a busy neighbour slows both alike. Both models
// stay alive throughout; the trainer's first epoch and a first bare pass are warm-up and not counted.
//
// Usage (Release, from the repository root):
//   dotnet run -c Release --project tests/ResNetNotebooks.Benchmarks -- [--reps N] [--batches N] [--batch-size N]
//                                                                       [--image-size N] [--bare-gc]
// --bare-gc adds a third loop: the bare loop plus the trainer's NativeGarbage.Collect() after every step.

var reps = Arg("--reps", 15);
var batches = Arg("--batches", 8);
var batchSize = Arg("--batch-size", 256);
var imageSize = Arg("--image-size", 28);
var bareGc = args.Contains("--bare-gc");

TorchNative.EnsureLoadable();
Compute.SetThreads(null);
using var data = TrainTestData.Load(TrainingData.Subset);
var options = TrainingProfiles.Quick with
{
    Epochs = reps + 1, BatchSize = batchSize, ImageSize = imageSize, TrainImages = batches * batchSize, TestImages = batchSize,
};
Console.WriteLine($"ResNet-18, {batches} batches of {batchSize} at {imageSize}x{imageSize} per measurement, {reps} interleaved " +
                  $"repetitions, {get_num_threads()} torch threads, {Compute.Device}.");

using var bare = new BareLoop(options, data.Train, batches);
bare.Pass(collect: false); // warm-up
var trainer = new List<double>();
var bareSpeeds = new List<double>();
var bareGcSpeeds = new List<double>();
using (var run = new Trainer(options, () => ResNet.ResNet18(), data.Train, data.Test))
{
    run.EpochEnded += (_, m) =>
    {
        if (m.Epoch == 1)
        {
            return; // warm-up
        }

        trainer.Add(m.ExamplesPerSecond);
        bareSpeeds.Add(bare.Pass(collect: false));
        if (bareGc)
        {
            bareGcSpeeds.Add(bare.Pass(collect: true));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  rep {m.Epoch - 1,2}: trainer {trainer[^1],6:F1}  bare {bareSpeeds[^1],6:F1}{(bareGc ? $"  bare+GC {bareGcSpeeds[^1],6:F1}" : "")} images/s"));
    };
    run.Fit();
}

Report("trainer", trainer);
Report("bare loop", bareSpeeds);
if (bareGc)
{
    Report("bare + GC", bareGcSpeeds);
}

var ratio = Median(trainer) / Median(bareSpeeds);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"trainer / bare = {ratio:F3} (medians; the trainer runs at {ratio * 100:F1}% of the bare loop's speed); " +
    $"per-rep ratios [{trainer.Zip(bareSpeeds, (t, b) => t / b).Min():F3}–{trainer.Zip(bareSpeeds, (t, b) => t / b).Max():F3}], " +
    $"median {Median(trainer.Zip(bareSpeeds, (t, b) => t / b).ToList()):F3}"));
return 0;

static void Report(string name, List<double> speeds) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{name,-10} median {Median(speeds):F1} images/s [{speeds.Min():F1}–{speeds.Max():F1}]"));

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

/// <summary>The textbook training loop, on batches prepared once.</summary>
internal sealed class BareLoop : IDisposable
{
    private readonly ResNet _model;
    private readonly TorchSharp.Modules.SGD _optimizer;
    private readonly List<(Tensor X, Tensor y)> _batches;
    private readonly int _batchSize;

    public BareLoop(TrainingOptions options, FashionMnistDataset train, int batches)
    {
        Compute.Seed(options.Seed);
        _model = ResNet.ResNet18();
        _model.to(Compute.Device);
        _model.train();
        _optimizer = optim.SGD(_model.parameters(), options.LearningRate, momentum: options.Momentum,
            weight_decay: options.WeightDecay, nesterov: options.Nesterov);
        _batchSize = options.BatchSize;
        _batches = train.Batches(options.BatchSize, shuffle: true, seed: options.Seed, resize: options.Resizes ? options.ImageSize : null)
            .Take(batches)
            .Select(b => (b.Images.to(Compute.Device).DetachFromDisposeScope(), b.Labels.to(Compute.Device).DetachFromDisposeScope()))
            .ToList();
    }

    /// <summary>Trains every prepared batch once; returns images per second.</summary>
    public double Pass(bool collect)
    {
        var clock = Stopwatch.StartNew();
        foreach (var (X, y) in _batches)
        {
            using (var scope = NewDisposeScope())
            {
                _optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(_model.call(X), y);
                loss.backward();
                _optimizer.step();
            }

            if (collect)
            {
                NativeGarbage.Collect();
            }
        }

        return _batches.Count * _batchSize / clock.Elapsed.TotalSeconds;
    }

    public void Dispose()
    {
        foreach (var (X, y) in _batches)
        {
            X.Dispose();
            y.Dispose();
        }

        _optimizer.Dispose();
        _model.Dispose();
    }
}
