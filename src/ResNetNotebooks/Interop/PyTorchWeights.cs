using System.Collections;
using ResNetNotebooks.Models;
using ResNetNotebooks.Native;
using ResNetNotebooks.Training;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ResNetNotebooks.Interop;

/// <summary>
/// PyTorch state dicts in and out of the library's networks, through TorchSharp.PyBridge: <c>.pt</c> / <c>.pth</c>
/// files as <c>torch.save(net.state_dict(), path)</c> writes them (PyTorch's zip format, the default since 1.6), and
/// <c>.safetensors</c> files. Names are translated by a <see cref="StateDictMapping"/>; loading checks every name and
/// shape before it copies anything.
/// </summary>
/// <example>
/// <code>
/// var net = new ResNet(ResNetConfig.ResNet18);
/// PyTorchWeights.Load(net, "d2l-resnet18.pt", PyTorchLayout.D2l);     // torch.save(net.state_dict(), ...) in d2l
/// PyTorchWeights.Save(net, "model.pt", PyTorchLayout.D2l);            // net.load_state_dict(torch.load("model.pt"))
/// </code>
/// </example>
public static class PyTorchWeights
{
    /// <summary>The file extension of safetensors files; every other extension is read as PyTorch's format.</summary>
    public const string SafetensorsExtension = ".safetensors";

    /// <summary>Loads the state dict at <paramref name="path"/>, written by PyTorch in <paramref name="layout"/>, into
    /// <paramref name="net"/>.</summary>
    /// <exception cref="ArgumentException">The net's config is not the layout's architecture.</exception>
    /// <exception cref="StateDictMismatchException">Names or shapes differ; the net is unchanged.</exception>
    /// <exception cref="InvalidDataException">The file is not a state dict.</exception>
    public static void Load(ResNet net, string path, PyTorchLayout layout = PyTorchLayout.D2l) =>
        Load(net, StateDictMapping.For(net, layout), path);

    /// <summary>Loads d2l's <c>Residual</c> block (or torchvision's <c>BasicBlock</c>) from <paramref name="path"/>.</summary>
    /// <exception cref="StateDictMismatchException">Names or shapes differ; the block is unchanged.</exception>
    /// <exception cref="InvalidDataException">The file is not a state dict.</exception>
    public static void Load(Residual block, string path, PyTorchLayout layout = PyTorchLayout.D2l) =>
        Load(block, StateDictMapping.For(block, layout), path);

    /// <summary>Writes <paramref name="net"/>'s state dict under the PyTorch names of <paramref name="layout"/> to
    /// <paramref name="path"/> (atomically), so that PyTorch loads it with <c>load_state_dict(torch.load(path),
    /// strict=True)</c>; a <c>.safetensors</c> path gets the safetensors format.</summary>
    /// <exception cref="ArgumentException">The net's config is not the layout's architecture.</exception>
    public static void Save(ResNet net, string path, PyTorchLayout layout = PyTorchLayout.D2l) =>
        Save(net, StateDictMapping.For(net, layout), path);

    /// <summary>Writes a block's state dict under d2l's (or torchvision's) names to <paramref name="path"/>.</summary>
    public static void Save(Residual block, string path, PyTorchLayout layout = PyTorchLayout.D2l) =>
        Save(block, StateDictMapping.For(block, layout), path);

    /// <summary>
    /// Exports the weights of a training checkpoint (written by the trainer or <c>resnet-cli train</c>) as a PyTorch
    /// state dict.
    /// </summary>
    /// <param name="checkpointPath">The checkpoint, e.g. <c>runs/cpu/checkpoint.bin</c>.</param>
    /// <param name="toPath">The file to write (<c>.pt</c>, <c>.pth</c> or <c>.safetensors</c>).</param>
    /// <param name="net">A new network of the architecture the checkpoint was trained with; it receives the weights.</param>
    /// <param name="layout">The PyTorch names to write.</param>
    /// <returns>What the checkpoint holds besides the tensors.</returns>
    /// <exception cref="ArgumentException">The net's config is not the layout's architecture.</exception>
    /// <exception cref="InvalidDataException">The checkpoint is not one, or holds another model.</exception>
    public static CheckpointInfo ExportCheckpoint(string checkpointPath, string toPath, ResNet net, PyTorchLayout layout = PyTorchLayout.D2l)
    {
        ArgumentNullException.ThrowIfNull(net);
        var mapping = StateDictMapping.For(net, layout); // before reading: a wrong layout fails fast
        var info = Checkpoint.LoadWeights(checkpointPath, net);
        Save(net, mapping, toPath);
        return info;
    }

    /// <summary>Reads every tensor of a state-dict file: PyTorch's format (<c>torch.save</c> of a dict of tensors) or
    /// safetensors. The caller owns (and disposes) the tensors.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The tensors by name.</returns>
    /// <exception cref="InvalidDataException">The file is not a state dict (a whole pickled model, PyTorch's legacy
    /// format, or not PyTorch's at all); the message says which and the fix.</exception>
    public static Dictionary<string, Tensor> ReadTensors(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"There is no state dict at {Path.GetFullPath(path)}; give the path of a file written by torch.save(net.state_dict(), path).", path);
        }

        if (IsSafetensors(path))
        {
            try
            {
                return Safetensors.LoadStateDict(path);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or ArgumentException or EndOfStreamException or NotImplementedException)
            {
                throw new InvalidDataException($"{path} is not a safetensors file PyBridge can read ({e.GetType().Name}: {e.Message}); write it with safetensors.torch.save_file(net.state_dict(), path).", e);
            }
        }

        Hashtable table;
        try
        {
            using var stream = File.OpenRead(path);
            table = PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (NotImplementedException e)
        {
            throw new InvalidDataException($"{path} is in PyTorch's legacy format or holds a type PyBridge cannot read ({e.Message}); re-save it with torch.save(net.state_dict(), path) from PyTorch 1.6 or later.", e);
        }
        catch (Exception e) when (e is InvalidCastException or InvalidOperationException or InvalidDataException or Razorvine.Pickle.PickleException)
        {
            throw new InvalidDataException($"{path} is not a PyTorch state dict ({e.GetType().Name}: {e.Message}); save it with torch.save(net.state_dict(), path).", e);
        }

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            tensors[(string)entry.Key] = entry.Value as Tensor ?? throw new InvalidDataException(
                $"{path}: the entry {entry.Key} is a {entry.Value?.GetType().Name ?? "None"}, not a tensor; save net.state_dict() (a dict of tensors), not a whole model or a training checkpoint dict.");
        }

        return tensors;
    }

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically, as PyTorch's
    /// <c>torch.save</c> would write the dict (or as safetensors for a <c>.safetensors</c> path).</summary>
    /// <param name="path">The file.</param>
    /// <param name="tensors">The tensors by name, written in this order.</param>
    public static void WriteTensors(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var state = tensors.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        using var scope = NewDisposeScope(); // PyBridge may make CPU copies
        if (IsSafetensors(path))
        {
            AtomicFile.Write(path, stream => Safetensors.SaveStateDict(stream, state, leaveOpen: true));
        }
        else
        {
            AtomicFile.Write(path, stream => PyTorchPickler.PickleStateDict(stream, state, leaveOpen: true));
        }
    }

    private static bool IsSafetensors(string path) => Path.GetExtension(path).Equals(SafetensorsExtension, StringComparison.OrdinalIgnoreCase);

    private static void Load(nn.Module module, StateDictMapping mapping, string path)
    {
        using var scope = NewDisposeScope(); // frees the file's tensors once copied
        mapping.Load(module, ReadTensors(path), Path.GetFileName(path));
    }

    private static void Save(nn.Module module, StateDictMapping mapping, string path)
    {
        using var noGrad = no_grad();
        WriteTensors(path, mapping.ToPyTorch(module));
    }
}
