using ResNetNotebooks.Data;

namespace ResNetNotebooks.Training;

/// <summary>The training and test split a run uses, loaded together; disposing frees both.</summary>
/// <param name="Train">The training images.</param>
/// <param name="Test">The test images.</param>
public sealed record TrainTestData(FashionMnistDataset Train, FashionMnistDataset Test) : IDisposable
{
    /// <summary>Loads the shipped subset or the full dataset (see <see cref="TrainingData"/>).</summary>
    /// <param name="which">Subset or full.</param>
    /// <param name="dataFolder">The repository's <c>data/</c> folder; null: found from the current directory.</param>
    /// <exception cref="DataFileException">The files are missing or bad; for the full data the message gives the
    /// command that fetches it (<see cref="FashionMnist.FetchCommand"/>).</exception>
    public static TrainTestData Load(TrainingData which, string? dataFolder = null)
    {
        Func<FashionMnistSplit, string?, FashionMnistDataset> load = which == TrainingData.Full ? FashionMnist.LoadFull : FashionMnist.LoadSubset;
        var train = load(FashionMnistSplit.Train, dataFolder);
        try
        {
            return new TrainTestData(train, load(FashionMnistSplit.Test, dataFolder));
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    /// <summary>Frees both splits.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
