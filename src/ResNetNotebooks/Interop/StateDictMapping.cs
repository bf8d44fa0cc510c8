using System.Globalization;
using ResNetNotebooks.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Interop;

/// <summary>
/// The one-to-one map between the library's parameter and buffer names and a PyTorch layout's, built from a model:
/// <list type="table">
/// <listheader><term>library</term><description>d2l / torchvision</description></listheader>
/// <item><term><c>b1.0.weight</c>, <c>b1.1.running_mean</c></term><description><c>0.0.weight</c>, <c>0.1.running_mean</c> / <c>conv1.weight</c>, <c>bn1.running_mean</c></description></item>
/// <item><term><c>b2.1.conv1.weight</c></term><description><c>1.1.conv1.weight</c> / <c>layer1.1.conv1.weight</c></description></item>
/// <item><term><c>b3.0.downsample.weight</c></term><description><c>2.0.conv3.weight</c> (d2l's 1×1 convolution)</description></item>
/// <item><term><c>b3.0.downsample.0.weight</c></term><description><c>layer2.0.downsample.0.weight</c> (torchvision's convolution + batch norm)</description></item>
/// <item><term><c>fc.weight</c></term><description><c>7.weight</c> (the 8th module of d2l's <c>nn.Sequential</c>) / <c>fc.weight</c></description></item>
/// </list>
/// </summary>
/// <example>
/// <code>
/// var mapping = StateDictMapping.For(ResNet.ResNet18(), PyTorchLayout.D2l);
/// mapping.ToPyTorch("b3.0.downsample.weight");   // "2.0.conv3.weight"
/// </code>
/// </example>
public sealed class StateDictMapping
{
    private readonly Dictionary<string, string> toPyTorch;
    private readonly Dictionary<string, string> toLibrary;

    private StateDictMapping(string target, PyTorchLayout layout, IEnumerable<string> libraryNames, Func<string, string> rename)
    {
        Target = target;
        Layout = layout;
        toPyTorch = libraryNames.ToDictionary(n => n, rename, StringComparer.Ordinal);
        toLibrary = toPyTorch.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        Names = [.. toPyTorch.Select(p => (p.Key, p.Value))];
    }

    /// <summary>The model the mapping was built for, as error messages name it.</summary>
    public string Target { get; }

    /// <summary>The PyTorch side's layout.</summary>
    public PyTorchLayout Layout { get; }

    /// <summary>Every pair (library name, PyTorch name), in the model's state-dict order.</summary>
    public IReadOnlyList<(string Library, string PyTorch)> Names { get; }

    /// <summary>The mapping for the ResNet <paramref name="net"/>.</summary>
    /// <param name="net">The network; its config must be the one the layout describes.</param>
    /// <param name="layout">d2l's <c>nn.Sequential</c> names or torchvision's.</param>
    /// <exception cref="ArgumentException">The config is not the layout's (see <see cref="ConfigMismatch"/>).</exception>
    public static StateDictMapping For(ResNet net, PyTorchLayout layout)
    {
        ArgumentNullException.ThrowIfNull(net);
        if (ConfigMismatch(net.Config, layout) is { } problem)
        {
            throw new ArgumentException(problem, nameof(net));
        }

        var stages = net.Config.BlocksPerStage.Count;
        return new StateDictMapping($"{net.Config} ({LayoutName(layout)} layout)", layout, net.state_dict().Keys, n => ResNetName(n, layout, stages));
    }

    /// <summary>The mapping for a single residual block: d2l calls the projection <c>conv3</c>; torchvision's
    /// <c>BasicBlock</c> uses the library's names.</summary>
    /// <param name="block">The block.</param>
    /// <param name="layout">d2l's names or torchvision's.</param>
    public static StateDictMapping For(Residual block, PyTorchLayout layout = PyTorchLayout.D2l)
    {
        ArgumentNullException.ThrowIfNull(block);
        var target = $"{block} ({LayoutName(layout)} layout)";
        return new StateDictMapping(target, layout, block.state_dict().Keys, n => layout == PyTorchLayout.D2l ? BlockName(n) : n);
    }

    /// <summary>
    /// Why a network with <paramref name="config"/> cannot be written in <paramref name="layout"/>, or null when it
    /// can: d2l's ResNet has option-B shortcuts of a bare 1×1 convolution and a bias in every convolution;
    /// torchvision's has option-B shortcuts of a 1×1 convolution with batch norm and no conv biases.
    /// </summary>
    /// <param name="config">The library network's config.</param>
    /// <param name="layout">The PyTorch layout.</param>
    /// <returns>One sentence naming the difference and the fix, or null.</returns>
    public static string? ConfigMismatch(ResNetConfig config, PyTorchLayout layout)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (bias, projectionBn) = layout == PyTorchLayout.D2l ? (true, false) : (false, true);
        if (config.Shortcut == ShortcutOption.B && config.ConvBias == bias && config.ProjectionBatchNorm == projectionBn)
        {
            return null;
        }

        return $"{config} does not have the {LayoutName(layout)} layout's architecture (shortcut option B, ConvBias = {bias}, " +
               $"ProjectionBatchNorm = {projectionBn}); build the model with {(layout == PyTorchLayout.D2l ? "the d2l settings (ResNetConfig's defaults)" : "ConvBias = false, ProjectionBatchNorm = true")}, " +
               $"or use the {LayoutName(layout == PyTorchLayout.D2l ? PyTorchLayout.TorchVision : PyTorchLayout.D2l)} layout.";
    }

    /// <summary>The PyTorch name of the library's <paramref name="libraryName"/>.</summary>
    /// <exception cref="KeyNotFoundException">The model has no such parameter or buffer.</exception>
    public string ToPyTorch(string libraryName) =>
        toPyTorch.TryGetValue(libraryName, out var name)
            ? name
            : throw new KeyNotFoundException($"{Target} has no parameter or buffer named {libraryName}; the names are those of net.state_dict().Keys.");

    /// <summary>The library's name for the PyTorch <paramref name="pyTorchName"/>, or null when the model has none.</summary>
    public string? ToLibrary(string pyTorchName) => toLibrary.GetValueOrDefault(pyTorchName);

    /// <summary>
    /// Copies the tensors of <paramref name="state"/> (PyTorch names) into <paramref name="module"/> (the model the
    /// mapping was built for). Every name and shape is checked first; on any mismatch nothing is copied.
    /// </summary>
    /// <param name="module">The model.</param>
    /// <param name="state">A PyTorch state dict; its tensors are copied (converted to the model's dtype and device).</param>
    /// <param name="source">Where the state dict came from, for the message (e.g. the file's name).</param>
    /// <exception cref="StateDictMismatchException">A name is missing or unexpected, or a shape differs.</exception>
    public void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> state, string source)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(state);
        var target = module.state_dict();
        var missing = new List<string>();
        var misShaped = new List<string>();
        foreach (var (library, pyTorch) in Names)
        {
            var expected = target[library].shape;
            if (!state.TryGetValue(pyTorch, out var tensor))
            {
                missing.Add($"{pyTorch} {ShapeText.Of(expected)}");
            }
            else if (!tensor.shape.SequenceEqual(expected))
            {
                misShaped.Add($"{pyTorch}: file {ShapeText.Of(tensor.shape)}, model {ShapeText.Of(expected)}");
            }
        }

        var unexpected = state.Keys.Where(k => !toLibrary.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count + unexpected.Count + misShaped.Count > 0)
        {
            throw new StateDictMismatchException(source, Target, missing, unexpected, misShaped);
        }

        using var noGrad = no_grad();
        foreach (var (library, pyTorch) in Names)
        {
            target[library].copy_(state[pyTorch]);
        }
    }

    /// <summary>The state dict of <paramref name="module"/> under PyTorch names, in the model's order. The tensors are
    /// the module's own (not copies): write them out before the module changes.</summary>
    /// <param name="module">The model the mapping was built for.</param>
    public Dictionary<string, Tensor> ToPyTorch(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var state = module.state_dict();
        return Names.ToDictionary(n => n.PyTorch, n => state[n.Library], StringComparer.Ordinal);
    }

    /// <summary>"d2l" or "torchvision".</summary>
    public static string LayoutName(PyTorchLayout layout) => layout == PyTorchLayout.D2l ? "d2l" : "torchvision";

    private static string ResNetName(string name, PyTorchLayout layout, int stages)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var (head, rest) = dot < 0 ? (name, "") : (name[..dot], name[(dot + 1)..]);
        if (head == "b1")
        {
            return layout == PyTorchLayout.D2l
                ? $"0.{rest}"
                : rest.StartsWith("0.", StringComparison.Ordinal) ? $"conv1.{rest[2..]}"
                : rest.StartsWith("1.", StringComparison.Ordinal) ? $"bn1.{rest[2..]}"
                : throw Unknown(name, stages);
        }

        if (head == "fc")
        {
            // d2l: nn.Sequential(b1, b2, …, b(stages + 1), AdaptiveAvgPool2d, Flatten, Linear): the Linear is module stages + 3.
            return layout == PyTorchLayout.D2l ? $"{stages + 3}.{rest}" : name;
        }

        if (head.Length > 1 && head[0] == 'b' && int.TryParse(head[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b >= 2 && b <= stages + 1)
        {
            return layout == PyTorchLayout.D2l ? $"{b - 1}.{BlockName(rest, inStage: true)}" : $"layer{b - 1}.{rest}";
        }

        throw Unknown(name, stages);
    }

    /// <summary>d2l's name of a block parameter: the shortcut module is <c>conv3</c>.</summary>
    private static string BlockName(string name, bool inStage = false)
    {
        // In a stage the name starts with the block's index: "0.downsample.weight".
        var dot = inStage ? name.IndexOf('.', StringComparison.Ordinal) + 1 : 0;
        return name[dot..].StartsWith("downsample.", StringComparison.Ordinal)
            ? $"{name[..dot]}conv3.{name[(dot + "downsample.".Length)..]}"
            : name;
    }

    private static ArgumentException Unknown(string name, int stages) => new(
        $"{name} is not a name of the library's ResNet (b1.*, b2.* to b{stages + 1}.*, fc.*); map a model built with new ResNet(config).");
}
