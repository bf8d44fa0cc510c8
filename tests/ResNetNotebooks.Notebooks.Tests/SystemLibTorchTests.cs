using ResNetNotebooks.Runner;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>
/// A system-wide libtorch on the loader path (Debian's libtorch-dev) must not be picked up by a notebook kernel
/// instead of the package's own. Simulated with a decoy <c>libtorch_cpu.so</c> (another library under that name)
/// in LD_LIBRARY_PATH of the kernel's process.
/// </summary>
public sealed class SystemLibTorchTests
{
    private static readonly string Library = Path.Combine(Repo.Root, "artifacts", "notebook-lib", "ResNetNotebooks.dll");

    private static string DecoyFolder()
    {
        var folder = Directory.CreateTempSubdirectory("resnet-decoy-libtorch-").FullName;
        var someLibrary = new[] { "/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1" }.First(File.Exists);
        File.Copy(someLibrary, Path.Combine(folder, "libtorch_cpu.so"));
        return folder;
    }

    private static Task<NotebookResult> RunWithDecoy(string notebook, string decoy) =>
        ChildProcessRunner.RunAsync(notebook, new RunOptions { CellTimeout = TimeSpan.FromSeconds(300) },
            Path.ChangeExtension(notebook, ".out.ipynb"), new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = decoy });

    [Fact]
    public async Task With_the_set_up_the_packages_own_libtorch_is_used_and_without_it_the_decoy_breaks_torch()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // LD_LIBRARY_PATH and the decoy are Linux's
        }
        var decoy = DecoyFolder();
        var torchCell = "var sum = TorchSharp.torch.ones(2, 3).sum().item<float>();\nif (sum != 6f) throw new Exception($\"sum {sum}\");";
        var withSetUp = Repo.WriteNotebook("with-setup.ipynb", [
            $"#r \"nuget: TorchSharp-cpu, 0.107.0\"\n#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\n#r \"{Library}\"",
            "ResNetNotebooks.Notebooks.NotebookSetup.Initialize()",
            torchCell,
        ]);
        var withoutSetUp = Repo.WriteNotebook("without-setup.ipynb", ["#r \"nuget: TorchSharp-cpu, 0.107.0\"", torchCell]);

        var protectedRun = await RunWithDecoy(withSetUp, decoy);
        var unprotectedRun = await RunWithDecoy(withoutSetUp, decoy);

        Assert.True(protectedRun.Status == NotebookStatus.Passed, protectedRun.Describe());
        // The control: the decoy really is found by name when nothing loads the package's libtorch first.
        Assert.Equal(NotebookStatus.Failed, unprotectedRun.Status);
        Assert.Equal(2, unprotectedRun.Cell);
        Assert.Contains("doesn't contain a reference to libtorch-cpu-linux-x64", unprotectedRun.Error); // TorchSharp's misleading message
    }
}
