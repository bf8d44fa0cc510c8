using System.CommandLine;
using System.Globalization;
using ResNetNotebooks.Interop;
using ResNetNotebooks.Models;
using ResNetNotebooks.Native;
using ResNetNotebooks.Training;
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
        var overwriteOption = CliValues.Flag("--overwrite",
            "replace FILE if it exists (never a training checkpoint, nor a file in a folder a run is using)");
        var command = new Command("export", "Write a checkpoint's weights as a PyTorch state dict (load_state_dict(torch.load(FILE), strict=True)).")
        {
            checkpointOption, toOption, layoutOption, overwriteOption,
        };
        command.SetAction(parseResult => run(Prepare(
            parseResult.GetValue(checkpointOption)!, parseResult.GetValue(toOption)!, parseResult.GetValue(layoutOption), parseResult.GetValue(overwriteOption),
            stdout, createModel)));
        return command;
    }

    /// <summary>The export of <paramref name="checkpoint"/> to <paramref name="to"/>; fails before any torch call when
    /// the checkpoint does not exist or the target must not be written (see <see cref="CheckTarget"/>).</summary>
    private static Func<int> Prepare(string checkpoint, string to, PyTorchLayout layout, bool overwrite, TextWriter stdout, Func<nn.Module<Tensor, Tensor>> createModel)
    {
        var from = Path.GetFullPath(checkpoint);
        if (FileKind.NonRegular(from) is { } kind)
        {
            throw new CommandFailedException($"--checkpoint {from} is {kind}, not a checkpoint file; give the checkpoint.bin of a train run (e.g. runs/cpu/checkpoint.bin).");
        }

        if (!File.Exists(from))
        {
            throw new CommandFailedException($"--checkpoint: there is no checkpoint at {from}; give the checkpoint.bin of a train run (e.g. runs/cpu/checkpoint.bin).");
        }

        var target = Path.GetFullPath(to);
        if (string.Equals(target, from, StringComparison.Ordinal))
        {
            throw new CommandFailedException($"--to {to} is the checkpoint itself; give another file, e.g. model.pt.");
        }

        CheckTarget(target, overwrite);

        return () =>
        {
            using var model = createModel();
            if (model is not ResNet net)
            {
                throw new CommandFailedException($"export writes the library's ResNet, not a {model.GetType().Name}.");
            }

            if (StateDictMapping.ConfigMismatch(net.Config, layout) is not null)
            {
                // The library's message tells a programmer how to build another model; a CLI user can only pick the layout.
                var other = layout == PyTorchLayout.D2l ? PyTorchLayout.TorchVision : PyTorchLayout.D2l;
                throw new CommandFailedException(
                    $"--layout {StateDictMapping.LayoutName(layout)}: the checkpoint holds {net.Config}, whose architecture the {StateDictMapping.LayoutName(layout)} layout does not describe; " +
                    $"use the {StateDictMapping.LayoutName(other)} layout (--layout {StateDictMapping.LayoutName(other)}).");
            }

            var created = OutputFolder.FirstMissing(Path.GetDirectoryName(target)!);
            try
            {
                // Temporary files of an export of this target that was killed (kill -9) before its rename.
                AtomicFile.RemoveStaleLeftovers(target);
                var info = PyTorchWeights.ExportCheckpoint(from, target, net, layout);
                var tensors = net.state_dict().Count;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote {target}: {tensors} tensors ({info.Parameters:N0} parameters) in the {StateDictMapping.LayoutName(layout)} layout, " +
                    $"from {from} (epoch {info.CompletedEpochs} of {info.Options.Epochs}, profile {info.Options.Profile})."));
                stdout.WriteLine(LoadHint(target));
                return CliApp.Ok;
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                OutputFolder.RemoveIfEmpty(Path.GetDirectoryName(target)!, created); // no empty folder left by a failed export
                throw new CommandFailedException(e is ArgumentException a ? UsageErrors.Message(a) : e.Message, e);
            }
        };
    }

    /// <summary>Refuses a target that must not be replaced: a folder or a special file, a training checkpoint (whatever
    /// its name, with or without <c>--overwrite</c>), a file in a folder whose lock a run holds, and any other existing
    /// file unless <paramref name="overwrite"/>.</summary>
    private static void CheckTarget(string target, bool overwrite)
    {
        if (Directory.Exists(target))
        {
            throw new CommandFailedException($"--to {target} is a folder; give a file in it, e.g. {Path.Combine(target, "model.pt")}.");
        }

        if (string.Equals(Path.GetFileName(target), Checkpoint.FileName, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommandFailedException($"--to {target}: {Checkpoint.FileName} is the name of a training checkpoint, which train and compare would read as one; give another name, e.g. model.pt.");
        }

        if (!File.Exists(target))
        {
            return;
        }

        if (FileKind.NonRegular(target) is { } kind)
        {
            throw new CommandFailedException($"--to {target} is {kind}; give a regular file, e.g. model.pt.");
        }

        if (Checkpoint.LooksLikeCheckpoint(target))
        {
            throw new CommandFailedException($"--to {target} is a training checkpoint; export never replaces one (even with --overwrite): give another file, e.g. model.pt.");
        }

        var folder = Path.GetDirectoryName(target)!;
        if (RunFolderLock.IsHeld(folder, out var owner))
        {
            throw new CommandFailedException($"--to {target} is in {folder}, which a run is using ({owner ?? "holder unknown"}); export never replaces its files: give a file in another folder, or wait for the run to finish.");
        }

        if (!overwrite)
        {
            throw new CommandFailedException($"--to {target} already exists; replace it with --overwrite, or give another file.");
        }
    }

    /// <summary>The Python line that loads the exported file into d2l's network: <c>torch.load</c> for PyTorch's
    /// format, safetensors' <c>load_file</c> for <c>.safetensors</c> (torch.load cannot read it).</summary>
    internal static string LoadHint(string path) =>
        Path.GetExtension(path).Equals(PyTorchWeights.SafetensorsExtension, StringComparison.OrdinalIgnoreCase)
            ? $"In PyTorch: from safetensors.torch import load_file; net.load_state_dict(load_file({PythonString(path)}), strict=True)"
            : $"In PyTorch: net.load_state_dict(torch.load({PythonString(path)}), strict=True)";

    /// <summary><paramref name="text"/> as a Python string literal: single quotes, with backslashes, quotes and control
    /// characters escaped (a Windows path or a name with a quote stays the same path in Python).</summary>
    internal static string PythonString(string text)
    {
        var literal = new System.Text.StringBuilder("'");
        foreach (var c in text)
        {
            literal.Append(c switch
            {
                '\\' => "\\\\",
                '\'' => "\\'",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }

        return literal.Append('\'').ToString();
    }
}
