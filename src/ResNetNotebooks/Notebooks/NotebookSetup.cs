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
/// <item>a fixed seed and the thread count (<see cref="Compute"/>);</item>
/// <item>formatters for tensors, shapes, charts and tables (<see cref="NotebookFormatters"/>);</item>
/// <item>plotly.js, emitted once into the page so that charts draw offline (<see cref="PlotlyHtml"/>).</item>
/// </list>
/// </summary>
public static class NotebookSetup
{
    /// <summary>The seed notebooks use unless they say otherwise.</summary>
    public const int DefaultSeed = 0;

    /// <summary>Prepares the kernel and returns what it found, which the cell shows as a table.</summary>
    /// <param name="seed">The seed for torch's generator.</param>
    /// <param name="threads">Torch threads; null for one per core.</param>
    /// <exception cref="TorchSharpSetupException">TorchSharp cannot be made to load here; the message says what to do.</exception>
    public static EnvironmentReport Initialize(int seed = DefaultSeed, int? threads = null)
    {
        FSharpCoreRedirect.Register();
        var native = TorchNative.EnsureLoadable();
        Compute.SetThreads(threads);
        Compute.Seed(seed);
        RegisterFormattersAndScript();
        return EnvironmentReport.Collect(native, seed);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RegisterFormattersAndScript()
    {
        NotebookFormatters.Register();
        KernelInvocationContext.Current?.DisplayAs(PlotlyHtml.ScriptTag, "text/html");
    }
}
