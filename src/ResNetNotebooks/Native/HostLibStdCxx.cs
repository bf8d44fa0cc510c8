namespace ResNetNotebooks.Native;

/// <summary>The C++ runtime (libstdc++) this process uses, and the symbol versions it provides.</summary>
public sealed class HostLibStdCxx
{
    private static readonly string[] StandardFolders =
        ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib"];

    /// <summary>The path of the libstdc++ file.</summary>
    public string Path { get; }

    /// <summary>The version names it defines (<c>GLIBCXX_3.4</c> … <c>GLIBCXX_3.4.30</c> on Debian 12).</summary>
    public IReadOnlySet<string> Versions { get; }

    private HostLibStdCxx(string path, IReadOnlySet<string> versions)
    {
        Path = path;
        Versions = versions;
    }

    /// <summary>Reads the given libstdc++ file.</summary>
    public static HostLibStdCxx FromFile(string path) => new(path, ElfImage.Read(path).VersionDefinitions());

    /// <summary>
    /// Finds the libstdc++ this process has loaded (from <c>/proc/self/maps</c>), or else the system's one in the
    /// standard library folders. Linux only.
    /// </summary>
    /// <exception cref="TorchSharpSetupException">No libstdc++ can be found.</exception>
    public static HostLibStdCxx Find()
    {
        var loaded = File.Exists("/proc/self/maps")
            ? File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/') is var i and >= 0 ? line[i..] : null)
                .FirstOrDefault(p => p is not null && System.IO.Path.GetFileName(p).StartsWith("libstdc++.so", StringComparison.Ordinal))
            : null;
        var path = loaded ?? StandardFolders
            .Select(folder => System.IO.Path.Combine(folder, VersionNeedFix.LibStdCxx))
            .FirstOrDefault(File.Exists);
        return path is null
            ? throw new TorchSharpSetupException(
                $"No {VersionNeedFix.LibStdCxx} was found on this machine, and TorchSharp needs it. Install your distribution's " +
                "libstdc++6 package (Debian/Ubuntu: apt-get install libstdc++6).")
            : FromFile(path);
    }
}
