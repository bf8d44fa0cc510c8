using System.Runtime.InteropServices;

namespace ResNetNotebooks.Native;

/// <summary>
/// Tunes the C library's allocator (glibc <c>malloc</c>), which libtorch's CPU allocator uses, for training.
/// </summary>
/// <remarks>
/// <para>glibc serves blocks above its <em>mmap threshold</em> with a fresh <c>mmap</c> and returns them with
/// <c>munmap</c> when freed; free memory at the top of the heap beyond the <em>trim threshold</em> also goes back to the
/// system. By default the thresholds adapt but stop at 32 MiB and 64 MiB. A ResNet-18 training step allocates and frees
/// activations of up to tens of MiB (at 96×96, batch 64, the stem's output is 64 × 64 × 48 × 48 floats, 36 MiB), so every
/// step maps fresh pages and the kernel zero-fills each on its first touch. On our AVX-512 machine (a virtual machine,
/// where page faults are dear) more than half of the step's time went there: the ResNet-18 step at 96×96 ran at about 50
/// images/s with the defaults and about 118 with both thresholds at 1 GiB, and Debian's PyTorch 1.13 gained the same
/// (about 48 → 123) with the same settings as environment variables (<c>MALLOC_MMAP_THRESHOLD_</c>,
/// <c>MALLOC_TRIM_THRESHOLD_</c>). See <c>tests/ResNetNotebooks.Benchmarks</c>.</para>
/// <para>The cost: freed memory stays with the process, to be reused by the next step, instead of going back to the
/// system at once. The peak resident memory, what a run needs, did not change much: 1.13 and 1.15 GiB with glibc's
/// defaults, 1.29 and 1.14 GiB with these settings, in two runs each of that step.</para>
/// </remarks>
public static class NativeHeap
{
    /// <summary>Blocks up to this size come from the heap, and this much free memory at its top is kept: 1 GiB, above any
    /// single activation of the profiles' runs (the largest, the d2l profile's stem output at 96×96 and batch 256, is
    /// 144 MiB).</summary>
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
