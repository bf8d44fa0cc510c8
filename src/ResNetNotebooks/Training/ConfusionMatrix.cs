namespace ResNetNotebooks.Training;

/// <summary>
/// How often each true class (row) was predicted as each class (column). The diagonal holds the correct
/// predictions, so its sum over the total is the accuracy.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly int[,] _counts;

    /// <summary>Counts <paramref name="evaluation"/>'s (label, prediction) pairs over <paramref name="classNames"/>.</summary>
    /// <exception cref="ArgumentException">A label or prediction is outside 0..classes−1.</exception>
    public ConfusionMatrix(Evaluation evaluation, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(classNames);
        ClassNames = classNames;
        _counts = new int[classNames.Count, classNames.Count];
        for (var i = 0; i < evaluation.Count; i++)
        {
            int label = evaluation.Labels[i], predicted = evaluation.Predictions[i];
            if ((uint)label >= classNames.Count || (uint)predicted >= classNames.Count)
            {
                throw new ArgumentException(
                    $"Image {i} has label {label} and prediction {predicted}; both must be class indices 0..{classNames.Count - 1}.", nameof(evaluation));
            }

            _counts[label, predicted]++;
        }
    }

    /// <summary>The class names, by index.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Images of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public int this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>All images counted.</summary>
    public int Total => _counts.Cast<int>().Sum();

    /// <summary>Correctly classified images (the diagonal).</summary>
    public int Correct => Enumerable.Range(0, ClassNames.Count).Sum(i => _counts[i, i]);

    /// <summary>Correct / total.</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

    /// <summary>Per class: the fraction of its images classified correctly (recall).</summary>
    public IReadOnlyList<double> ClassAccuracy =>
        Enumerable.Range(0, ClassNames.Count).Select(i =>
        {
            var row = Enumerable.Range(0, ClassNames.Count).Sum(j => _counts[i, j]);
            return row == 0 ? 0 : (double)_counts[i, i] / row;
        }).ToList();

    /// <summary>The off-diagonal cell with the most images: the mix-up the model makes most often.</summary>
    public (string Actual, string Predicted, int Count) MostConfused()
    {
        var best = (Actual: 0, Predicted: 1, Count: -1);
        for (var i = 0; i < ClassNames.Count; i++)
        {
            for (var j = 0; j < ClassNames.Count; j++)
            {
                if (i != j && _counts[i, j] > best.Count)
                {
                    best = (i, j, _counts[i, j]);
                }
            }
        }

        return (ClassNames[best.Actual], ClassNames[best.Predicted], best.Count);
    }
}
