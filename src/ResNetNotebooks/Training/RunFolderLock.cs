using System.Globalization;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Training;

/// <summary>
/// An exclusive lock on a run folder for the whole run, so that two runs never interleave their checkpoints and
/// metrics in one folder. The lock is the operating system's lock on the open file <c>.lock</c> in the folder (a
/// <see cref="FileShare.None"/> handle: <c>flock</c> on Linux and macOS, a share mode on Windows), so it ends with the
/// process even when that is killed. Taking it removes the temporary files a killed write left behind
/// (<see cref="AtomicFile.RemoveLeftovers"/>). Who holds it is written beside it in <c>.lock.owner</c> for the message of the
/// run that is refused. Both files are removed when the lock is released.
/// </summary>
/// <example>
/// <code>
/// using var folderLock = RunFolderLock.Acquire("runs/quick", "resnet-cli train --profile quick");
/// // ... train, write the checkpoint and the metrics ...
/// </code>
/// </example>
public sealed class RunFolderLock : IDisposable
{
    /// <summary>The lock file's name in the run folder.</summary>
    public const string FileName = ".lock";

    /// <summary>The name of the file describing the holder.</summary>
    public const string OwnerFileName = ".lock.owner";

    private readonly FileStream _handle;
    private bool _released;

    private RunFolderLock(string folder, FileStream handle)
    {
        Folder = folder;
        _handle = handle;
    }

    /// <summary>The locked folder (full path).</summary>
    public string Folder { get; }

    /// <summary>Takes the lock on <paramref name="folder"/> (created if needed), without waiting.</summary>
    /// <param name="folder">The run folder.</param>
    /// <param name="holder">What holds it, for the message another run gets, e.g. the command line.</param>
    /// <returns>The lock; dispose it to release it.</returns>
    /// <exception cref="RunFolderLockedException">Another run holds the lock; the message says which.</exception>
    /// <exception cref="IOException">The folder cannot be created or written.</exception>
    public static RunFolderLock Acquire(string folder, string holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        var full = WritableFolder.Ensure(folder, "The run folder");
        var lockPath = Path.Combine(full, FileName);
        FileStream handle;
        try
        {
            handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && File.Exists(lockPath))
        {
            throw new RunFolderLockedException(full, ReadOwner(full), e);
        }

        var folderLock = new RunFolderLock(full, handle);
        try
        {
            // Temporary files of a write that was killed: no one else writes here while we hold the lock.
            AtomicFile.RemoveLeftovers(full);
            AtomicFile.WriteAllText(Path.Combine(full, OwnerFileName), string.Create(CultureInfo.InvariantCulture,
                $"process {Environment.ProcessId} on {Environment.MachineName} ({holder}), since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC\n"));
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }

        return folderLock;
    }

    /// <summary>Whether a run (of this or another process) holds the lock on <paramref name="folder"/> now.</summary>
    /// <param name="folder">A folder.</param>
    /// <param name="owner">Who holds it, as written in <see cref="OwnerFileName"/> (null if not held or unknown).</param>
    public static bool IsHeld(string folder, out string? owner)
    {
        ArgumentNullException.ThrowIfNull(folder);
        owner = null;
        var lockPath = Path.Combine(Path.GetFullPath(folder), FileName);
        if (!File.Exists(lockPath))
        {
            return false;
        }

        try
        {
            // Opening with FileShare.None asks for the same exclusive lock a run holds (flock on Unix); it does not
            // create the file, and closing it at once leaves everything as it was.
            using (new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.None))
            {
            }

            return false;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return false;
        }
        catch (IOException)
        {
            owner = ReadOwner(Path.GetDirectoryName(lockPath)!);
            return true;
        }
    }

    /// <summary>Releases the lock and removes its files.</summary>
    public void Dispose()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        TryDelete(Path.Combine(Folder, OwnerFileName));
        TryDelete(Path.Combine(Folder, FileName));
        _handle.Dispose();
    }

    private static string? ReadOwner(string folder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(folder, OwnerFileName)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind: harmless, the next run takes the lock on the same file.
        }
    }
}

/// <summary>Another run holds the lock on a run folder (see <see cref="RunFolderLock"/>).</summary>
public sealed class RunFolderLockedException : IOException
{
    /// <summary>Creates the exception for <paramref name="folder"/>.</summary>
    /// <param name="folder">The locked folder.</param>
    /// <param name="owner">Who holds it, as written in <see cref="RunFolderLock.OwnerFileName"/>; null if unknown.</param>
    /// <param name="inner">The error of the refused lock.</param>
    public RunFolderLockedException(string folder, string? owner, Exception? inner = null)
        : base($"{folder} is in use by another run ({owner ?? "holder unknown"}); wait for it to finish, or choose another folder.", inner)
    {
        Folder = folder;
        Owner = owner;
    }

    /// <summary>The locked folder.</summary>
    public string Folder { get; }

    /// <summary>Who holds the lock, or null if unknown.</summary>
    public string? Owner { get; }
}
