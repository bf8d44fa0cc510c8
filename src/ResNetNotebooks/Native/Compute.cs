using TorchSharp;

namespace ResNetNotebooks.Native;

/// <summary>
/// The one place that decides where tensors live and how torch runs: device, seed and thread count.
/// Every model, trainer and notebook asks <see cref="Device"/>; a CUDA user only swaps the TorchSharp-cpu package
/// for a CUDA one, and <see cref="Device"/> picks the GPU by itself.
/// </summary>
public static class Compute
{
    private static torch.Device? _device;

    /// <summary>
    /// The device for models and batches: CUDA when the loaded TorchSharp package supports it and a GPU is present,
    /// else the CPU. Set it to override (for example <c>Compute.Device = torch.CPU;</c>).
    /// </summary>
    public static torch.Device Device
    {
        get => _device ??= torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        set => _device = value;
    }

    /// <summary>Seeds torch's global generator (weights' initialisation, dropout, random tensors).</summary>
    public static void Seed(int seed) => torch.manual_seed(seed);

    /// <summary>Sets torch's intra-op thread count; by default one thread per logical core.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is not positive.</exception>
    public static void SetThreads(int? threads = null)
    {
        var n = threads ?? Environment.ProcessorCount;
        if (n <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "The thread count must be at least 1; pass null for one per core.");
        }
        torch.set_num_threads(n);
    }
}
