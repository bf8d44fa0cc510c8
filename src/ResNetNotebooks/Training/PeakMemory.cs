using System.Diagnostics;

namespace ResNetNotebooks.Training;

/// <summary>The process's peak resident memory, the figure that shows whether training leaks native tensors.</summary>
public static class PeakMemory
{
    /// <summary>
    /// Peak resident set size of this process so far, in bytes (Linux: <c>VmHWM</c> of <c>/proc/self/status</c>;
    /// Windows: peak working set), or 0 where the system does not say.
    /// </summary>
    public static long Bytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}
