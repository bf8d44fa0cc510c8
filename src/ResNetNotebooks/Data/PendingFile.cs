namespace ResNetNotebooks.Data;

/// <summary>
/// A file being written under a temporary name in its target's folder. <see cref="Commit"/> renames it to the
/// target (replacing any old file in one step); disposing it without committing deletes it. So the target is either
/// the old file or the complete new one, never a half-written file.
/// </summary>
/// <example>
/// <code>
/// using (var pending = new PendingFile(target))
/// {
///     using (var stream = pending.OpenWrite()) { source.CopyTo(stream); }
///     checksum.Verify(pending.TemporaryPath, fix);   // still under the temporary name
///     pending.Commit();
/// }
/// </code>
/// </example>
public sealed class PendingFile : IDisposable
{
    private bool _committed;

    /// <summary>Reserves a temporary name for <paramref name="targetPath"/>, creating its folder if needed.</summary>
    /// <param name="targetPath">The final path of the file.</param>
    public PendingFile(string targetPath)
    {
        TargetPath = Path.GetFullPath(targetPath);
        string folder = Path.GetDirectoryName(TargetPath)!;
        Directory.CreateDirectory(folder);
        // Named as AtomicFile names its temporary files (with the process id), so that a later run can tell the files a
        // killed process left (AtomicFile.RemoveStaleLeftovers) from those of a download in progress.
        TemporaryPath = Path.Combine(folder, $".{Path.GetFileName(TargetPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>The final path of the file.</summary>
    public string TargetPath { get; }

    /// <summary>Where the file is written until <see cref="Commit"/>: a hidden <c>.tmp</c> file in the same folder.</summary>
    public string TemporaryPath { get; }

    /// <summary>Opens the temporary file for writing (a new, empty file). The caller disposes the stream.</summary>
    public FileStream OpenWrite() => new(TemporaryPath, FileMode.Create, FileAccess.Write, FileShare.None);

    /// <summary>Renames the temporary file to <see cref="TargetPath"/>, replacing any existing file.</summary>
    /// <exception cref="InvalidOperationException">Already committed.</exception>
    public void Commit()
    {
        if (_committed)
        {
            throw new InvalidOperationException($"{TargetPath} was already committed.");
        }

        File.Move(TemporaryPath, TargetPath, overwrite: true);
        _committed = true;
    }

    /// <summary>Deletes the temporary file unless it was committed.</summary>
    public void Dispose()
    {
        if (!_committed)
        {
            try
            {
                File.Delete(TemporaryPath);
            }
            catch (IOException)
            {
                // Best effort: a file we cannot delete now is still hidden and named .tmp.
            }
        }
    }
}
