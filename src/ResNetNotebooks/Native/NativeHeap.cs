using System.Runtime.InteropServices;

namespace ResNetNotebooks.Native;

/// <summary>
/// Tunes the C library's allocator (glibc <c>malloc</c>), which libtorch's CPU allocator uses, for training: freed
/// activations are kept for the next step instead of being unmapped and faulted in again. Process-wide: call
/// <see cref="KeepFreedMemory"/> once at start-up. Measurements: <c>docs/training-lab-notes.md</c>.
/// </summary>
public static class NativeHeap
{
    /// <summary>Blocks up to this size come from the heap, and this much free memory at its top is kept: 1 GiB, above any
    /// single activation of the profiles' runs.</summary>
    public const int KeptBytes = 1 << 30;

    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;
    private static readonly Lock Gate = new();
    private static bool? _applied;

    /// <summary>The environment variable that turns the tuning off: <c>RESNET_NATIVE_HEAP=default</c> keeps glibc's
    /// own thresholds (to compare, or where memory matters more than speed).</summary>
    public const string SwitchVariable = "RESNET_NATIVE_HEAP";

    /// <summary>
    /// Sets glibc's mmap and trim thresholds to <see cref="KeptBytes"/> for this process, once (later calls return the
    /// first answer). Does nothing off Linux, on a C library without <c>mallopt</c> (e.g. musl), or when
    /// <see cref="SwitchVariable"/> is <c>default</c>.
    /// </summary>
    /// <returns>True when glibc took both settings.</returns>
    public static bool KeepFreedMemory()
    {
        lock (Gate)
        {
            return _applied ??= Apply();
        }
    }

    /// <summary>Whether <see cref="KeepFreedMemory"/> took effect in this process (false before it is called).</summary>
    public static bool IsTuned => _applied == true;

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux() || string.Equals(Environment.GetEnvironmentVariable(SwitchVariable), "default", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            // The trim threshold first: setting either one turns glibc's adaptive thresholds off.
            return mallopt(M_TRIM_THRESHOLD, KeptBytes) == 1 && mallopt(M_MMAP_THRESHOLD, KeptBytes) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern int mallopt(int param, int value);
}
