namespace ResNetNotebooks.Data;

/// <summary>Writes files so that a reader sees the old file or the complete new one, never a half-written file.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Calls <paramref name="write"/> with a stream on a temporary file in the target's folder, flushes it to disk and
    /// renames it to <paramref name="path"/>. If <paramref name="write"/> throws, the temporary file is deleted, any
    /// existing file at <paramref name="path"/> is left as it was, and the exception propagates.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the whole content; it must not dispose the stream.</param>
    /// <example><code>AtomicFile.Write("data/x.bin", stream => stream.Write(bytes));</code></example>
    public static void Write(string path, Action<Stream> write)
    {
        using var pending = new PendingFile(path);
        using (FileStream stream = pending.OpenWrite())
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }

        pending.Commit();
    }
}
