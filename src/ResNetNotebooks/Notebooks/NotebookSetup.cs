using System.Runtime.CompilerServices;
using Microsoft.DotNet.Interactive;
using ResNetNotebooks.Display;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Notebooks;

/// <summary>
/// The one call every notebook makes after referencing the packages and the library. In order:
/// <list type="number">
/// <item>the FSharp.Core redirect Plotly.NET 6 needs inside the kernel (<see cref="FSharpCoreRedirect"/>);</item>
/// <item>TorchSharp's native libraries made loadable and loaded (<see cref="TorchNative"/>);</item>
/// <item>the C allocator tuned for training (<see cref="NativeHeap.KeepFreedMemory"/>);</item>
/// <item>a fixed seed and the thread count (<see cref="Compute"/>);</item>
/// <item>formatters for tensors, shapes, charts and tables (<see cref="NotebookFormatters"/>);</item>
/// <item>plotly.js, emitted once into the page so that charts draw offline (<see cref="PlotlyHtml"/>).</item>
/// </list>
/// </summary>
public static class NotebookSetup
{
    /// <summary>The seed notebooks use unless they say otherwise.</summary>
    public const int DefaultSeed = 0;

    /// <summary>The report of the last successful <see cref="Initialize"/>; null before.</summary>
    public static EnvironmentReport? Environment { get; private set; }

    /// <summary>
    /// Prepares the kernel and returns what it found, which the cell shows as one line (notebook 00 shows
    /// <see cref="EnvironmentReport.Details"/>). When TorchSharp cannot be loaded, the cell shows the facts known without
    /// it (.NET, OS, the TorchSharp package) as a table before the error.
    /// </summary>
    /// <param name="seed">The seed for torch's generator.</param>
    /// <param name="threads">Torch threads; null for one per core.</param>
    /// <exception cref="TorchSharpSetupException">TorchSharp cannot be made to load here; the message says what to do.</exception>
    public static EnvironmentReport Initialize(int seed = DefaultSeed, int? threads = null)
    {
        FSharpCoreRedirect.Register();
        TorchNativeReport native;
        try
        {
            native = TorchNative.EnsureLoadable();
        }
        catch (TorchSharpSetupException)
        {
            KernelInvocationContext.Current?.DisplayAs(EnvironmentReport.WithoutTorch().Details.ToHtml(), "text/html");
            throw;
        }

        NativeHeap.KeepFreedMemory();
        Compute.SetThreads(threads);
        Compute.Seed(seed);
        RegisterFormattersAndScript();
        Environment = EnvironmentReport.Collect(native, seed);
        return Environment;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RegisterFormattersAndScript()
    {
        NotebookFormatters.Register();
        KernelInvocationContext.Current?.DisplayAs(PlotlyHtml.ScriptTag, "text/html");
    }
}
