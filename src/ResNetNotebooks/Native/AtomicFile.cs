namespace ResNetNotebooks.Native;

/// <summary>
/// Writes files so that readers never see a half-written one: the content goes to a temporary file in the same
/// folder, which then replaces the target in one rename. On failure the temporary file is removed and the previous
/// file, if any, stays as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="bytes">The new content.</param>
    /// <param name="copyModeFrom">On Unix, a file whose permission bits the new file takes (e.g. the old file).</param>
    /// <exception cref="IOException">The file could not be written (see <see cref="Write"/>).</exception>
    public static void WriteAllBytes(string path, byte[] bytes, string? copyModeFrom = null) =>
        Write(path, stream => stream.Write(bytes), copyModeFrom);

    /// <summary>Writes text (UTF-8, no byte-order mark) to <paramref name="path"/> atomically.</summary>
    /// <exception cref="IOException">The file could not be written (see <see cref="Write"/>).</exception>
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(text));

    /// <summary>Lets <paramref name="write"/> fill a stream that replaces <paramref name="path"/> atomically once complete.</summary>
    /// <exception cref="IOException">The folder cannot be created or written (read-only, a file in the way, no
    /// permission) or the disk is full: one sentence naming the file and the reason, saying that the previous file is
    /// kept. The temporary file is removed. Exceptions of <paramref name="write"/> other than I/O errors pass through
    /// unchanged (after the same clean-up).</exception>
    public static void Write(string path, Action<Stream> write, string? copyModeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
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
        catch (Exception e)
        {
            var removed = TryDelete(temp);
            if (e is IOException or UnauthorizedAccessException)
            {
                var kept = File.Exists(full) ? "the previous file is kept" : "there was no previous file";
                throw new IOException(
                    $"Could not write {full}: {Reason(e)} ({kept}{(removed ? "" : $"; the temporary file {temp} could not be removed")}).", e);
            }

            throw;
        }
    }

    /// <summary>
    /// Removes the temporary files that writes into <paramref name="folder"/> left behind when their process was
    /// killed mid-write (<c>kill -9</c>, power loss). Call it only while no other process writes there, e.g. holding
    /// the folder's lock.
    /// </summary>
    /// <returns>The names of the files removed.</returns>
    public static IReadOnlyList<string> RemoveLeftovers(string folder)
    {
        var removed = new List<string>();
        if (!Directory.Exists(folder))
        {
            return removed;
        }

        foreach (var path in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            var name = Path.GetFileName(path);
            if (System.Text.RegularExpressions.Regex.IsMatch(name, @"^\..+\.(\d+)\.[0-9a-f]{32}\.tmp$") && TryDelete(path))
            {
                removed.Add(name);
            }
        }

        return removed;
    }

    /// <summary>
    /// Removes the temporary files that earlier writes of <paramref name="path"/> left behind when their process was
    /// killed (<c>kill -9</c>, power loss), and only those: the files named as <see cref="Write"/> names them for this
    /// target whose process is no longer running. Safe without a lock: a write in progress belongs to a live process.
    /// </summary>
    /// <param name="path">The target file whose leftovers to remove.</param>
    /// <returns>The names of the files removed.</returns>
    public static IReadOnlyList<string> RemoveStaleLeftovers(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        var removed = new List<string>();
        if (!Directory.Exists(folder))
        {
            return removed;
        }

        var prefix = $".{Path.GetFileName(full)}.";
        foreach (var temp in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            var name = Path.GetFileName(temp);
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var match = System.Text.RegularExpressions.Regex.Match(name[prefix.Length..], @"^(\d+)\.[0-9a-f]{32}\.tmp$");
            if (match.Success && int.TryParse(match.Groups[1].Value, out var pid) && IsLeftByEndedProcess(pid, temp) && TryDelete(temp))
            {
                removed.Add(name);
            }
        }

        return removed;
    }

    /// <summary>Whether the process <paramref name="pid"/>, which wrote <paramref name="path"/>, has ended: no process
    /// has that id, or the one that has it started after the file was last written (the id was reused).</summary>
    /// <param name="pid">The id of the process that created the file (part of its name).</param>
    /// <param name="path">The file or folder it left.</param>
    public static bool IsLeftByEndedProcess(int pid, string path)
    {
        if (pid == Environment.ProcessId)
        {
            return false;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited || process.StartTime.ToUniversalTime() > File.GetLastWriteTimeUtc(path) + TimeSpan.FromSeconds(1);
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false; // cannot tell: keep it
        }
    }

    /// <summary>The reason of an I/O error in a few words, e.g. "the disk is full".</summary>
    private static string Reason(Exception e) => e.HResult switch
    {
        // ENOSPC and EDQUOT on Linux, ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL on Windows.
        28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027) => $"the disk is full ({e.Message.TrimEnd('.')})",
        _ => e.Message.TrimEnd('.'),
    };

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return !File.Exists(path);
        }
    }
}
