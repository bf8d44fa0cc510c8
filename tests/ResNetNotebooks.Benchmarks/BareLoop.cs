using System.Diagnostics;
using ResNetNotebooks.Data;
using ResNetNotebooks.Models;
using ResNetNotebooks.Native;
using ResNetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Benchmarks;

/// <summary>The textbook TorchSharp training loop in fp32, on batches prepared once.</summary>
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
