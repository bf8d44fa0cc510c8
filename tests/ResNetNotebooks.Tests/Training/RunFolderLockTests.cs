using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Tests.Training;

public sealed class RunFolderLockTests
{
    [Fact]
    public void A_second_lock_on_a_held_folder_is_refused_and_names_the_holder()
    {
        using var folder = new TempFolder();
        using var first = RunFolderLock.Acquire(folder.Path, "resnet-cli train --seed 1");

        var e = Assert.Throws<RunFolderLockedException>(() => RunFolderLock.Acquire(folder.Path, "resnet-cli train --seed 3"));

        Assert.Equal(folder.Path, e.Folder);
        Assert.StartsWith($"{folder.Path} is in use by another run (process {Environment.ProcessId} on {Environment.MachineName} (resnet-cli train --seed 1), since ", e.Message);
    }

    [Fact]
    public void A_released_lock_leaves_no_file_and_can_be_taken_again()
    {
        using var folder = new TempFolder();
        RunFolderLock.Acquire(folder.Path, "first").Dispose();

        Assert.Empty(folder.Files());
        using var second = RunFolderLock.Acquire(folder.Path, "second");
        Assert.Equal([RunFolderLock.FileName, RunFolderLock.OwnerFileName], folder.Files());
    }

    [Fact]
    public void A_lock_file_left_by_a_killed_run_does_not_block_the_next_one()
    {
        using var folder = new TempFolder();
        // What kill -9 leaves: the files, but no open handle (the operating system dropped the lock with the process).
        File.WriteAllText(folder.Combine(RunFolderLock.FileName), "");
        File.WriteAllText(folder.Combine(RunFolderLock.OwnerFileName), "process 1 on elsewhere (killed)\n");
        File.WriteAllText(folder.Combine(".checkpoint.bin.1.0123456789abcdef0123456789abcdef.tmp"), "half a checkpoint");

        using var next = RunFolderLock.Acquire(folder.Path, "next");

        Assert.Contains("(next)", File.ReadAllText(folder.Combine(RunFolderLock.OwnerFileName)));
        Assert.Equal([RunFolderLock.FileName, RunFolderLock.OwnerFileName], folder.Files()); // the half-written temporary file is gone
    }
}
