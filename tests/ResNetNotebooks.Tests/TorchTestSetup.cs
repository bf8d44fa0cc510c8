using System.Runtime.CompilerServices;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Tests;

/// <summary>Makes TorchSharp loadable and tunes the C allocator before any test touches torch, as the notebooks and the CLI do at start-up.</summary>
internal static class TorchTestSetup
{
#pragma warning disable CA2255 // A test assembly is the application here: this is its start-up.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        TorchNative.EnsureLoadable();
        NativeHeap.KeepFreedMemory();
    }
}
