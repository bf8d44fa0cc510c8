using System.Diagnostics;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Tests.Native;

public sealed class VersionNeedFixTests : IDisposable
{
    private readonly string _library = PristineLibrary.ExtractToTempFolder();

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_library)!, recursive: true);

    [Fact]
    public void Shipped_library_needs_GLIBCXX_3_4_32_as_a_hard_requirement()
    {
        Assert.False(VersionNeedFix.IsMarkerNeedWeak(_library));
    }

    [Fact]
    public void Only_the_ios_base_library_init_marker_is_bound_to_GLIBCXX_3_4_32()
    {
        var elf = ElfImage.Read(_library);
        var need = elf.VersionNeeds().Single(n => n.File == "libstdc++.so.6" && n.Version == "GLIBCXX_3.4.32");

        Assert.Equal(["_ZSt21ios_base_library_initv"], elf.SymbolsBoundToVersion(need.Index));
    }

    [Fact]
    public void On_a_GCC_12_host_the_fix_marks_the_need_weak_and_changes_nothing_else()
    {
        var before = File.ReadAllBytes(_library);

        var outcome = VersionNeedFix.Apply(_library, PristineLibrary.Gcc12Versions());

        Assert.Equal(VersionNeedFixOutcome.MarkedWeak, outcome);
        Assert.True(VersionNeedFix.IsMarkerNeedWeak(_library));
        var after = File.ReadAllBytes(_library);
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        var only = Assert.Single(changed);
        Assert.Equal(0x2, before[only] ^ after[only]); // VER_FLG_WEAK, nothing more
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_library)!, "*.tmp"));
    }

    [Fact]
    public void The_fix_is_idempotent()
    {
        VersionNeedFix.Apply(_library, PristineLibrary.Gcc12Versions());
        var once = File.ReadAllBytes(_library);

        var outcome = VersionNeedFix.Apply(_library, PristineLibrary.Gcc12Versions());

        Assert.Equal(VersionNeedFixOutcome.AlreadyWeak, outcome);
        Assert.Equal(once, File.ReadAllBytes(_library));
    }

    [Fact]
    public void On_a_GCC_13_host_the_library_is_left_untouched()
    {
        var before = File.ReadAllBytes(_library);

        var outcome = VersionNeedFix.Apply(_library, PristineLibrary.Gcc13Versions());

        Assert.Equal(VersionNeedFixOutcome.NotNeeded, outcome);
        Assert.Equal(before, File.ReadAllBytes(_library));
    }

    [Fact]
    public void A_host_missing_other_versions_gets_a_clear_refusal_and_the_file_is_untouched()
    {
        var before = File.ReadAllBytes(_library);
        var older = PristineLibrary.Gcc12Versions().Where(v => v != "GLIBCXX_3.4.26").ToHashSet();

        var error = Assert.Throws<TorchSharpSetupException>(() => VersionNeedFix.Apply(_library, older));

        Assert.Contains("GLIBCXX_3.4.26", error.Message);
        Assert.Contains("devcontainer", error.Message);
        Assert.Equal(before, File.ReadAllBytes(_library));
    }

    [Fact]
    public void A_file_that_is_not_ELF_gets_an_error_naming_it()
    {
        var text = Path.Combine(Path.GetDirectoryName(_library)!, "not-a-library.so");
        File.WriteAllText(text, "hello");

        var error = Assert.Throws<InvalidDataException>(() => VersionNeedFix.Apply(text, PristineLibrary.Gcc12Versions()));

        Assert.Contains(text, error.Message);
        Assert.Contains("not an ELF file", error.Message);
    }

    [Fact]
    public void The_patched_library_passes_the_system_loader_and_the_shipped_one_fails_where_the_host_is_GCC_12()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the loader check below is Linux's ld.so
        }
        var folder = Path.GetDirectoryName(_library)!;
        foreach (var dependency in new[] { "libc10.so", "libtorch.so", "libtorch_cpu.so", "libgomp-98b21ff3.so.1" })
        {
            File.CreateSymbolicLink(Path.Combine(folder, dependency), Path.Combine(PristineLibrary.LibTorchFolder, dependency));
        }
        var hostLacks3432 = !HostLibStdCxx.Find().Versions.Contains("GLIBCXX_3.4.32");

        var (beforeCode, beforeOutput) = LoaderList(_library);
        VersionNeedFix.Apply(_library, HostLibStdCxx.Find().Versions);
        var (afterCode, afterOutput) = LoaderList(_library);

        if (hostLacks3432)
        {
            Assert.Contains("GLIBCXX_3.4.32' not found", beforeOutput);
        }
        else
        {
            Assert.Equal(0, beforeCode);
        }
        Assert.Equal(0, afterCode);
        // The loader still mentions the weak version as a warning ("weak version ... not found"); nothing else is missing.
        Assert.DoesNotContain(afterOutput.Split('\n'), line => line.Contains("not found") && !line.Contains("weak version"));
        Assert.Contains("libtorch_cpu.so", afterOutput);
    }

    /// <summary>Asks the dynamic loader to load the library and its dependencies and list them (what ldd does).</summary>
    private static (int ExitCode, string Output) LoaderList(string library)
    {
        var start = new ProcessStartInfo("/lib64/ld-linux-x86-64.so.2") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--list");
        start.ArgumentList.Add(library);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
