using ResNetNotebooks.Models;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

using ResNet = ResNetNotebooks.Models.ResNet;

namespace ResNetNotebooks.Tests.Training;

/// <summary><see cref="WeightInitialization.IdentityStart"/> and the <see cref="TrainingOptions.IdentityInit"/> switch:
/// residual blocks start as the identity (γ = 0 on the branch's last batch norm), plain blocks get a Dirac second
/// convolution.</summary>
[Collection(GlobalTorchState.Name)]
public class IdentityStartTests
{
    [Fact]
    public void A_residual_block_with_identity_start_returns_its_non_negative_input_unchanged_in_training_mode()
    {
        torch.manual_seed(1);
        var block = new Residual(16, 16, 1, null, bias: false);
        WeightInitialization.He(block);

        Assert.Equal(1, WeightInitialization.IdentityStart(block));

        block.train();
        using var x = nn.functional.relu(torch.randn(4, 16, 8, 8));   // what a previous block's ReLU hands on
        using var y = block.call(x);
        // bn2 with γ = 0 and β = 0 outputs 0 whatever its input, so the block is ReLU(0 + x) = x.
        Assert.True(y.equal(x).all().item<bool>());
    }

    [Fact]
    public void A_plain_block_gets_a_Dirac_second_convolution_and_keeps_a_random_first_one()
    {
        torch.manual_seed(1);
        var block = new PlainBlock(16, 32, stride: 2);
        WeightInitialization.He(block);
        var conv1Before = block.named_parameters().Single(p => p.name == "conv1.weight").parameter.detach().clone();

        Assert.Equal(1, WeightInitialization.IdentityStart(block));

        var conv2 = block.named_parameters().Single(p => p.name == "conv2.weight").parameter;
        // A Dirac kernel (32 → 32, 3×3): 1 at the centre tap from channel c to channel c, 0 everywhere else.
        Assert.Equal(new long[] { 32, 32, 3, 3 }, conv2.shape);
        Assert.True(conv2[.., .., 1, 1].equal(torch.eye(32)).all().item<bool>());
        Assert.Equal(32f, conv2.abs().sum().item<float>());
        Assert.True(block.named_parameters().Single(p => p.name == "conv1.weight").parameter.equal(conv1Before).all().item<bool>());
        // And so conv2 maps any map to itself.
        using var h = torch.randn(2, 32, 5, 5);
        using var same = ((TorchSharp.Modules.Conv2d)block.named_children().Single(c => c.name == "conv2").module).call(h);
        Assert.True((same - h).abs().max().item<float>() < 1e-6f);
    }

    [Fact]
    public void Every_block_of_a_CIFAR_network_is_changed_and_nothing_else()
    {
        // ResNet-20: n = 3 blocks in each of 3 stages, 9 blocks.
        torch.manual_seed(1);
        var net = new ResNet(ResNetConfig.CifarResNet(20));
        WeightInitialization.He(net);
        var before = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

        Assert.Equal(9, WeightInitialization.IdentityStart(net));

        var changed = net.named_parameters().Where(p => !p.parameter.equal(before[p.name]).all().item<bool>()).Select(p => p.name).ToList();
        Assert.Equal(9, changed.Count);
        Assert.All(changed, name => Assert.EndsWith(".bn2.weight", name));
        Assert.Equal(9, WeightInitialization.IdentityStart(new ResNet(ResNetConfig.CifarPlain(20))));
    }

    [Fact]
    public void A_residual_network_without_batch_norm_is_refused_with_the_fix()
    {
        var net = new ResNet(ResNetConfig.CifarResNet(20) with { BatchNorm = false });

        var error = Assert.Throws<ArgumentException>(() => { WeightInitialization.IdentityStart(net); });

        Assert.Contains("BatchNorm = true", error.Message);
        Assert.Contains("IdentityInit", error.Message);
    }

    [Fact]
    public void The_trainer_applies_it_when_the_options_ask_so_and_a_residual_network_then_starts_at_chance_loss()
    {
        // ResNet-8 started at the identity is the stem, the two downsampling shortcuts, pooling and the classifier: its
        // logits are small, so the first batch's loss is near a uniform guess's ln 10 ≈ 2.303.
        using var data = TinyRun.Data();
        var options = TinyRun.Options with { Init = WeightInit.He, IdentityInit = true, Epochs = 1 };
        using var trainer = new Trainer(options, () => new ResNet(ResNetConfig.CifarResNet(8)), data.Train, data.Test);
        var gammas = trainer.Model.named_parameters().Where(p => p.name.EndsWith(".bn2.weight", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, gammas.Count);
        Assert.All(gammas, g => Assert.Equal(0f, g.parameter.abs().sum().item<float>()));

        var losses = new List<double>();
        trainer.BatchEnded += (_, p) => losses.Add(p.BatchLoss);
        trainer.Fit();

        Assert.InRange(losses[0], Math.Log(10) - 0.5, Math.Log(10) + 0.5);
    }
}
