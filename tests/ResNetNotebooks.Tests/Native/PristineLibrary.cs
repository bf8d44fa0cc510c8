using System.IO.Compression;

namespace ResNetNotebooks.Tests.Native;

/// <summary>
/// Copies of the real TorchSharp 0.107.0 native library, taken from the package archive in the NuGet cache, so that
/// they are as shipped whatever the set-up already did to the extracted copies.
/// </summary>
internal static class PristineLibrary
{
    public const string EntryName = "runtimes/linux-x64/native/libLibTorchSharp.so";

    public static string PackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public static string LibTorchFolder => Path.Combine(PackagesFolder, "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native");

    /// <summary>Extracts the shipped libLibTorchSharp.so into a new temporary folder and returns its path.</summary>
    public static string ExtractToTempFolder()
    {
        var archive = Path.Combine(PackagesFolder, "torchsharp", "0.107.0", "torchsharp.0.107.0.nupkg");
        var folder = Directory.CreateTempSubdirectory("resnet-native-").FullName;
        var target = Path.Combine(folder, "libLibTorchSharp.so");
        using (var zip = ZipFile.OpenRead(archive))
        {
            zip.GetEntry(EntryName)!.ExtractToFile(target);
        }
        return target;
    }

    /// <summary>
    /// The symbol versions GCC 12's libstdc++ (Debian 12, Ubuntu 22.04) defines: GLIBCXX_3.4 to GLIBCXX_3.4.30 and
    /// CXXABI_1.3 to CXXABI_1.3.13 (GCC's libstdc++ ABI table), plus the few extra names it exports.
    /// </summary>
    public static IReadOnlySet<string> Gcc12Versions()
    {
        var names = new HashSet<string> { "GLIBCXX_3.4", "CXXABI_1.3", "CXXABI_TM_1", "CXXABI_FLOAT128", "GLIBCXX_LDBL_3.4" };
        for (var i = 1; i <= 30; i++) names.Add($"GLIBCXX_3.4.{i}");
        for (var i = 1; i <= 13; i++) names.Add($"CXXABI_1.3.{i}");
        return names;
    }

    /// <summary>GCC 13's set: GCC 12's plus GLIBCXX_3.4.31, GLIBCXX_3.4.32 and CXXABI_1.3.14.</summary>
    public static IReadOnlySet<string> Gcc13Versions() =>
        new HashSet<string>(Gcc12Versions()) { "GLIBCXX_3.4.31", "GLIBCXX_3.4.32", "CXXABI_1.3.14" };
}
