using ResNetNotebooks.Native;
using ResNetNotebooks.Tests.Data;

namespace ResNetNotebooks.Tests.Native;

public sealed class AtomicFileTests
{
    [Fact]
    public void A_disk_full_error_keeps_the_previous_file_removes_the_temporary_file_and_names_the_target()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("checkpoint.bin");
        File.WriteAllBytes(path, [1, 2, 3]);

        // ENOSPC is errno 28 on Linux; .NET reports it as an IOException with that HResult.
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[4096]);
            throw new IOException("No space left on device", 28);
        }));

        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal(["checkpoint.bin"], folder.Files());
        Assert.StartsWith($"Could not write {path}: the disk is full", e.Message);
        Assert.Contains("the previous file is kept", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_target_that_is_a_folder_fails_with_an_IOException_and_leaves_no_temporary_file()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("checkpoint.bin");
        Directory.CreateDirectory(path);

        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(path, "x"));

        Assert.StartsWith($"Could not write {path}:", e.Message);
        Assert.Empty(folder.Files());
    }

    [Fact]
    public void A_file_in_the_place_of_the_folder_fails_with_an_IOException_naming_the_target()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine("run"), "a file, not a folder");
        var path = folder.Combine("run", "metrics.csv");

        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(path, "x"));

        Assert.StartsWith($"Could not write {path}:", e.Message);
        Assert.Equal(["run"], folder.Files());
    }

    [Fact]
    public void Leftovers_of_killed_writes_are_removed_and_other_files_kept()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine(".checkpoint.bin.4242.0123456789abcdef0123456789abcdef.tmp"), "half");
        File.WriteAllText(folder.Combine("checkpoint.bin"), "whole");
        File.WriteAllText(folder.Combine(".notes.tmp"), "someone else's");

        var removed = AtomicFile.RemoveLeftovers(folder.Path);

        Assert.Equal([".checkpoint.bin.4242.0123456789abcdef0123456789abcdef.tmp"], removed);
        Assert.Equal([".notes.tmp", "checkpoint.bin"], folder.Files());
    }
}
