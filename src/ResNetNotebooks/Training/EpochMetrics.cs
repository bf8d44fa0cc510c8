namespace ResNetNotebooks.Training;

/// <summary>
/// What one epoch produced, as d2l's <c>train_ch6</c> reports it: the training loss and accuracy averaged over the
/// epoch's batches (in training mode, before each update), the test accuracy after the epoch (evaluation mode, no
/// gradients), and the training throughput.
/// </summary>
/// <param name="Epoch">1 for the first epoch.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's training images.</param>
/// <param name="TrainAccuracy">Fraction of the epoch's training images classified correctly.</param>
/// <param name="TestAccuracy">Fraction of the test images classified correctly after the epoch.</param>
/// <param name="ExamplesPerSecond">Training images per second of training time (evaluation not counted), as d2l.</param>
/// <param name="LearningRate">The learning rate of the epoch's last batch.</param>
/// <param name="TrainSeconds">Seconds spent in training steps.</param>
/// <param name="EvalSeconds">Seconds spent evaluating on the test images.</param>
/// <param name="PeakMemoryBytes">The process's peak resident memory so far (Linux: VmHWM), or 0 where unknown.</param>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double TestAccuracy,
    double ExamplesPerSecond,
    double LearningRate,
    double TrainSeconds,
    double EvalSeconds,
    long PeakMemoryBytes);

/// <summary>Where a run stands after one training batch, for progress bars and live charts.</summary>
/// <param name="Epoch">1 for the first epoch.</param>
/// <param name="Epochs">Epochs in the run.</param>
/// <param name="Batch">1 for the epoch's first batch.</param>
/// <param name="BatchesPerEpoch">Training batches per epoch.</param>
/// <param name="TrainLoss">Mean loss over the epoch's batches so far.</param>
/// <param name="TrainAccuracy">Accuracy over the epoch's batches so far.</param>
/// <param name="LearningRate">The learning rate this batch was trained with.</param>
/// <param name="ImagesPerSecond">Training images per second over the epoch so far.</param>
/// <param name="Elapsed">Wall time since this <c>Fit</c> call started.</param>
/// <param name="Remaining">Estimated wall time left, evaluation included (from the run's pace so far).</param>
/// <param name="BatchLoss">This batch's own mean loss (before its update), for per-step curves such as the paper's Fig. 6.</param>
/// <param name="BatchAccuracy">This batch's own accuracy (before its update).</param>
public sealed record BatchProgress(
    int Epoch,
    int Epochs,
    int Batch,
    int BatchesPerEpoch,
    double TrainLoss,
    double TrainAccuracy,
    double LearningRate,
    double ImagesPerSecond,
    TimeSpan Elapsed,
    TimeSpan Remaining,
    double BatchLoss,
    double BatchAccuracy)
{
    /// <summary>Fractional epochs done, e.g. 1.5 halfway through the second epoch (the x of d2l's Animator).</summary>
    public double EpochFraction => Epoch - 1 + (double)Batch / BatchesPerEpoch;

    /// <summary>Fraction of the run's training batches done, 0..1.</summary>
    public double Fraction => EpochFraction / Epochs;
}
