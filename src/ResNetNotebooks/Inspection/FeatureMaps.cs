using System.Collections;
using static TorchSharp.torch;
using ResNetNotebooks.Models;

namespace ResNetNotebooks.Inspection;

/// <summary>
/// The output of every top-level child (stage) of a model for one image, in the order the forward pass produced
/// them, as CPU float32 tensors: for a <see cref="ResNet"/>, <c>b1</c>..<c>b5</c>, <c>avgpool</c>, <c>flatten</c>,
/// <c>fc</c>. Made for plotting what each stage "sees".
/// </summary>
/// <remarks>
/// <para>
/// Ownership: the <see cref="FeatureMaps"/> owns its tensors. They are copies (detached from autograd and from
/// every dispose scope), so they stay valid after the forward pass and after any dispose scope of the caller ends;
/// dispose the <see cref="FeatureMaps"/> (<c>using var maps = …</c>) to free them. Do not dispose a tensor you got
/// from it. Arrays from <see cref="ToArrays"/> and <see cref="ToArray"/> are managed copies that need no disposal.
/// The image stays the caller's.
/// </para>
/// <para>
/// The forward pass runs in eval mode without gradients; the model's training flags are restored afterwards.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using var maps = FeatureMaps.Capture(net, image);          // image (1, 224, 224) or (1, 1, 224, 224)
/// float[,,] b3 = FeatureMaps.ToArray(maps["b3"]);            // [128, 28, 28]: b3[c, y, x] for a heatmap
/// </code>
/// </example>
public sealed class FeatureMaps : IReadOnlyList<KeyValuePair<string, Tensor>>, IDisposable
{
    private readonly OrderedDictionary<string, Tensor> maps;
    private bool disposed;

    private FeatureMaps(OrderedDictionary<string, Tensor> maps) => this.maps = maps;

    /// <summary>The stage names, in the order the forward pass ran them.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            ThrowIfDisposed();
            return [.. maps.Keys];
        }
    }

    /// <summary>The number of stages captured.</summary>
    public int Count => maps.Count;

    /// <summary>The output of the stage named <paramref name="name"/>, e.g. <c>maps["b3"]</c> (1, 128, 28, 28).</summary>
    /// <param name="name">A stage name from <see cref="Names"/>.</param>
    /// <returns>The tensor, still owned by this object.</returns>
    /// <exception cref="KeyNotFoundException">No stage has that name; the message lists the names.</exception>
    public Tensor this[string name]
    {
        get
        {
            ThrowIfDisposed();
            return maps.TryGetValue(name, out var map)
                ? map
                : throw new KeyNotFoundException(
                    $"No stage named '{name}'; the stages are {string.Join(", ", maps.Keys)}.");
        }
    }

    /// <summary>The <paramref name="index"/>-th stage, in the order of the forward pass.</summary>
    /// <param name="index">0 for the first stage (<c>b1</c> in a <see cref="ResNet"/>).</param>
    /// <returns>Its name and output; the tensor is still owned by this object.</returns>
    public KeyValuePair<string, Tensor> this[int index]
    {
        get
        {
            ThrowIfDisposed();
            return maps.GetAt(index);
        }
    }

    /// <summary>Runs <paramref name="image"/> through <paramref name="model"/> and keeps each top-level child's output.</summary>
    /// <param name="model">Any tensor-to-tensor module; its training flags are restored afterwards.</param>
    /// <param name="image">One image, (C, H, W) or (1, C, H, W), on the model's device; the caller keeps ownership.</param>
    /// <returns>The outputs, owned by the returned object: dispose it.</returns>
    /// <exception cref="ArgumentException">The image is not (C, H, W) or (1, C, H, W), or the model rejects it.</exception>
    public static FeatureMaps Capture(nn.Module<Tensor, Tensor> model, Tensor image)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(image);
        var shape = image.shape;
        if (!(shape.Length == 3 || (shape.Length == 4 && shape[0] == 1)))
        {
            throw new ArgumentException(
                $"FeatureMaps.Capture takes one image, (C, H, W) or (1, C, H, W), but got shape {ShapeText.Of(shape)}; " +
                (shape.Length == 4 ? "pick one image with batch[i] or batch[i..(i + 1)]." : "pass a (C, H, W) tensor."),
                nameof(image));
        }

        var maps = new OrderedDictionary<string, Tensor>();
        try
        {
            using var batch = shape.Length == 3 ? image.unsqueeze(0) : image.alias();
            ForwardProbe.Run(
                model,
                batch,
                model.named_children(),
                (name, output) =>
                {
                    using var cpu = output.detach().cpu();
                    using var asFloat = cpu.to_type(ScalarType.Float32);
                    var copy = asFloat.clone().DetachFromDisposeScope();
                    if (maps.Remove(name, out var earlier))
                    {
                        earlier.Dispose();      // a child that runs twice keeps its last output
                    }

                    maps[name] = copy;
                });
            return new FeatureMaps(maps);
        }
        catch
        {
            foreach (var map in maps.Values)
            {
                map.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Copies a feature map into a managed array <c>[channel, row, column]</c> for a heatmap. Takes (C, H, W) or
    /// (1, C, H, W), on any device and of any floating type.
    /// </summary>
    /// <param name="map">The feature map; not disposed.</param>
    /// <returns>A new array; nothing to dispose.</returns>
    /// <exception cref="ArgumentException">The tensor is not (C, H, W) or (1, C, H, W).</exception>
    public static float[,,] ToArray(Tensor map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var shape = map.shape;
        if (!(shape.Length == 3 || (shape.Length == 4 && shape[0] == 1)))
        {
            throw new ArgumentException(
                $"FeatureMaps.ToArray takes a (C, H, W) or (1, C, H, W) feature map but got shape {ShapeText.Of(shape)}; " +
                "only stages with height and width can be drawn as images (flatten and fc outputs are vectors).",
                nameof(map));
        }

        var (c, h, w) = (shape[^3], shape[^2], shape[^1]);
        using var scope = NewDisposeScope();
        var values = map.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        var array = new float[c, h, w];
        Buffer.BlockCopy(values, 0, array, 0, values.Length * sizeof(float));
        return array;
    }

    /// <summary>
    /// Every stage whose output has height and width (4-D), as <c>[channel, row, column]</c> arrays, in order:
    /// for a <see cref="ResNet"/>, <c>b1</c>..<c>b5</c> and <c>avgpool</c>.
    /// </summary>
    /// <returns>Stage name → managed array; nothing to dispose.</returns>
    public OrderedDictionary<string, float[,,]> ToArrays()
    {
        ThrowIfDisposed();
        var arrays = new OrderedDictionary<string, float[,,]>();
        foreach (var (name, map) in maps)
        {
            if (map.dim() == 4)
            {
                arrays[name] = ToArray(map);
            }
        }

        return arrays;
    }

    /// <summary>Enumerates (name, output) pairs in the order of the forward pass.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
    {
        ThrowIfDisposed();
        return maps.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Frees every captured tensor.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var map in maps.Values)
        {
            map.Dispose();
        }

        maps.Clear();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);
}
