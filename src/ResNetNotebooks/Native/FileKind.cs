using System.Runtime.InteropServices;

namespace ResNetNotebooks.Native;

/// <summary>
/// What kind of file system entry a path names. .NET reports a named pipe (FIFO), a device or a socket as an ordinary
/// file (<see cref="File.Exists"/> is true, its attributes are <see cref="FileAttributes.Normal"/>), and opening a FIFO
/// for reading blocks until another process writes to it: a program that reads a file a user named must check first.
/// </summary>
public static class FileKind
{
    /// <summary>What <paramref name="path"/> is, e.g. "a named pipe (FIFO)", or null when it is a regular file, does not
    /// exist, or the kind cannot be told (Windows, where these entries do not appear as files).</summary>
    /// <param name="path">A path (a symbolic link is followed, as opening it would).</param>
    public static string? NonRegular(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return null;
        }

        // The runtime's own stat (System.Native, shipped with every .NET on Unix): its FileStatus starts with two
        // int32s, Flags and Mode, whose type bits are the runtime's portable S_IF* values.
        var status = new byte[512];
        int mode;
        try
        {
            if (Stat(path, status) != 0)
            {
                return null;
            }

            mode = BitConverter.ToInt32(status, 4);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        return (mode & 0xF000) switch
        {
            0x8000 => null,
            0x1000 => "a named pipe (FIFO)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            0x4000 => "a folder",
            _ => "not a regular file",
        };
    }

    /// <summary>Whether <paramref name="path"/> exists and is a regular file (see <see cref="NonRegular"/>).</summary>
    public static bool IsRegularFile(string path) => File.Exists(path) && NonRegular(path) is null;

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", ExactSpelling = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] output);
}
