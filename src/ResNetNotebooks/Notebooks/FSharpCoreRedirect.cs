using System.Reflection;
using System.Runtime.Loader;

namespace ResNetNotebooks.Notebooks;

/// <summary>
/// Plotly.NET 6 is compiled against FSharp.Core 10.1.0.0, but the notebook kernel (dotnet-interactive 1.0.712001,
/// what VS Code runs) has FSharp.Core 10.0.0.0 loaded already, and a second FSharp.Core cannot be loaded beside it.
/// This resolver answers every request for FSharp.Core with the one already loaded, which Plotly.NET runs on.
/// It must be registered before Plotly.NET is first used, so this class touches no F# type itself.
/// </summary>
public static class FSharpCoreRedirect
{
    private static int _registered;

    /// <summary>Registers the resolver once per process (later calls do nothing).</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            AssemblyLoadContext.Default.Resolving += (_, name) => Resolve(name);
        }
    }

    /// <summary>The already loaded FSharp.Core when <paramref name="name"/> asks for FSharp.Core, else null.</summary>
    public static Assembly? Resolve(AssemblyName name) =>
        name.Name == "FSharp.Core"
            ? AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core")
            : null;
}
