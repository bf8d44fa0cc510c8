using ResNetNotebooks.Native;
using ResNetNotebooks.Tests.Data;

namespace ResNetNotebooks.Tests.Native;

public sealed class WritableFolderTests
{
    [Fact]
    public void A_new_folder_is_created_and_left_empty()
    {
        using var folder = new TempFolder();

        var full = WritableFolder.Ensure(folder.Combine("a", "b"), "The output folder");

        Assert.Equal(folder.Combine("a", "b"), full);
        Assert.Empty(Directory.GetFileSystemEntries(full));
    }

    [Fact]
    public void A_file_in_the_way_is_refused_with_its_path()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine("x"), "");

        var e = Assert.Throws<IOException>(() => WritableFolder.Ensure(folder.Combine("x"), "The output folder"));

        Assert.Equal($"The output folder {folder.Combine("x")} is a file, not a folder.", e.Message);
    }

    [Fact]
    public void An_empty_path_is_refused()
    {
        var e = Assert.Throws<IOException>(() => WritableFolder.Ensure("", "The output folder"));

        Assert.Equal("The output folder is an empty path.", e.Message);
    }

    [Fact]
    public void A_folder_that_cannot_be_written_is_refused_with_its_path()
    {
        var folder = ReadOnlyLocation.Path();

        var e = Assert.Throws<IOException>(() => WritableFolder.Ensure(folder, "The output folder"));

        Assert.StartsWith($"The output folder {folder} cannot be written: ", e.Message);
    }
}

/// <summary>A folder path this process cannot write: on Linux a new folder under sysfs, which even root cannot
/// create; elsewhere a folder whose write permission was removed (effective for users other than root).</summary>
internal static class ReadOnlyLocation
{
    public static string Path()
    {
        if (OperatingSystem.IsLinux() && Directory.Exists("/sys/kernel"))
        {
            return "/sys/kernel/resnet-notebooks-test-" + Guid.NewGuid().ToString("N");
        }

        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "resnet-notebooks-readonly-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        return System.IO.Path.Combine(folder, "run");
    }
}
