using static TorchSharp.torch;

namespace ResNetNotebooks.Data;

/// <summary>
/// One batch from a <see cref="BatchLoader"/>: <see cref="Images"/> (float32, N×1×H×W, values in [0, 1]) and
/// <see cref="Labels"/> (int64, N). Both tensors are new; the caller owns and disposes them, typically by a dispose
/// scope around the training step (or <c>using</c> the batch).
/// </summary>
/// <param name="Images">float32 N×1×H×W, pixel / 255.</param>
/// <param name="Labels">int64 N, class indices 0..9.</param>
public sealed record ImageBatch(Tensor Images, Tensor Labels) : IDisposable
{
    /// <summary>Number of images in the batch (the last batch of an epoch may be smaller than the batch size).</summary>
    public int Count => (int)Labels.shape[0];

    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
