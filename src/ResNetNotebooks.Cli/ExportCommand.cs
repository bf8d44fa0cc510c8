using System.CommandLine;
using System.Globalization;
using ResNetNotebooks.Interop;
using ResNetNotebooks.Models;
using static TorchSharp.torch;

namespace ResNetNotebooks.Cli;

/// <summary><c>export</c>: the weights of a training checkpoint as a PyTorch state dict that d2l's PyTorch ResNet-18
/// loads with <c>load_state_dict(torch.load(path), strict=True)</c> (see <see cref="PyTorchWeights"/>).</summary>
internal static class ExportCommand
{
    /// <summary>The <c>export</c> command; its action returns the export, to run once TorchSharp is set up.</summary>
    /// <param name="stdout">Where the command says what it wrote.</param>
    /// <param name="run">Runs the prepared export (the command line sets up TorchSharp first).</param>
    /// <param name="createModel">Builds the model <c>train</c> trains, which receives the checkpoint's weights.</param>
    public static Command Create(TextWriter stdout, Func<Func<int>, int> run, Func<nn.Module<Tensor, Tensor>> createModel)
    {
        var checkpointOption = CliValues.Text("--checkpoint", "FILE", "the checkpoint of a train run, e.g. runs/cpu/checkpoint.bin");
        checkpointOption.Required = true;
        var toOption = CliValues.Text("--to", "FILE", "the state dict to write: .pt or .pth (torch.load), or .safetensors");
        toOption.Required = true;
        var layoutOption = CliValues.Choice("--layout", "parameter names: d2l's nn.Sequential ResNet-18 (default) or torchvision's resnet18",
            ("d2l", PyTorchLayout.D2l), ("torchvision", PyTorchLayout.TorchVision));
        var command = new Command("export", "Write a checkpoint's weights as a PyTorch state dict (load_state_dict(torch.load(FILE), strict=True)).")
        {
            checkpointOption, toOption, layoutOption,
        };
        command.SetAction(parseResult => run(Prepare(
            parseResult.GetValue(checkpointOption)!, parseResult.GetValue(toOption)!, parseResult.GetValue(layoutOption), stdout, createModel)));
        return command;
    }

    /// <summary>The export of <paramref name="checkpoint"/> to <paramref name="to"/>; fails before any torch call when
    /// the checkpoint does not exist.</summary>
    private static Func<int> Prepare(string checkpoint, string to, PyTorchLayout layout, TextWriter stdout, Func<nn.Module<Tensor, Tensor>> createModel)
    {
        var from = Path.GetFullPath(checkpoint);
        if (!File.Exists(from))
        {
            throw new CommandFailedException($"--checkpoint: there is no checkpoint at {from}; give the checkpoint.bin of a train run (e.g. runs/cpu/checkpoint.bin).");
        }

        if (string.Equals(Path.GetFullPath(to), from, StringComparison.Ordinal))
        {
            throw new CommandFailedException($"--to {to} is the checkpoint itself; give another file, e.g. model.pt.");
        }

        return () =>
        {
            using var model = createModel();
            if (model is not ResNet net)
            {
                throw new CommandFailedException($"export writes the library's ResNet, not a {model.GetType().Name}.");
            }

            try
            {
                var info = PyTorchWeights.ExportCheckpoint(from, to, net, layout);
                var tensors = net.state_dict().Count;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote {Path.GetFullPath(to)}: {tensors} tensors ({info.Parameters:N0} parameters) in the {StateDictMapping.LayoutName(layout)} layout, " +
                    $"from {from} (epoch {info.CompletedEpochs} of {info.Options.Epochs}, profile {info.Options.Profile})."));
                stdout.WriteLine($"In PyTorch: net.load_state_dict(torch.load(\"{to}\"), strict=True)");
                return CliApp.Ok;
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                throw new CommandFailedException(e is ArgumentException a ? UsageErrors.Message(a) : e.Message, e);
            }
        };
    }
}
