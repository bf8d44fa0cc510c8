using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetNotebooks.Training;

/// <summary>
/// bfloat16 mixed-precision training for a model, built by hand because TorchSharp 0.107 has no autocast: a working
/// copy of the model computes in bf16 while the model itself (the <em>master</em>) keeps every weight in fp32.
/// </summary>
/// <remarks>
/// <para>One training step with it, as <see cref="Trainer"/> takes it:</para>
/// <list type="number">
/// <item><see cref="Sync"/>: the master's weights are rounded into the working copy (fp32 → bf16), its batch-norm
/// statistics copied, and its train/eval mode set.</item>
/// <item><see cref="Forward"/>: the images are rounded to bf16, the working copy runs (convolutions, ReLU, pooling and
/// the linear layer in bf16; each batch norm in fp32: its weights and running statistics stay fp32 and libtorch
/// normalises a bf16 input with them), and the logits come back as fp32, so the softmax and cross-entropy loss are
/// computed in fp32 by the caller.</item>
/// <item>The caller's <c>loss.backward()</c> runs the backward pass through the working copy, in bf16.</item>
/// <item><see cref="CopyGradients"/>: each gradient becomes the master's gradient in fp32, and the batch-norm running
/// statistics the forward pass updated go back to the master. The optimizer then updates the fp32 master: small
/// updates that bf16 weights would round away (a bf16 weight near 1 moves in steps of 1/128) accumulate.</item>
/// </list>
/// <para>So everything that outlives a step (weights, momentum buffers, statistics) is fp32 and lives in the master:
/// checkpoints hold fp32 as before, and a run resumes bit for bit, because the working copy is rebuilt from the master
/// at every step. No loss scaling is needed: bf16 has fp32's exponent range, so gradients do not underflow as in fp16.</para>
/// </remarks>
public sealed class MixedPrecision : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _master;
    private readonly List<(Parameter Master, Parameter Working)> _parameters;
    private readonly List<(Tensor Master, Tensor Working)> _buffers;

    /// <summary>
    /// Turns <paramref name="working"/>, a second model of the same architecture as <paramref name="master"/>, into
    /// its bf16 working copy (batch-norm layers stay fp32) on the master's device. Takes ownership of
    /// <paramref name="working"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The two are the same object, or their parameters or buffers differ in name or shape.</exception>
    public MixedPrecision(nn.Module<Tensor, Tensor> master, nn.Module<Tensor, Tensor> working, Device device)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(working);
        ArgumentNullException.ThrowIfNull(device);
        if (ReferenceEquals(master, working))
        {
            throw new ArgumentException(
                "Bf16 training needs a second model for its bf16 working copy, but createModel returned the same object twice; make it build a new model on every call, e.g. () => ResNet.ResNet18().",
                nameof(working));
        }

        _master = master;
        Working = working;
        Working.to(device);
        Working.to(ScalarType.BFloat16);
        foreach (var module in Working.modules())
        {
            if (module is BatchNorm1d or BatchNorm2d or BatchNorm3d)
            {
                module.to(ScalarType.Float32);
            }
        }

        _parameters = Pair(master.named_parameters(), Working.named_parameters(), "parameter");
        _buffers = Pair(master.named_buffers(), Working.named_buffers(), "buffer");
        Sync();
    }

    /// <summary>The bf16 working copy (owned). Its weights are the master's as of the last <see cref="Sync"/>.</summary>
    public nn.Module<Tensor, Tensor> Working { get; }

    /// <summary>The number format the working copy computes in: bfloat16.</summary>
    public static ScalarType ComputeType => ScalarType.BFloat16;

    /// <summary>Rounds the master's weights into the working copy, copies its buffers (batch-norm statistics) and its
    /// train/eval mode. Call it before every training step and before evaluating.</summary>
    public void Sync()
    {
        using (no_grad())
        {
            foreach (var (master, working) in _parameters)
            {
                working.copy_(master);
            }

            foreach (var (master, working) in _buffers)
            {
                working.copy_(master);
            }
        }

        Working.zero_grad();
        Working.train(_master.training);
    }

    /// <summary>Runs the working copy on <paramref name="images"/> rounded to bf16; returns fp32 logits.</summary>
    public Tensor Forward(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var input = images.dtype == ComputeType ? images : images.to(ComputeType);
        try
        {
            using var output = Working.call(input);
            return output.to(ScalarType.Float32);
        }
        finally
        {
            if (!ReferenceEquals(input, images))
            {
                input.Dispose();
            }
        }
    }

    /// <summary>After the backward pass: the working copy's gradients become the master's (fp32), and its batch-norm
    /// statistics go back to the master.</summary>
    public void CopyGradients()
    {
        using (no_grad())
        {
            foreach (var (master, working) in _parameters)
            {
                if (working.grad is not { } gradient)
                {
                    continue;
                }

                if (master.grad is { } existing)
                {
                    existing.copy_(gradient);
                }
                else
                {
                    // The master's gradient shares this tensor's storage; disposing the handle leaves it alive.
                    using var fp32 = gradient.to(ScalarType.Float32);
                    master.grad = fp32;
                }
            }

            foreach (var (master, working) in _buffers)
            {
                master.copy_(working);
            }
        }
    }

    /// <summary>Frees the working copy.</summary>
    public void Dispose() => Working.Dispose();

    private static List<(T Master, T Working)> Pair<T>(IEnumerable<(string Name, T Tensor)> master, IEnumerable<(string Name, T Tensor)> working, string kind)
        where T : Tensor
    {
        var theirs = working.ToDictionary(w => w.Name, w => w.Tensor);
        var pairs = new List<(T, T)>();
        foreach (var (name, tensor) in master)
        {
            if (!theirs.Remove(name, out var copy) || !copy.shape.SequenceEqual(tensor.shape))
            {
                throw new ArgumentException(
                    $"The bf16 working copy has no {kind} {name} of shape [{string.Join(", ", tensor.shape)}]; createModel must build the same architecture on every call.",
                    nameof(working));
            }

            pairs.Add((tensor, copy));
        }

        if (theirs.Count > 0)
        {
            throw new ArgumentException(
                $"The bf16 working copy has a {kind} the model lacks ({theirs.Keys.First()}); createModel must build the same architecture on every call.",
                nameof(working));
        }

        return pairs;
    }
}
