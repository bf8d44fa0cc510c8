namespace ResNetNotebooks.Native;

/// <summary>What <see cref="VersionNeedFix.Apply"/> did to a library file.</summary>
public enum VersionNeedFixOutcome
{
    /// <summary>The host provides every version the library needs: the file was not touched.</summary>
    NotNeeded,
    /// <summary>The version need was already weak (an earlier run fixed it): the file was not touched.</summary>
    AlreadyWeak,
    /// <summary>The version need was hard and is now weak: the file was rewritten (atomically).</summary>
    MarkedWeak,
}

/// <summary>
/// The fix for TorchSharp 0.107.0's <c>libLibTorchSharp.so</c> on hosts with GCC 12's libstdc++ (Debian 12,
/// Ubuntu 22.04). The library declares that it needs the symbol version <c>GLIBCXX_3.4.32</c> (GCC 13), but the only
/// symbol bound to it is <c>std::ios_base_library_init()</c>, a marker with no relocations. Marking that one version
/// need weak (<c>VER_FLG_WEAK</c> in <c>vna_flags</c>) lets the loader accept the library; nothing else changes.
/// The fix refuses (with <see cref="TorchSharpSetupException"/>) whenever the library needs anything more from the host.
/// </summary>
public static class VersionNeedFix
{
    /// <summary>The library whose version the fix concerns.</summary>
    public const string LibStdCxx = "libstdc++.so.6";

    /// <summary>The version GCC 13's libstdc++ introduced and TorchSharp 0.107.0 asks for.</summary>
    public const string MarkerVersion = "GLIBCXX_3.4.32";

    /// <summary>The symbols that may be bound to <see cref="MarkerVersion"/> for the fix to be safe.</summary>
    public static readonly IReadOnlyList<string> MarkerSymbols = ["_ZSt21ios_base_library_initv"];

    /// <summary>
    /// Makes <paramref name="libraryPath"/> loadable against a libstdc++ that defines <paramref name="hostVersions"/>,
    /// rewriting the file only when needed. Idempotent.
    /// </summary>
    /// <param name="libraryPath">A <c>libLibTorchSharp.so</c> (or any 64-bit ELF library).</param>
    /// <param name="hostVersions">The version names the host's libstdc++ defines (see <see cref="HostLibStdCxx"/>).</param>
    /// <exception cref="TorchSharpSetupException">The library needs more than the marker version from the host, or
    /// the file cannot be rewritten.</exception>
    public static VersionNeedFixOutcome Apply(string libraryPath, IReadOnlySet<string> hostVersions)
    {
        var elf = ElfImage.Read(libraryPath);
        var missing = elf.VersionNeeds()
            .Where(n => n.File == LibStdCxx && !hostVersions.Contains(n.Version))
            .ToList();
        if (missing.Count == 0)
        {
            return VersionNeedFixOutcome.NotNeeded;
        }

        var others = missing.Where(n => n.Version != MarkerVersion && !n.IsWeak).Select(n => n.Version).ToList();
        if (others.Count > 0)
        {
            throw new TorchSharpSetupException(
                $"{libraryPath} needs {string.Join(", ", others)} from {LibStdCxx}, which this machine's C++ runtime does not have. " +
                "Only the GLIBCXX_3.4.32 marker can be fixed safely. Use a machine with GCC 13's libstdc++ or newer " +
                "(Ubuntu 24.04, Debian 13, or this repository's devcontainer).");
        }

        var need = missing.Single(n => n.Version == MarkerVersion);
        if (need.IsWeak)
        {
            return VersionNeedFixOutcome.AlreadyWeak;
        }

        var bound = elf.SymbolsBoundToVersion(need.Index);
        var unexpected = bound.Except(MarkerSymbols).ToList();
        if (unexpected.Count > 0)
        {
            throw new TorchSharpSetupException(
                $"{libraryPath} binds real functions to {MarkerVersion} ({string.Join(", ", unexpected.Take(5))}), so marking the " +
                "version weak would not make it work. This TorchSharp build needs GCC 13's libstdc++ or newer: use Ubuntu 24.04, " +
                "Debian 13, or this repository's devcontainer.");
        }

        var bytes = elf.Bytes;
        var flags = (ushort)(need.Flags | ElfImage.VerFlagWeak);
        bytes[need.FlagsOffset] = (byte)(flags & 0xff);
        bytes[need.FlagsOffset + 1] = (byte)(flags >> 8);
        AtomicFile.WriteAllBytes(libraryPath, bytes, copyModeFrom: libraryPath);
        return VersionNeedFixOutcome.MarkedWeak;
    }

    /// <summary>Whether <paramref name="libraryPath"/>'s need for <see cref="MarkerVersion"/> is weak (null: no such need).</summary>
    public static bool? IsMarkerNeedWeak(string libraryPath) =>
        ElfImage.Read(libraryPath).VersionNeeds()
            .Where(n => n.File == LibStdCxx && n.Version == MarkerVersion)
            .Select(n => (bool?)n.IsWeak)
            .FirstOrDefault();
}
