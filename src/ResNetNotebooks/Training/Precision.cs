using ResNetNotebooks.Native;

namespace ResNetNotebooks.Training;

/// <summary>The number format a run trains in.</summary>
public enum Precision
{
    /// <summary>32-bit floats throughout (d2l's and PyTorch's default).</summary>
    Fp32,

    /// <summary>
    /// Mixed precision: convolutions and the linear layer run forward and backward in bfloat16 (8 exponent bits as fp32,
    /// 8 significand bits instead of 24); the weights the optimizer updates, the batch-norm layers with their statistics,
    /// the loss and its softmax stay fp32, and so do checkpoints (<see cref="MixedPrecision"/>). Faster only on a CPU
    /// that multiplies bf16 natively (<see cref="CpuFeatures.HasNativeBf16"/>).
    /// </summary>
    Bf16,
}

/// <summary>Chooses a <see cref="Precision"/> for the machine and the image size, and says why.</summary>
/// <remarks>bf16 pays only from <see cref="MinBf16ImageSize"/> on; the benchmark's figures are in
/// <c>docs/training-lab-notes.md</c>.</remarks>
public static class PrecisionChoice
{
    /// <summary>The smallest image side for which <see cref="Auto(CpuFeatures, int, bool)"/> picks bf16: 48, the smallest
    /// size measured where bf16 trained faster than fp32.</summary>
    public const int MinBf16ImageSize = 48;

    /// <summary>Bf16 where the CPU multiplies bfloat16 natively (AVX512-BF16 or AMX-BF16), the model trains on the CPU
    /// and the images are at least <see cref="MinBf16ImageSize"/> pixels wide; fp32 elsewhere (emulated bf16 is slower
    /// than fp32, and so is native bf16 on small images).</summary>
    public static Precision Auto(CpuFeatures cpu, int imageSize, bool onCpu = true)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        return onCpu && cpu.HasNativeBf16 && imageSize >= MinBf16ImageSize ? Precision.Bf16 : Precision.Fp32;
    }

    /// <summary>This machine's choice for images of <paramref name="imageSize"/> pixels (<see cref="CpuFeatures.Current"/>,
    /// <see cref="Compute.Device"/>).</summary>
    public static Precision Auto(int imageSize) =>
        Auto(CpuFeatures.Current, imageSize, Compute.Device.type == TorchSharp.DeviceType.CPU);

    /// <summary>
    /// A short text for a run's settings: the precision, and for an automatic choice its reason, e.g.
    /// "bf16 (auto: the CPU has avx512_bf16)", "fp32 (auto: no native bf16 on this CPU)" or
    /// "fp32 (auto: bf16 is slower than fp32 at 28×28; it is chosen from 48×48)".
    /// </summary>
    public static string Describe(Precision precision, bool automatic, CpuFeatures cpu, int imageSize)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        var name = Name(precision);
        if (!automatic)
        {
            return name;
        }

        return precision == Precision.Bf16 ? $"{name} (auto: the CPU has {string.Join(" and ", cpu.NativeBf16Flags)})"
            : !cpu.HasNativeBf16 ? $"{name} (auto: no native bf16 on this CPU)"
            : imageSize < MinBf16ImageSize ? $"{name} (auto: bf16 is slower than fp32 at {imageSize}×{imageSize}; it is chosen from {MinBf16ImageSize}×{MinBf16ImageSize})"
            : $"{name} (auto: not training on the CPU)";
    }

    /// <summary>What automatic choice means on this machine, for the environment line: e.g.
    /// "auto precision: bf16 from 48×48 (the CPU has avx512_bf16), fp32 below" or "auto precision: fp32 (no native bf16
    /// on this CPU)".</summary>
    public static string DescribeAuto(CpuFeatures cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        return cpu.HasNativeBf16
            ? $"auto precision: bf16 from {MinBf16ImageSize}×{MinBf16ImageSize} (the CPU has {string.Join(" and ", cpu.NativeBf16Flags)}), fp32 below"
            : "auto precision: fp32 (no native bf16 on this CPU)";
    }

    /// <summary>
    /// The warning to show when bf16 was asked for explicitly on a CPU without native bf16, or null when there is none
    /// to give.
    /// </summary>
    public static string? Warning(Precision precision, CpuFeatures cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        return precision == Precision.Bf16 && !cpu.HasNativeBf16
            ? $"This CPU has no native bf16 (no avx512_bf16 or amx_bf16 among its flags: {cpu}); bf16 is emulated here and trains slower than fp32. Use fp32 (or auto) for speed."
            : null;
    }

    /// <summary>
    /// Reads a precision as a notebook parameter or a setting gives it: "auto" (<see cref="Auto(int)"/> for
    /// <paramref name="imageSize"/>), "fp32" or "bf16" (any letter case).
    /// </summary>
    /// <returns>The precision, and whether it was chosen automatically.</returns>
    /// <exception cref="ArgumentException">Another name.</exception>
    public static (Precision Precision, bool Automatic) Parse(string name, int imageSize)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "auto" => (Auto(imageSize), true),
            "fp32" => (Precision.Fp32, false),
            "bf16" => (Precision.Bf16, false),
            _ => throw new ArgumentException(
                $"precision \"{name}\" is not known; use \"auto\" (bf16 where the CPU multiplies bf16 natively and the images are at least {MinBf16ImageSize}×{MinBf16ImageSize}, else fp32), \"fp32\" or \"bf16\".", nameof(name)),
        };
    }

    /// <summary>The lower-case name used on the command line and in charts: "fp32" or "bf16".</summary>
    public static string Name(Precision precision) => precision switch
    {
        Precision.Fp32 => "fp32",
        Precision.Bf16 => "bf16",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Use Precision.Fp32 or Precision.Bf16."),
    };
}
