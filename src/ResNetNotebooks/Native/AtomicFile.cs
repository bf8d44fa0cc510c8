namespace ResNetNotebooks.Native;

/// <summary>
/// Writes files so that readers never see a half-written one: the content goes to a temporary file in the same
/// folder, which then replaces the target in one rename. On failure the temporary file is removed.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="bytes">The new content.</param>
    /// <param name="copyModeFrom">On Unix, a file whose permission bits the new file takes (e.g. the old file).</param>
    public static void WriteAllBytes(string path, byte[] bytes, string? copyModeFrom = null) =>
        Write(path, stream => stream.Write(bytes), copyModeFrom);

    /// <summary>Writes text (UTF-8, no byte-order mark) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(text));

    /// <summary>Lets <paramref name="write"/> fill a stream that replaces <paramref name="path"/> atomically once complete.</summary>
    public static void Write(string path, Action<Stream> write, string? copyModeFrom = null)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            if (copyModeFrom is not null && !OperatingSystem.IsWindows() && File.Exists(copyModeFrom))
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(copyModeFrom));
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
