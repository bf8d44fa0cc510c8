using System.Runtime;

namespace ResNetNotebooks.Training;

/// <summary>
/// Frees the native objects that TorchSharp 0.107 leaves to .NET finalizers. Every number passed where a
/// <c>Scalar</c> is expected becomes a native <c>Scalar</c> that no dispose scope tracks: <c>x.add(y)</c> passes
/// <c>alpha = 1</c>, <c>x * 0.5</c> makes one, SGD's step makes several per parameter (dotnet/TorchSharp#1434). A
/// training batch of ResNet-18 leaves thousands of them, tens of bytes each, scattered through the native heap
/// between the batch's large activations. Until a garbage collection runs their finalizers they keep the freed
/// activation blocks from merging, and the heap grows from epoch to epoch.
/// </summary>
public static class NativeGarbage
{
    /// <summary>
    /// Collects the two youngest generations (where a batch's objects are) and runs their finalizers; about a
    /// millisecond, after every batch.
    /// </summary>
    public static void Collect()
    {
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
    }

    /// <summary>
    /// A full, compacting collection (large objects included) that returns the managed heap's free memory to the
    /// system; tens of milliseconds, once per epoch. The collections after every batch keep the managed heap small but
    /// leave the memory it once used committed, and in a notebook kernel, where charts and progress bars are formatted
    /// while training, that committed memory grew by about 16 MiB an epoch (measured with
    /// <see cref="GC.GetGCMemoryInfo()"/>): the process's peak grew with it although no tensor leaked.
    /// </summary>
    public static void CollectAll()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }
}
