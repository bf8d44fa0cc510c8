using ResNetNotebooks.Native;
using TorchSharp;

namespace ResNetNotebooks.Tests.Native;

public sealed class TorchNativeTests
{
    [Fact]
    public void After_set_up_every_loadable_copy_is_fixed_or_needs_no_fix_and_torch_computes()
    {
        var report = TorchNative.EnsureLoadable();

        if (OperatingSystem.IsLinux())
        {
            Assert.NotEmpty(report.Fixes);
            var hostHas3432 = HostLibStdCxx.Find().Versions.Contains(VersionNeedFix.MarkerVersion);
            foreach (var (path, _) in report.Fixes)
            {
                // On a GCC 12 host every copy must now be weak; on a newer host none was touched.
                Assert.True(hostHas3432 || VersionNeedFix.IsMarkerNeedWeak(path) == true, $"{path} still needs {VersionNeedFix.MarkerVersion} hard");
            }
            Assert.NotNull(report.PreloadedFrom);
            Assert.True(File.Exists(Path.Combine(report.PreloadedFrom!, "libtorch_cpu.so")));
        }
        using var sum = torch.ones(3, 4).sum();
        Assert.Equal(12f, sum.item<float>());
    }

    [Fact]
    public void The_host_libstdcxx_is_the_one_this_process_loaded()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var host = HostLibStdCxx.Find();

        Assert.Contains("libstdc++.so", Path.GetFileName(host.Path));
        Assert.Contains(File.ReadLines("/proc/self/maps"), line => line.EndsWith(host.Path, StringComparison.Ordinal));
        Assert.Contains("GLIBCXX_3.4.30", host.Versions); // GCC 12 and every newer libstdc++
    }
}
