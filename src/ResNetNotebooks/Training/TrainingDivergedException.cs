namespace ResNetNotebooks.Training;

/// <summary>A training batch's loss was not finite (NaN or infinite): the run diverged, almost always because the
/// learning rate is too high. The trainer stops before that batch's step, so the last checkpoint stays as it was.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="epoch">The epoch (1 for the first).</param>
    /// <param name="batch">The batch within the epoch (1 for the first).</param>
    /// <param name="learningRate">The learning rate of that batch.</param>
    /// <param name="loss">The loss seen.</param>
    /// <param name="completedEpochs">Epochs completed (and checkpointed, if checkpoints are written) before.</param>
    public TrainingDivergedException(int epoch, int batch, double learningRate, double loss, int completedEpochs)
        : base(Describe(epoch, batch, learningRate, loss, completedEpochs))
    {
        Epoch = epoch;
        Batch = batch;
        LearningRate = learningRate;
        Loss = loss;
    }

    private static string Describe(int epoch, int batch, double learningRate, double loss, int completedEpochs)
    {
        var kept = completedEpochs > 0 ? FormattableString.Invariant($"The checkpoint of epoch {completedEpochs} is kept. ") : "";
        return FormattableString.Invariant(
            $"Training diverged: the loss of epoch {epoch}, batch {batch} is {loss} at learning rate {learningRate:G4}. {kept}Lower the learning rate (d2l uses 0.05, the tuned recipe peaks at 0.1).");
    }

    /// <summary>The epoch whose batch diverged (1 for the first).</summary>
    public int Epoch { get; }

    /// <summary>The batch within the epoch (1 for the first).</summary>
    public int Batch { get; }

    /// <summary>The learning rate of that batch.</summary>
    public double LearningRate { get; }

    /// <summary>The loss seen: NaN or infinite.</summary>
    public double Loss { get; }
}
