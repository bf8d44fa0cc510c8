using ResNetNotebooks.Interop;
using ResNetNotebooks.Models;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Tests.Training;
using ResNetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Tests.Interop;

/// <summary>
/// A model trained here, exported, loaded by d2l's PyTorch code with <c>strict=True</c> (PyTorch itself, through
/// /usr/bin/python3): the same outputs. Skipped where python3-torch is missing.
/// </summary>
[Collection(GlobalTorchState.Name)]
public class PyTorchRoundTripTests
{
    [PythonTorchFact]
    public void A_trained_and_exported_model_loads_in_d2ls_pytorch_code_strictly_and_gives_our_outputs()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        var config = ParityTests.FixtureResNet; // channels 16, 16, 32, 32: the fixture script's d2l_resnet
        using (var data = TinyRun.Data())
        using (var trainer = new Trainer(TinyRun.Options with { Epochs = 1 }, () => new ResNet(config), data.Train, data.Test))
        {
            trainer.Fit();
            trainer.SaveCheckpoint(folder.Combine(Checkpoint.FileName));
        }

        using var net = new ResNet(config);
        PyTorchWeights.ExportCheckpoint(folder.Combine(Checkpoint.FileName), folder.Combine("model.pt"), net);
        net.eval();
        var input = randn(6, 1, 28, 28, generator: new Generator(7));
        Tensor ours;
        using (no_grad())
        {
            ours = net.call(input);
        }

        PyTorchWeights.WriteTensors(folder.Combine("input.pt"), new Dictionary<string, Tensor> { ["input"] = input });
        var script = $$"""
            import sys, torch
            sys.path.insert(0, {{Quote(Path.Combine(Fixtures.Repo, "tests", "fixtures"))}})
            from make_parity_fixtures import d2l_resnet
            net = d2l_resnet(channels=(16, 16, 32, 32))
            net.load_state_dict(torch.load({{Quote(folder.Combine("model.pt"))}}), strict=True)
            net.eval()
            with torch.no_grad():
                out = net(torch.load({{Quote(folder.Combine("input.pt"))}})["input"])
            torch.save({"output": out}, {{Quote(folder.Combine("output.pt"))}})
            """;

        var (code, _, error) = PythonTorchFactAttribute.Run("-c", script);

        Assert.True(code == 0, error);
        var theirs = PyTorchWeights.ReadTensors(folder.Combine("output.pt"))["output"];
        Fixtures.AssertClose(theirs, ours, "PyTorch's output of the exported model");
    }

    private static string Quote(string path) => "'" + path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
