namespace ResNetNotebooks.Data;

/// <summary>
/// A data file is missing, truncated or corrupt. The message names the file, what was expected, what was found
/// and how to fix it.
/// </summary>
public sealed class DataFileException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The file that is missing or wrong.</param>
    /// <param name="problem">What was expected and what was found, as one or more sentences.</param>
    /// <param name="fix">How to fix it, as a sentence.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public DataFileException(string filePath, string problem, string fix, Exception? inner = null)
        : base($"{filePath}: {problem} Fix: {fix}", inner)
    {
        FilePath = filePath;
    }

    /// <summary>The file that is missing or wrong.</summary>
    public string FilePath { get; }
}
