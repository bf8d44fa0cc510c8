using ResNetNotebooks.Interop;
using ResNetNotebooks.Models;
using ResNetNotebooks.Tests.Data;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ResNetNotebooks.Tests.Interop;

public class StateDictMappingTests
{
    /// <summary>torchvision's resnet18 (models/resnet.py): no conv biases, batch norm after each projection.</summary>
    private static ResNetConfig TorchVisionResNet18 =>
        ResNetConfig.ResNet18 with { InputChannels = 3, NumClasses = 1000, ConvBias = false, ProjectionBatchNorm = true };

    private static readonly string[] BatchNorm = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];

    /// <summary>The keys of torchvision's <c>resnet18().state_dict()</c>, written from models/resnet.py: conv1, bn1,
    /// layer1..layer4 of two BasicBlocks (conv1, bn1, conv2, bn2; downsample = conv + bn in the first block of layers
    /// 2-4), fc.</summary>
    private static IEnumerable<string> TorchVisionKeys()
    {
        yield return "conv1.weight";
        foreach (var s in BatchNorm) yield return $"bn1.{s}";
        for (var layer = 1; layer <= 4; layer++)
        {
            for (var block = 0; block < 2; block++)
            {
                var p = $"layer{layer}.{block}";
                yield return $"{p}.conv1.weight";
                foreach (var s in BatchNorm) yield return $"{p}.bn1.{s}";
                yield return $"{p}.conv2.weight";
                foreach (var s in BatchNorm) yield return $"{p}.bn2.{s}";
                if (layer > 1 && block == 0)
                {
                    yield return $"{p}.downsample.0.weight";
                    foreach (var s in BatchNorm) yield return $"{p}.downsample.1.{s}";
                }
            }
        }

        yield return "fc.weight";
        yield return "fc.bias";
    }

    /// <summary>The keys of d2l's <c>nn.Sequential(b1, b2, b3, b4, b5, AdaptiveAvgPool2d, Flatten, Linear)</c>: the
    /// stem's conv (with bias) and batch norm as 0.0 and 0.1, stage k as module k, blocks with conv1, conv2, bn1, bn2
    /// (all convs with bias) and conv3 (the 1×1 projection of the first block of stages 2-4), the Linear as module 7.</summary>
    private static IEnumerable<string> D2lKeys()
    {
        yield return "0.0.weight";
        yield return "0.0.bias";
        foreach (var s in BatchNorm) yield return $"0.1.{s}";
        for (var stage = 1; stage <= 4; stage++)
        {
            for (var block = 0; block < 2; block++)
            {
                var p = $"{stage}.{block}";
                foreach (var conv in new[] { "conv1", "conv2" }.Concat(stage > 1 && block == 0 ? ["conv3"] : []))
                {
                    yield return $"{p}.{conv}.weight";
                    yield return $"{p}.{conv}.bias";
                }

                foreach (var bn in new[] { "bn1", "bn2" })
                foreach (var s in BatchNorm) yield return $"{p}.{bn}.{s}";
            }
        }

        yield return "7.weight";
        yield return "7.bias";
    }

    [Fact]
    public void D2l_layout_names_every_tensor_of_ResNet18_as_d2ls_sequential_does()
    {
        using var net = ResNet.ResNet18();

        var mapping = StateDictMapping.For(net, PyTorchLayout.D2l);

        Assert.Equal(D2lKeys().Order(StringComparer.Ordinal), mapping.Names.Select(n => n.PyTorch).Order(StringComparer.Ordinal));
        Assert.Equal("0.0.weight", mapping.ToPyTorch("b1.0.weight"));
        Assert.Equal("1.0.conv1.weight", mapping.ToPyTorch("b2.0.conv1.weight"));
        Assert.Equal("2.0.conv3.weight", mapping.ToPyTorch("b3.0.downsample.weight"));
        Assert.Equal("4.1.bn2.running_var", mapping.ToPyTorch("b5.1.bn2.running_var"));
        Assert.Equal("7.bias", mapping.ToPyTorch("fc.bias"));
        Assert.Equal("b3.0.downsample.bias", mapping.ToLibrary("2.0.conv3.bias"));
        Assert.Null(mapping.ToLibrary("8.weight"));
    }

    [Fact]
    public void TorchVision_layout_names_every_tensor_of_torchvisions_resnet18_with_its_11689512_parameters()
    {
        using var net = new ResNet(TorchVisionResNet18);

        var mapping = StateDictMapping.For(net, PyTorchLayout.TorchVision);

        Assert.Equal(TorchVisionKeys().Order(StringComparer.Ordinal), mapping.Names.Select(n => n.PyTorch).Order(StringComparer.Ordinal));
        Assert.Equal("layer2.0.downsample.1.running_mean", mapping.ToPyTorch("b3.0.downsample.1.running_mean"));
        Assert.Equal("bn1.weight", mapping.ToPyTorch("b1.1.weight"));
        Assert.Equal(11_689_512, net.parameters().Sum(p => p.numel())); // torchvision's documented count for resnet18
    }

    [Theory]
    [InlineData(PyTorchLayout.TorchVision, "ConvBias = False, ProjectionBatchNorm = True")]
    public void A_config_without_the_layouts_architecture_is_refused_with_the_fix(PyTorchLayout layout, string expected)
    {
        using var d2lNet = ResNet.ResNet18();

        var error = Assert.Throws<ArgumentException>(() => StateDictMapping.For(d2lNet, layout));

        Assert.Contains(expected, error.Message);
        Assert.Contains("use the d2l layout", error.Message);
    }

    [Fact]
    public void A_torchvision_config_is_refused_for_the_d2l_layout()
    {
        using var net = new ResNet(TorchVisionResNet18);

        var error = Assert.Throws<ArgumentException>(() => StateDictMapping.For(net, PyTorchLayout.D2l));

        Assert.Contains("use the torchvision layout", error.Message);
    }

    [Fact]
    public void A_single_stage_network_puts_d2ls_linear_layer_at_index_4()
    {
        // nn.Sequential(b1, b2, AdaptiveAvgPool2d, Flatten, Linear): the Linear is module 4.
        using var net = new ResNet(new ResNetConfig([1], [16]));

        Assert.Equal("4.weight", StateDictMapping.For(net, PyTorchLayout.D2l).ToPyTorch("fc.weight"));
    }

    [Theory]
    [InlineData(".pt")]
    [InlineData(".safetensors")]
    public void Saved_weights_load_into_a_fresh_network_unchanged(string extension)
    {
        using var folder = new TempFolder();
        var path = folder.Combine("model" + extension);
        using var saved = new ResNet(ParityTests.FixtureResNet);
        using var loaded = new ResNet(ParityTests.FixtureResNet);
        using (no_grad())
        {
            saved.state_dict()["b3.1.bn2.running_mean"].fill_(0.25f); // a buffer, not only parameters
        }

        PyTorchWeights.Save(saved, path);
        PyTorchWeights.Load(loaded, path);

        var expected = saved.state_dict();
        foreach (var (name, tensor) in loaded.state_dict())
        {
            Assert.True(tensor.eq(expected[name]).all().item<bool>(), name);
        }
    }

    [Fact]
    public void A_wrong_key_fails_naming_the_missing_and_the_unexpected_key_and_loads_nothing()
    {
        using var scope = NewDisposeScope();
        using var net = new ResNet(ParityTests.FixtureResNet);
        var before = net.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var state = PyTorchWeights.ReadTensors(Fixtures.Path("resnet.pt"));
        state["7.weights"] = state["7.weight"];
        state.Remove("7.weight");

        var error = Assert.Throws<StateDictMismatchException>(() => StateDictMapping.For(net, PyTorchLayout.D2l).Load(net, state, "resnet.pt"));

        Assert.Equal(["7.weight (10, 32)"], error.Missing);
        Assert.Equal(["7.weights"], error.Unexpected);
        Assert.Empty(error.MisShaped);
        Assert.Contains("1 missing: 7.weight (10, 32); 1 unexpected: 7.weights", error.Message);
        Assert.Contains("Nothing was loaded", error.Message);
        foreach (var (name, tensor) in net.state_dict())
        {
            Assert.True(tensor.eq(before[name]).all().item<bool>(), $"{name} changed although the load failed");
        }
    }

    [Fact]
    public void A_wrongly_shaped_tensor_fails_naming_the_key_and_both_shapes()
    {
        using var scope = NewDisposeScope();
        using var net = new ResNet(ParityTests.FixtureResNet with { NumClasses = 5 });
        var state = PyTorchWeights.ReadTensors(Fixtures.Path("resnet.pt"));

        var error = Assert.Throws<StateDictMismatchException>(() => StateDictMapping.For(net, PyTorchLayout.D2l).Load(net, state, "resnet.pt"));

        Assert.Equal(["7.weight: file (10, 32), model (5, 32)", "7.bias: file (10), model (5)"], error.MisShaped);
        Assert.Empty(error.Missing);
        Assert.Empty(error.Unexpected);
    }

    [Fact]
    public void Loading_a_file_that_is_not_a_state_dict_says_how_to_save_one()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("notes.pt");
        File.WriteAllText(path, "not a zip");
        using var net = new ResNet(ParityTests.FixtureResNet);

        var error = Assert.Throws<InvalidDataException>(() => PyTorchWeights.Load(net, path));

        Assert.Contains("torch.save(net.state_dict(), path)", error.Message);
    }

    [Fact]
    public void A_file_with_more_than_tensors_is_refused_naming_the_entry()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("checkpoint.pt");
        using var weight = ones(2);
        PyTorchPickler.PickleStateDict(path, new Dictionary<string, object> { ["epoch"] = 3, ["weight"] = weight });

        var error = Assert.Throws<InvalidDataException>(() => PyTorchWeights.ReadTensors(path));

        Assert.Contains("the entry epoch is a Int32, not a tensor", error.Message);
        Assert.Contains("save net.state_dict()", error.Message);
    }
}
