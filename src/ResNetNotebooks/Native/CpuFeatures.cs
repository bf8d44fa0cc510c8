namespace ResNetNotebooks.Native;

/// <summary>
/// What the processor can do natively that decides how fast training runs, read from the host (Linux:
/// the <c>flags</c> line of <c>/proc/cpuinfo</c>). Only the flags this library acts on are kept.
/// </summary>
/// <param name="Flags">The flags found among <see cref="Known"/>, e.g. <c>avx2</c>, <c>avx512f</c>, <c>avx512_bf16</c>.</param>
public sealed record CpuFeatures(IReadOnlyList<string> Flags)
{
    /// <summary>The flags looked for: vector widths (<c>avx2</c>, <c>avx512f</c>) and the two ways an x86 CPU
    /// multiplies bfloat16 in hardware: AVX512-BF16 (dot products of bf16 pairs into fp32) and AMX-BF16 (tile
    /// matrix multiplies, Intel Sapphire Rapids and later).</summary>
    public static readonly IReadOnlyList<string> Known = ["avx2", "avx512f", "avx512_bf16", "amx_bf16"];

    private static readonly Lazy<CpuFeatures> Host = new(ReadHost);

    /// <summary>True when the CPU multiplies bfloat16 natively (<c>avx512_bf16</c> or <c>amx_bf16</c>); only then
    /// does libtorch's oneDNN run bf16 convolutions faster than fp32 ones. Without it bf16 is emulated and slower.</summary>
    public bool HasNativeBf16 => NativeBf16Flags.Any();

    /// <summary>The native bf16 flags found (empty when none), e.g. "avx512_bf16".</summary>
    public IEnumerable<string> NativeBf16Flags => Flags.Where(f => f is "avx512_bf16" or "amx_bf16");

    /// <summary>This machine's features, read once per process (none where <c>/proc/cpuinfo</c> cannot be read, e.g.
    /// on Windows or macOS, where bf16 is therefore never chosen automatically).</summary>
    public static CpuFeatures Current => Host.Value;

    /// <summary>The known flags in the text of a <c>/proc/cpuinfo</c> (the first <c>flags</c> line; every core lists
    /// the same).</summary>
    public static CpuFeatures Parse(string cpuinfo)
    {
        ArgumentNullException.ThrowIfNull(cpuinfo);
        var line = cpuinfo.Split('\n').FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal) && l.Contains(':', StringComparison.Ordinal));
        var flags = line is null ? [] : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new CpuFeatures(Known.Where(flags.Contains).ToList());
    }

    /// <summary>The flags, e.g. "avx2 avx512f avx512_bf16", or "none known".</summary>
    public override string ToString() => Flags.Count == 0 ? "none known" : string.Join(' ', Flags);

    private static CpuFeatures ReadHost()
    {
        try
        {
            return OperatingSystem.IsLinux() ? Parse(File.ReadAllText("/proc/cpuinfo")) : new CpuFeatures([]);
        }
        catch (IOException)
        {
            return new CpuFeatures([]);
        }
        catch (UnauthorizedAccessException)
        {
            return new CpuFeatures([]);
        }
    }
}
