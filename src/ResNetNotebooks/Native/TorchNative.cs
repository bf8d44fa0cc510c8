using System.Runtime.InteropServices;
using TorchSharp;

namespace ResNetNotebooks.Native;

/// <summary>What <see cref="TorchNative.EnsureLoadable"/> found and did.</summary>
/// <param name="HostLibStdCxx">The libstdc++ this process uses (null off Linux).</param>
/// <param name="Fixes">Each copy of <c>libLibTorchSharp.so</c> that can be loaded, and what was done to it.</param>
/// <param name="PreloadedFrom">The folder whose libtorch was loaded by full path (null when nothing was preloaded).</param>
public sealed record TorchNativeReport(
    string? HostLibStdCxx,
    IReadOnlyList<(string Path, VersionNeedFixOutcome Outcome)> Fixes,
    string? PreloadedFrom);

/// <summary>
/// Makes TorchSharp's native libraries load, before the first torch call, in a built app, a test host and a notebook
/// kernel alike. Call <see cref="EnsureLoadable"/> once at start-up (the notebook set-up, the CLI and the tests do).
/// <list type="number">
/// <item>On Linux, where the host's libstdc++ lacks <c>GLIBCXX_3.4.32</c>, every copy of <c>libLibTorchSharp.so</c>
/// that may be loaded (the build output and the NuGet-cache copies a notebook kernel loads) gets that version need
/// marked weak (<see cref="VersionNeedFix"/>). On a new enough host nothing is touched.</item>
/// <item>The package's own <c>libc10</c>, <c>libtorch_cpu</c>, <c>libtorch</c> and <c>libLibTorchSharp</c> are loaded
/// by full path, so a system-wide libtorch on the loader path (Debian's libtorch-dev) is never picked up by name.</item>
/// </list>
/// Windows and macOS need neither step: there it only reports.
/// </summary>
public static class TorchNative
{
    private const string LibTorchSharp = "libLibTorchSharp.so";
    private const string NativeRid = "linux-x64";
    private static readonly string[] LibTorchLoadOrder = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];
    private static readonly Lock Gate = new();
    private static TorchNativeReport? _report;

    /// <summary>
    /// Applies the fixes above once per process (later calls return the first report). Safe to call from several
    /// processes at once: files are replaced atomically.
    /// </summary>
    /// <exception cref="TorchSharpSetupException">The libraries cannot be made to load; the message says why and what to do.</exception>
    public static TorchNativeReport EnsureLoadable()
    {
        lock (Gate)
        {
            return _report ??= Prepare();
        }
    }

    private static TorchNativeReport Prepare()
    {
        if (!OperatingSystem.IsLinux())
        {
            return new TorchNativeReport(null, [], null);
        }
        var host = HostLibStdCxx.Find();
        var fixes = new List<(string, VersionNeedFixOutcome)>();
        foreach (var copy in LibTorchSharpCopies())
        {
            try
            {
                fixes.Add((copy, VersionNeedFix.Apply(copy, host.Versions)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new TorchSharpSetupException(
                    $"TorchSharp's native library {copy} needs a one-flag fix to load with this machine's C++ runtime " +
                    $"({host.Path} lacks {VersionNeedFix.MarkerVersion}), but the file cannot be rewritten: {e.Message} " +
                    "Make the NuGet package folder writable (or set NUGET_PACKAGES to a writable folder and restore again), " +
                    "or use a machine with GCC 13's libstdc++ or newer (Ubuntu 24.04, Debian 13, this repository's devcontainer).", e);
            }
        }
        var folder = Preload();
        return new TorchNativeReport(host.Path, fixes, folder);
    }

    /// <summary>Every existing copy of <c>libLibTorchSharp.so</c> this process may load.</summary>
    internal static IReadOnlyList<string> LibTorchSharpCopies()
    {
        var candidates = new List<string>();
        foreach (var folder in NativeSearchFolders())
        {
            candidates.Add(Path.Combine(folder, LibTorchSharp));
        }
        if (TorchSharpPackageHome() is { } home)
        {
            candidates.Add(Path.Combine(home, "runtimes", NativeRid, "native", LibTorchSharp));
            // TorchSharp copies the natives here when it runs inside a notebook kernel (see its LoadNativeBackend).
            var lib = Path.GetDirectoryName(typeof(torch).Assembly.Location)!;
            if (Directory.Exists(lib))
            {
                candidates.AddRange(Directory.GetDirectories(lib).Select(d => Path.Combine(d, LibTorchSharp)));
            }
        }
        return candidates.Where(File.Exists).Select(Path.GetFullPath).Distinct().ToList();
    }

    /// <summary>The folders the runtime probes for this app's native libraries, plus the app's own runtimes folder.</summary>
    private static IEnumerable<string> NativeSearchFolders()
    {
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string dirs)
        {
            foreach (var d in dirs.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                yield return d;
            }
        }
        yield return AppContext.BaseDirectory;
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", NativeRid, "native");
    }

    /// <summary>The TorchSharp package folder (…/torchsharp/0.107.0) when TorchSharp.dll is loaded from the NuGet cache.</summary>
    private static string? TorchSharpPackageHome()
    {
        var lib = Path.GetDirectoryName(typeof(torch).Assembly.Location);
        if (string.IsNullOrEmpty(lib))
        {
            return null;
        }
        var home = Path.GetFullPath(Path.Combine(lib, "..", ".."));
        return Path.GetFileName(Path.GetDirectoryName(home))?.Equals("torchsharp", StringComparison.OrdinalIgnoreCase) == true
            ? home
            : null;
    }

    /// <summary>The folder holding the package's own libtorch, preferring this app's copy to the NuGet cache's.</summary>
    private static string? LibTorchFolder()
    {
        var local = NativeSearchFolders().FirstOrDefault(d => File.Exists(Path.Combine(d, "libtorch_cpu.so")));
        if (local is not null || TorchSharpPackageHome() is not { } home)
        {
            return local;
        }
        var packages = Path.GetDirectoryName(Path.GetDirectoryName(home))!;
        var libtorch = Path.Combine(packages, $"libtorch-cpu-{NativeRid}");
        return Directory.Exists(libtorch)
            ? Directory.GetDirectories(libtorch)
                .Select(v => Path.Combine(v, "runtimes", NativeRid, "native"))
                .Where(d => File.Exists(Path.Combine(d, "libtorch_cpu.so")))
                .OrderByDescending(d => Version.TryParse(Path.GetFileName(Path.GetFullPath(Path.Combine(d, "..", "..", ".."))), out var v) ? v : new Version())
                .FirstOrDefault()
            : null;
    }

    private static string? Preload()
    {
        var folder = LibTorchFolder();
        if (folder is null)
        {
            return null;
        }
        var files = LibTorchLoadOrder.Select(f => Path.Combine(folder, f)).ToList();
        var torchSharp = Path.Combine(folder, LibTorchSharp);
        if (!File.Exists(torchSharp) && TorchSharpPackageHome() is { } home)
        {
            torchSharp = Path.Combine(home, "runtimes", NativeRid, "native", LibTorchSharp);
        }
        files.Add(torchSharp);
        foreach (var file in files.Where(File.Exists))
        {
            try
            {
                NativeLibrary.Load(file);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                throw new TorchSharpSetupException(
                    $"TorchSharp's native library {file} does not load on this machine: {e.Message} " +
                    "If the message names a missing GLIBCXX version other than 3.4.32, this machine's C++ runtime is too old: " +
                    "use Ubuntu 24.04, Debian 13 or this repository's devcontainer.", e);
            }
        }
        return folder;
    }
}
