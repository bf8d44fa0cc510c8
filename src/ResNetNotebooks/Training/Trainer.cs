using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim.lr_scheduler;
using ResNetNotebooks.Data;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Training;

/// <summary>
/// Trains a classifier as d2l's <c>train_ch6</c> does, with the settings of a <see cref="TrainingOptions"/>: per epoch,
/// one pass over the training batches (forward, cross-entropy, backward, SGD step and, for the one-cycle schedule, a
/// scheduler step, each batch in its own dispose scope), then the test accuracy in evaluation mode without gradients.
/// </summary>
/// <remarks>
/// <para>The batches come from any <see cref="IBatchSource"/>; the Fashion-MNIST constructor makes
/// <see cref="BatchLoader"/>s from the options. The constructor seeds torch with the run's seed before it builds the
/// model, so equal options give equal numbers on the same machine and thread count.</para>
/// <para>With <see cref="CheckpointPath"/> set, <see cref="Fit"/> writes a checkpoint after every epoch;
/// <see cref="LoadCheckpoint"/> on a new trainer with the same options continues with the numbers of an uninterrupted
/// run. A <see cref="RunFolder"/> does this and keeps the metrics files beside it.</para>
/// <para>The trainer owns the model and the optimizer, not the data. Memory and speed notes (garbage collection between
/// batches, the evaluation pass before the first batch, the C allocator) are in <c>docs/training-lab-notes.md</c>.</para>
/// </remarks>
/// <example>
/// <code>
/// using var train = FashionMnist.LoadSubset(FashionMnistSplit.Train);
/// using var test = FashionMnist.LoadSubset(FashionMnistSplit.Test);
/// using var trainer = new Trainer(TrainingProfiles.Quick, () => ResNet.ResNet18(), train, test);
/// trainer.EpochEnded += (_, m) => Console.WriteLine($"epoch {m.Epoch}: test acc {m.TestAccuracy:F3}");
/// trainer.Fit();
/// </code>
/// </example>
public sealed class Trainer : IDisposable
{
    private readonly IReadOnlyList<Tensor> _ownedViews;
    private readonly IBatchSource _trainLoader;
    private readonly IBatchSource _testLoader;
    private readonly List<EpochMetrics> _history = [];
    private readonly MixedPrecision? _mixed;
    private bool _evaluatedBeforeTraining;
    private SGD _optimizer;
    private LRScheduler? _scheduler;
    private int _steps;

    /// <summary>Trains on Fashion-MNIST: the first <see cref="TrainingOptions.TrainImages"/> and
    /// <see cref="TrainingOptions.TestImages"/> of <paramref name="train"/> and <paramref name="test"/>, in batches as the
    /// options say (shuffled by the seed, resized to <see cref="TrainingOptions.ImageSize"/> when it differs).</summary>
    /// <param name="options">The run's settings (validated here).</param>
    /// <param name="createModel">Builds a new model, e.g. <c>() =&gt; ResNet.ResNet18()</c>; called after seeding, and
    /// for <see cref="Precision.Bf16"/> once more for the bf16 working copy.</param>
    /// <param name="train">The training images (not owned).</param>
    /// <param name="test">The test images (not owned).</param>
    /// <exception cref="ArgumentException">The options are invalid, or ask for more images than the data holds.</exception>
    public Trainer(TrainingOptions options, Func<nn.Module<Tensor, Tensor>> createModel, FashionMnistDataset train, FashionMnistDataset test)
        : this(options, createModel, FashionMnistLoaders(options, train, test))
    {
    }

    /// <summary>Trains on any batches: <paramref name="train"/>'s epoch e is epoch e + 1 of the run. The sources decide
    /// the batches; the options' data settings (image counts, batch size, drop-last, image size) are not applied to them.</summary>
    /// <param name="options">The run's settings (validated here).</param>
    /// <param name="createModel">As for the other constructor.</param>
    /// <param name="train">The training batches (not owned).</param>
    /// <param name="test">The test batches (not owned).</param>
    /// <exception cref="ArgumentException">The options are invalid, or the training source has no batch.</exception>
    public Trainer(TrainingOptions options, Func<nn.Module<Tensor, Tensor>> createModel, IBatchSource train, IBatchSource test)
        : this(options, createModel, (CheckSources(options, train, test), test, []))
    {
    }

    private Trainer(TrainingOptions options, Func<nn.Module<Tensor, Tensor>> createModel, (IBatchSource Train, IBatchSource Test, IReadOnlyList<Tensor> Owned) data)
    {
        ArgumentNullException.ThrowIfNull(createModel);
        Options = options;
        (_trainLoader, _testLoader, _ownedViews) = data;

        try
        {
            Compute.Seed(options.Seed);
            Model = createModel() ?? throw new ArgumentException("createModel returned null; return a new model, e.g. () => ResNet.ResNet18().", nameof(createModel));
            if (options.Init == WeightInit.Xavier)
            {
                WeightInitialization.Xavier(Model);
            }
            else if (options.Init == WeightInit.He)
            {
                WeightInitialization.He(Model);
            }

            if (options.IdentityInit)
            {
                WeightInitialization.IdentityStart(Model);
            }

            Model.to(Compute.Device);
            Model.train();
            if (options.Precision == Precision.Bf16)
            {
                var working = createModel() ?? throw new ArgumentException("createModel returned null; return a new model, e.g. () => ResNet.ResNet18().", nameof(createModel));
                _mixed = new MixedPrecision(Model, working, Compute.Device);
            }

            (_optimizer, _scheduler) = CreateOptimizer();
        }
        catch
        {
            // What was built so far (the dataset views above all, kept out of every dispose scope) is freed here:
            // the caller gets no trainer to dispose.
            _mixed?.Dispose();
            Model?.Dispose();
            foreach (var view in _ownedViews)
            {
                view.Dispose();
            }

            throw;
        }
    }

    /// <summary>Raised after every training batch.</summary>
    public event EventHandler<BatchProgress>? BatchEnded;

    /// <summary>Raised after every epoch, once its test accuracy is known and its checkpoint written.</summary>
    public event EventHandler<EpochMetrics>? EpochEnded;

    /// <summary>The run's settings.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The model being trained (owned by the trainer).</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>Where <see cref="Fit"/> writes a checkpoint after each epoch; null for none.</summary>
    public string? CheckpointPath { get; set; }

    /// <summary>The metrics of the epochs done so far (restored ones included).</summary>
    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>The epochs held by the last checkpoint this trainer wrote or loaded (0: none yet). It lags behind
    /// <see cref="CompletedEpochs"/> when writing a checkpoint failed.</summary>
    public int CheckpointedEpochs { get; private set; }

    /// <summary>Epochs done so far.</summary>
    public int CompletedEpochs => _history.Count;

    /// <summary>Training images per epoch (before a smaller last batch is dropped, see <see cref="TrainingOptions.DropLast"/>).</summary>
    public int TrainCount => _trainLoader.Count;

    /// <summary>Test images evaluated after each epoch.</summary>
    public int TestCount => _testLoader.Count;

    /// <summary>Training batches per epoch.</summary>
    public int BatchesPerEpoch => _trainLoader.BatchesPerEpoch;

    /// <summary>Optimizer steps taken so far (batches trained).</summary>
    public int Steps => _steps;

    /// <summary>The learning rate the next batch will be trained with.</summary>
    public double LearningRate => _optimizer.ParamGroups.First().LearningRate;

    /// <summary>
    /// Trains the remaining epochs (all of them for a new trainer, the rest after <see cref="LoadCheckpoint"/>).
    /// </summary>
    /// <param name="cancellationToken">Stops between batches; the last checkpoint stays as it was.</param>
    /// <returns>The metrics of every epoch of the run (<see cref="History"/>).</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="TrainingDivergedException">A batch's loss is not finite (the learning rate is too high); the
    /// last checkpoint stays as it was.</exception>
    /// <exception cref="IOException">The checkpoint cannot be written (see <see cref="AtomicFile"/>); the previous
    /// one is kept.</exception>
    public IReadOnlyList<EpochMetrics> Fit(CancellationToken cancellationToken = default) => FitUntil(Options.Epochs, cancellationToken);

    /// <summary>
    /// Trains up to epoch <paramref name="epoch"/> (at most <see cref="TrainingOptions.Epochs"/>) and returns; a later call
    /// (or <see cref="Fit"/>) continues from there with the numbers of an uninterrupted run. For looking at a run between
    /// epochs, or for measuring several trainers in turn on one thread.
    /// </summary>
    /// <param name="epoch">The last epoch to train now (1-based); nothing is trained when it is already done.</param>
    /// <param name="cancellationToken">As for <see cref="Fit"/>.</param>
    /// <returns>The metrics of the epochs done so far (<see cref="History"/>).</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="TrainingDivergedException">As for <see cref="Fit"/>.</exception>
    /// <exception cref="IOException">As for <see cref="Fit"/>.</exception>
    public IReadOnlyList<EpochMetrics> FitUntil(int epoch, CancellationToken cancellationToken = default)
    {
        var last = Math.Min(epoch, Options.Epochs);
        var clock = Stopwatch.StartNew();
        var batchesLeftAtStart = Math.Max(0, last - CompletedEpochs) * BatchesPerEpoch;
        var batchesDone = 0;
        if (CompletedEpochs < last && !_evaluatedBeforeTraining)
        {
            _evaluatedBeforeTraining = true;
            // One evaluation pass before the first batch, its result unused: evaluation's own native allocations are
            // made before training's, so that epoch 2's peak memory does not end above epoch 1's (docs/training-lab-notes.md).
            RunEvaluation((_, _) => { });
        }

        for (var next = CompletedEpochs; next < last; next++)
        {
            // Between epochs: what the last checkpoint, the event handlers and loading the data left goes back to the system.
            NativeGarbage.CollectAll();
            var metrics = TrainEpoch(next, clock, batchesLeftAtStart, ref batchesDone, cancellationToken);
            _history.Add(metrics);
            if (CheckpointPath is not null)
            {
                SaveCheckpoint(CheckpointPath);
            }

            EpochEnded?.Invoke(this, metrics);
        }

        return History;
    }

    /// <summary>Classifies every test image in evaluation mode, without gradients (the mode is restored after).</summary>
    /// <returns>Labels and predictions in the test images' order.</returns>
    public Evaluation Evaluate()
    {
        var labels = new List<int>(TestCount);
        var predictions = new List<int>(TestCount);
        RunEvaluation((y, predicted) =>
        {
            labels.AddRange(y.data<long>().ToArray().Select(v => (int)v));
            predictions.AddRange(predicted.data<long>().ToArray().Select(v => (int)v));
        });
        return new Evaluation(labels, predictions);
    }

    /// <summary>Writes a checkpoint of the run so far to <paramref name="path"/>, atomically.</summary>
    public void SaveCheckpoint(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new CheckpointInfo(Options, CompletedEpochs, _steps, [.. _history], Model.GetType().Name, ParameterCount());
        Checkpoint.Write(path, info, Model, _optimizer);
        CheckpointedEpochs = CompletedEpochs;
    }

    /// <summary>
    /// Restores the checkpoint at <paramref name="path"/>: weights and batch-norm statistics, the optimizer's
    /// momentum buffers and learning rate, the schedule's position, the epochs done and their metrics.
    /// Call it on a new trainer built with the checkpoint's options, then <see cref="Fit"/> to continue.
    /// </summary>
    /// <returns>What the checkpoint held.</returns>
    /// <exception cref="CheckpointException">The file is not a checkpoint, is corrupt (checked before anything is
    /// loaded), or was written with other options or another model (the message names the differences).</exception>
    public CheckpointInfo LoadCheckpoint(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Checkpoint.Read(path, (info, reader) =>
        {
            Checkpoint.EnsureMatches(path, info, Options, Model);

            // Load the weights first, then build a fresh optimizer on them (loading may replace parameter tensors on a
            // GPU), then restore its state outside any dispose scope (it creates the momentum buffers). The bytes
            // passed their checksum, so this fails only for a file crafted with a valid checksum; even then the model
            // is put back as it was and the optimizer starts afresh: nothing stays half-loaded.
            var backup = Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
            try
            {
                Model.load(reader);
                _scheduler = null;
                _optimizer.Dispose();
                (_optimizer, _scheduler) = CreateOptimizer();
                _optimizer.load_state_dict(reader);
            }
            catch
            {
                Model.load_state_dict(backup);
                _scheduler = null;
                _optimizer.Dispose();
                (_optimizer, _scheduler) = CreateOptimizer();
                throw;
            }
            finally
            {
                foreach (var tensor in backup.Values)
                {
                    tensor.Dispose();
                }
            }

            for (var i = 0; i < info.OptimizerSteps; i++)
            {
                _scheduler?.step();
            }

            _steps = info.OptimizerSteps;
            _history.Clear();
            _history.AddRange(info.History);
            CheckpointedEpochs = info.CompletedEpochs;
        });
    }

    /// <summary>Frees the model, the optimizer and the trainer's views of the data.</summary>
    public void Dispose()
    {
        _mixed?.Dispose();
        _optimizer.Dispose();
        Model.Dispose();
        foreach (var view in _ownedViews)
        {
            view.Dispose();
        }
    }

    private EpochMetrics TrainEpoch(int epoch, Stopwatch clock, int batchesLeftAtStart, ref int batchesDone, CancellationToken cancellationToken)
    {
        var device = Compute.Device;
        Model.train();
        double lossSum = 0;
        long correct = 0, seen = 0;
        long batchCorrect = 0;
        double batchLoss = 0;
        var batchCount = 1;
        var batch = 0;
        double rate = LearningRate;
        var trainClock = Stopwatch.StartNew();
        foreach (var images in _trainLoader.Epoch(epoch))
        {
            using (images)
            using (var scope = torch.NewDisposeScope())
            {
                var X = images.Images.to(device);
                var y = images.Labels.to(device);
                rate = LearningRate;
                _optimizer.zero_grad();
                _mixed?.Sync();
                var yHat = _mixed is null ? Model.call(X) : _mixed.Forward(X);
                var loss = nn.functional.cross_entropy(yHat, y);
                var lossValue = loss.item<float>();
                if (!float.IsFinite(lossValue))
                {
                    // Before the step: the weights stay those of the last finite loss, and the last checkpoint is kept.
                    throw new TrainingDivergedException(epoch + 1, batch + 1, rate, lossValue, CheckpointPath is null ? 0 : CompletedEpochs);
                }

                loss.backward();
                _mixed?.CopyGradients();
                _optimizer.step();
                _scheduler?.step();
                _steps++;
                lossSum += lossValue * images.Count;
                batchCorrect = yHat.argmax(1).eq(y).sum().item<long>();
                correct += batchCorrect;
                seen += images.Count;
                batchLoss = lossValue;
                batchCount = images.Count;
            }

            NativeGarbage.Collect();
            batch++;
            batchesDone++;
            if (BatchEnded is { } handler)
            {
                trainClock.Stop();
                var remaining = clock.Elapsed * ((double)(batchesLeftAtStart - batchesDone) / batchesDone);
                handler(this, new BatchProgress(epoch + 1, Options.Epochs, batch, BatchesPerEpoch, lossSum / seen, (double)correct / seen,
                    rate, seen / trainClock.Elapsed.TotalSeconds, clock.Elapsed, remaining, batchLoss, (double)batchCorrect / batchCount));
                trainClock.Start();
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        trainClock.Stop();
        var evalClock = Stopwatch.StartNew();
        long testCorrect = 0;
        RunEvaluation((y, predicted) => testCorrect += predicted.eq(y).sum().item<long>());
        evalClock.Stop();
        return new EpochMetrics(
            epoch + 1, lossSum / seen, (double)correct / seen, (double)testCorrect / TestCount, seen / trainClock.Elapsed.TotalSeconds,
            rate, trainClock.Elapsed.TotalSeconds, evalClock.Elapsed.TotalSeconds, PeakMemory.Bytes());
    }

    /// <summary>Runs the model over the test images in evaluation mode without gradients; <paramref name="onBatch"/>
    /// gets each batch's labels and predictions (CPU tensors, freed after the call).</summary>
    private void RunEvaluation(Action<Tensor, Tensor> onBatch)
    {
        var device = Compute.Device;
        var wasTraining = Model.training;
        Model.eval();
        _mixed?.Sync();
        try
        {
            using (torch.no_grad())
            {
                foreach (var images in _testLoader.Epoch(0))
                {
                    using (images)
                    using (var scope = torch.NewDisposeScope())
                    {
                        var X = images.Images.to(device);
                        var predicted = (_mixed is null ? Model.call(X) : _mixed.Forward(X)).argmax(1).cpu();
                        onBatch(images.Labels, predicted);
                    }

                    NativeGarbage.Collect();
                }
            }
        }
        finally
        {
            Model.train(wasTraining);
        }
    }

    /// <summary>
    /// The checks the Fashion-MNIST constructor makes before it builds anything: valid options that fit data of
    /// <paramref name="trainCount"/> training and <paramref name="testCount"/> test images (no more images asked for than
    /// there are, at least one training batch, no more steps than the schedule counts). A command that must not change
    /// anything for settings that cannot run calls it first.
    /// </summary>
    /// <param name="options">The run's settings.</param>
    /// <param name="trainCount">Training images in the data.</param>
    /// <param name="testCount">Test images in the data.</param>
    /// <exception cref="ArgumentException">A setting does not fit; its parameter name is the option's property name.</exception>
    public static void CheckFits(TrainingOptions options, int trainCount, int testCount)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckCount(options.TrainImages, trainCount, FashionMnistSplit.Train, nameof(TrainingOptions.TrainImages));
        CheckCount(options.TestImages, testCount, FashionMnistSplit.Test, nameof(TrainingOptions.TestImages));
        var count = options.TrainImages ?? trainCount;
        var batchesPerEpoch = options.DropLast ? count / options.BatchSize : (int)(((long)count + options.BatchSize - 1) / options.BatchSize);
        if (batchesPerEpoch == 0)
        {
            throw new TrainingOptionException(nameof(TrainingOptions.BatchSize),
                $"{TrainingOptionException.Set(nameof(TrainingOptions.BatchSize), options.BatchSize)} with {TrainingOptionException.Set(nameof(TrainingOptions.DropLast), true)} leaves no training batch: the run has {count:N0} training images, fewer than one batch; use a batch size of at most {count}, more training images, or {TrainingOptionException.Set(nameof(TrainingOptions.DropLast), false)}.");
        }

        CheckSteps(options.Epochs, batchesPerEpoch);
    }

    /// <summary>Refuses more optimizer steps than the schedule counts (an <see cref="int"/>).</summary>
    private static void CheckSteps(int epochs, int batchesPerEpoch)
    {
        if ((long)epochs * batchesPerEpoch > int.MaxValue)
        {
            throw new TrainingOptionException(nameof(TrainingOptions.Epochs),
                $"{TrainingOptionException.Set(nameof(TrainingOptions.Epochs), epochs)} at {batchesPerEpoch:N0} batches per epoch makes more steps than the schedule counts ({int.MaxValue:N0}); use at most {int.MaxValue / batchesPerEpoch} epochs.");
        }
    }

    private static void CheckCount(int? count, int available, FashionMnistSplit split, string option)
    {
        if (count > available)
        {
            throw new TrainingOptionException(option,
                $"{TrainingOptionException.Set(option, count)} asks for more images than the {(split == FashionMnistSplit.Train ? "training" : "test")} data holds ({available:N0}); use at most {available}, or {TrainingOptionException.Set(option, null)} for all.");
        }
    }

    private (SGD, LRScheduler?) CreateOptimizer() => OptimizerSetup.Create(Options, Model.parameters(), BatchesPerEpoch);

    private long ParameterCount() => Model.parameters().Sum(p => p.numel());

    /// <summary>The Fashion-MNIST batch loaders the options ask for, over views of the datasets the trainer owns.</summary>
    private static (IBatchSource, IBatchSource, IReadOnlyList<Tensor>) FashionMnistLoaders(TrainingOptions options, FashionMnistDataset train, FashionMnistDataset test)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        CheckFits(options, train.Count, test.Count);
        var (trainImages, trainLabels) = Take(train, options.TrainImages);
        var (testImages, testLabels) = Take(test, options.TestImages);
        int? resize = options.Resizes ? options.ImageSize : null;
        return (new BatchLoader(trainImages, trainLabels, options.BatchSize, shuffle: true, seed: options.Seed, resize: resize, dropLast: options.DropLast),
            new BatchLoader(testImages, testLabels, options.BatchSize, shuffle: false, resize: resize),
            [trainImages, trainLabels, testImages, testLabels]);
    }

    private static IBatchSource CheckSources(TrainingOptions options, IBatchSource train, IBatchSource test)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        options.Validate();
        if (train.BatchesPerEpoch <= 0)
        {
            throw new ArgumentException($"The training source has {train.BatchesPerEpoch} batches per epoch; give one with at least one batch.", nameof(train));
        }

        CheckSteps(options.Epochs, train.BatchesPerEpoch);
        return train;
    }

    private static (Tensor Images, Tensor Labels) Take(FashionMnistDataset data, int? count)
    {
        var n = count ?? data.Count;
        // Views of the dataset's tensors (no copy), owned by the trainer and kept out of any dispose scope.
        return (data.Images.narrow(0, 0, n).DetachFromDisposeScope(), data.Labels.narrow(0, 0, n).DetachFromDisposeScope());
    }
}
