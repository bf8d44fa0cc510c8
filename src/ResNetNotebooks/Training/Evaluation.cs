namespace ResNetNotebooks.Training;

/// <summary>A model's predictions on a set of images, in the images' order.</summary>
/// <param name="Labels">The true class of each image.</param>
/// <param name="Predictions">The predicted class (the largest logit) of each image.</param>
public sealed record Evaluation(IReadOnlyList<int> Labels, IReadOnlyList<int> Predictions)
{
    /// <summary>Number of images.</summary>
    public int Count => Labels.Count;

    /// <summary>Number of correctly classified images.</summary>
    public int Correct => Labels.Zip(Predictions).Count(p => p.First == p.Second);

    /// <summary>Fraction of correctly classified images (0 for no images).</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}
