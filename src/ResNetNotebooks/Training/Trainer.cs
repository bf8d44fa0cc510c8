using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim.lr_scheduler;
using ResNetNotebooks.Data;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Training;

/// <summary>
/// Trains a classifier on Fashion-MNIST as d2l's <c>train_ch6</c> does, with the settings of a
/// <see cref="TrainingOptions"/>: per epoch, one pass over the shuffled training images (forward, cross-entropy,
/// backward, SGD step, and for the one-cycle schedule a scheduler step, each batch inside its own dispose scope),
/// then the test accuracy in evaluation mode without gradients.
/// </summary>
/// <remarks>
/// <para><b>Reproducible.</b> The constructor seeds torch before it builds and initialises the model; the training
/// order of epoch e is a pure function of (seed, e) (<see cref="BatchLoader"/>). Nothing else draws random numbers,
/// so equal options give equal numbers on the same machine and thread count.</para>
/// <para><b>Checkpoints.</b> With <see cref="CheckpointPath"/> set, <see cref="Fit"/> writes a checkpoint after every
/// epoch (model, optimizer state, epochs done, metrics so far), atomically. <see cref="LoadCheckpoint"/> restores it
/// into a trainer built with the same options, and <see cref="Fit"/> then continues with the next epoch, giving the
/// numbers of an uninterrupted run.</para>
/// <para><b>Memory.</b> Besides the dispose scopes, the native objects TorchSharp leaves to finalizers are collected
/// after every batch, a full collection returns the managed heap's free memory to the system before every epoch
/// (<see cref="NativeGarbage"/>), and one unused evaluation pass runs before the first batch, so that the process's
/// peak memory stays flat from epoch to epoch.</para>
/// <para><b>Precision.</b> With <see cref="TrainingOptions.Precision"/> = <see cref="Precision.Bf16"/> the steps and the
/// evaluation run through a bf16 working copy of the model (<see cref="MixedPrecision"/>); <see cref="Model"/>, the
/// optimizer and the checkpoints stay fp32.</para>
/// <para><b>Native memory.</b> The constructor tunes the C library's allocator for the whole process
/// (<see cref="NativeHeap.KeepFreedMemory"/>): freed activations are kept for the next step instead of being unmapped
/// and faulted in again.</para>
/// <para><b>Progress.</b> <see cref="BatchEnded"/> and <see cref="EpochEnded"/> are raised on the training thread;
/// handlers' time is not counted in the examples per second.</para>
/// <para><b>Ownership.</b> The trainer owns the model and the optimizer; it does not own the datasets (keep them
/// alive while training).</para>
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
    private readonly Tensor _trainImages;
    private readonly Tensor _trainLabels;
    private readonly Tensor _testImages;
    private readonly Tensor _testLabels;
    private readonly BatchLoader _trainLoader;
    private readonly BatchLoader _testLoader;
    private readonly List<EpochMetrics> _history = [];
    private readonly MixedPrecision? _mixed;
    private bool _evaluatedBeforeTraining;
    private SGD _optimizer;
    private LRScheduler? _scheduler;
    private int _steps;

    /// <summary>Seeds torch, builds the model with <paramref name="createModel"/>, moves it to
    /// <see cref="Compute.Device"/>, initialises it as <paramref name="options"/> say and prepares the optimizer.</summary>
    /// <param name="options">The run's settings (validated here).</param>
    /// <param name="createModel">Builds a new model, e.g. <c>() =&gt; ResNet.ResNet18()</c>; called once, after seeding,
    /// and for <see cref="Precision.Bf16"/> a second time for the bf16 working copy (so it must build a new model on every call).</param>
    /// <param name="train">The training images (not owned).</param>
    /// <param name="test">The test images (not owned).</param>
    /// <exception cref="ArgumentException">The options are invalid, or ask for more images than the data holds.</exception>
    public Trainer(TrainingOptions options, Func<nn.Module<Tensor, Tensor>> createModel, FashionMnistDataset train, FashionMnistDataset test)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(createModel);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        CheckFits(options, train.Count, test.Count);
        Options = options;
        NativeHeap.KeepFreedMemory();

        (_trainImages, _trainLabels) = Take(train, options.TrainImages);
        (_testImages, _testLabels) = Take(test, options.TestImages);
        int? resize = options.Resizes ? options.ImageSize : null;
        _trainLoader = new BatchLoader(_trainImages, _trainLabels, options.BatchSize, shuffle: true, seed: options.Seed, resize: resize,
            dropLast: options.DropLast);
        _testLoader = new BatchLoader(_testImages, _testLabels, options.BatchSize, shuffle: false, resize: resize);

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
            // One evaluation pass before the first batch, its result unused. Evaluation (eval mode, no gradients, its
            // own batch shapes) leaves long-lived native allocations of its own; made for the first time after epoch 1,
            // they land between the freed blocks of the training steps and epoch 2's peak memory ends up above epoch
            // 1's. It does not remove the allocator's settling in a short first epoch: on quick (39 batches an epoch),
            // 8 seeds with this pass ended epoch 2 at +1% to +8% over epoch 1, then flat to epoch 5; cpu (234 batches)
            // was flat from epoch 1.
            RunEvaluation((_, _) => { });
        }

        for (var next = CompletedEpochs; next < last; next++)
        {
            // Between epochs: the garbage of the last checkpoint, of the event handlers (charts) and, before the first
            // epoch, of loading the data goes back to the system, so that it does not add to the next epoch's peak.
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
        _trainImages.Dispose();
        _trainLabels.Dispose();
        _testImages.Dispose();
        _testLabels.Dispose();
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
    /// The checks the constructor makes before it builds anything: valid options that fit data of
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
                $"{TrainingOptionException.Set(nameof(TrainingOptions.BatchSize), options.BatchSize)} with {TrainingOptionException.Set(nameof(TrainingOptions.DropLast), true)} leaves no training batch: the run has {count:N0} training images, fewer than one batch; use a batch size of at most {count:N0}, more training images, or {TrainingOptionException.Set(nameof(TrainingOptions.DropLast), false)}.");
        }

        if ((long)options.Epochs * batchesPerEpoch > int.MaxValue)
        {
            throw new TrainingOptionException(nameof(TrainingOptions.Epochs),
                $"{TrainingOptionException.Set(nameof(TrainingOptions.Epochs), options.Epochs):N0} at {batchesPerEpoch:N0} batches per epoch makes more steps than the schedule counts ({int.MaxValue:N0}); use at most {int.MaxValue / batchesPerEpoch:N0} epochs.");
        }
    }

    private static void CheckCount(int? count, int available, FashionMnistSplit split, string option)
    {
        if (count > available)
        {
            throw new TrainingOptionException(option,
                $"{TrainingOptionException.Set(option, count):N0} asks for more images than the {(split == FashionMnistSplit.Train ? "training" : "test")} data holds ({available:N0}); use at most {available:N0}, or {TrainingOptionException.Set(option, null)} for all.");
        }
    }

    private (SGD, LRScheduler?) CreateOptimizer() => OptimizerSetup.Create(Options, Model.parameters(), BatchesPerEpoch);

    private long ParameterCount() => Model.parameters().Sum(p => p.numel());

    private static (Tensor Images, Tensor Labels) Take(FashionMnistDataset data, int? count)
    {
        var n = count ?? data.Count;
        // Views of the dataset's tensors (no copy), owned by the trainer and kept out of any dispose scope.
        return (data.Images.narrow(0, 0, n).DetachFromDisposeScope(), data.Labels.narrow(0, 0, n).DetachFromDisposeScope());
    }
}
