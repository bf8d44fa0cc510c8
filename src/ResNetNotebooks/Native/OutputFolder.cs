namespace ResNetNotebooks.Native;

/// <summary>Output folders the commands create: a command that fails or stops leaves no empty folder it made.</summary>
public static class OutputFolder
{
    /// <summary>The outermost of <paramref name="folder"/> and its parents that does not exist yet (what creating it
    /// creates), or null when it exists.</summary>
    public static string? FirstMissing(string folder)
    {
        string? missing = null;
        for (var f = Path.GetFullPath(folder); !string.IsNullOrEmpty(f) && !Directory.Exists(f) && !File.Exists(f); f = Path.GetDirectoryName(f))
        {
            missing = f;
        }

        return missing;
    }

    /// <summary>Removes <paramref name="folder"/> and its parents up to <paramref name="created"/> (see
    /// <see cref="FirstMissing"/>) while they are empty; nothing when <paramref name="created"/> is null (the folder was
    /// there before). A folder that holds anything stays.</summary>
    public static void RemoveIfEmpty(string folder, string? created)
    {
        if (created is null)
        {
            return;
        }

        try
        {
            for (var f = Path.GetFullPath(folder); f is not null && f.StartsWith(created, StringComparison.Ordinal); f = Path.GetDirectoryName(f))
            {
                if (!Directory.Exists(f) || Directory.EnumerateFileSystemEntries(f).Any())
                {
                    return;
                }

                Directory.Delete(f);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind: an empty folder is harmless, and the command's own message says what went wrong.
        }
    }
}
