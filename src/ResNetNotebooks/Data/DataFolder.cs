namespace ResNetNotebooks.Data;

/// <summary>Finds the repository's <c>data/</c> folder from wherever the code runs (notebooks run in
/// <c>notebooks/</c>, tests in <c>artifacts/bin/...</c>).</summary>
public static class DataFolder
{
    /// <summary>
    /// Walks up from <paramref name="startDirectory"/> (default: the current directory) and returns the first
    /// <c>data/</c> folder that holds the shipped subset (<c>data/fashion-mnist-subset/</c>).
    /// </summary>
    /// <param name="startDirectory">Where to start; null for <see cref="Directory.GetCurrentDirectory"/>.</param>
    /// <returns>The full path of the <c>data/</c> folder.</returns>
    /// <exception cref="DirectoryNotFoundException">No such folder in the start directory or any parent.</exception>
    /// <example><code>string data = DataFolder.Find();   // e.g. /home/me/resnet-notebooks/data</code></example>
    public static string Find(string? startDirectory = null)
    {
        string start = Path.GetFullPath(startDirectory ?? Directory.GetCurrentDirectory());
        for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "data");
            if (Directory.Exists(Path.Combine(candidate, FashionMnistSubset.FolderName)))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"No data/{FashionMnistSubset.FolderName}/ folder found in {start} or any folder above it. " +
            "Fix: run from inside the repository (e.g. from notebooks/), or pass the repository's data folder explicitly.");
    }
}
