using System.Diagnostics;
using ResNetNotebooks.Native;
using ResNetNotebooks.Tests.Data;

namespace ResNetNotebooks.Tests.Native;

public class FileKindTests
{
    [UnixFact]
    public void A_fifo_a_device_and_a_folder_are_told_from_a_regular_file()
    {
        using var folder = new TempFolder();
        var fifo = folder.Combine("pipe");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
        }

        File.WriteAllText(folder.Combine("file"), "x");

        Assert.Equal("a named pipe (FIFO)", FileKind.NonRegular(fifo));
        Assert.Equal("a character device", FileKind.NonRegular("/dev/null"));
        Assert.Null(FileKind.NonRegular(folder.Combine("file")));
        Assert.Null(FileKind.NonRegular(folder.Combine("missing")));
        Assert.True(FileKind.IsRegularFile(folder.Combine("file")));
        Assert.False(FileKind.IsRegularFile(fifo));
    }
}
