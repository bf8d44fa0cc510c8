using System.Runtime;

namespace ResNetNotebooks.Training;

/// <summary>
/// Frees the native objects that TorchSharp 0.107 leaves to .NET finalizers (e.g. the <c>Scalar</c>s of
/// <c>x.add(y)</c> and SGD's step, dotnet/TorchSharp#1434), which otherwise fragment the native heap between batches.
/// Why and what was measured: <c>docs/training-lab-notes.md</c>.
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

    /// <summary>A full, compacting collection (large objects included) that returns the managed heap's free memory to
    /// the system; tens of milliseconds, once per epoch.</summary>
    public static void CollectAll()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }
}
