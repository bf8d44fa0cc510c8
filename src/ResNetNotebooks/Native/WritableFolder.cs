namespace ResNetNotebooks.Native;

/// <summary>Checks, before any work starts, that a program can write its output into a folder.</summary>
public static class WritableFolder
{
    /// <summary>
    /// Creates <paramref name="folder"/> if needed and writes and removes a small probe file in it, so that a
    /// read-only folder, a file in the way or a missing permission is found before the work starts, not after it.
    /// </summary>
    /// <param name="folder">The folder to write into.</param>
    /// <param name="what">What the folder is for, for the message, e.g. "the output folder".</param>
    /// <returns>The folder's full path.</returns>
    /// <exception cref="IOException">The folder cannot be created or written; one sentence naming the folder and the
    /// reason.</exception>
    public static string Ensure(string folder, string what)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (string.IsNullOrWhiteSpace(folder))
        {
            throw new IOException($"{what} is an empty path.");
        }

        var full = Path.GetFullPath(folder);
        if (File.Exists(full))
        {
            throw new IOException($"{what} {full} is a file, not a folder.");
        }

        var probe = Path.Combine(full, $".write-probe.{Environment.ProcessId}.{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(full);
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{what} {full} cannot be written: {e.Message.TrimEnd('.')}.", e);
        }

        return full;
    }
}
