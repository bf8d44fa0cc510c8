using ResNetNotebooks.Inspection;
using ResNetNotebooks.Models;
using TorchSharp;
using static ResNetNotebooks.Tests.Models.Arithmetic;
using static TorchSharp.torch;

namespace ResNetNotebooks.Tests.Models;

/// <summary>
/// The CIFAR family of He et al. (2016), §4.2: 3×3 stem with 16 channels, three stages of n basic blocks with 16, 32
/// and 64 channels, option A shortcuts, depth 6n + 2; and its plain twins.
/// </summary>
public class CifarFamilyTests
{
    /// <summary>
    /// By hand: the stem's 3×3 conv (cin → 16, no bias) and BN; per stage s with c = 16·2^s channels, the first block
    /// from the previous stage's channels (16 for the first stage), then n − 1 blocks c → c; option A adds nothing;
    /// the classifier 64 → 10.
    /// </summary>
    private static long CifarParameters(int n, int inputChannels)
    {
        long[] channels = [16, 32, 64];
        var total = Conv(3, inputChannels, 16, bias: false) + Bn(16) + Linear(64, 10);
        for (var s = 0; s < 3; s++)
        {
            var cin = s == 0 ? 16 : channels[s - 1];
            total += Block(cin, channels[s], projection: false, bias: false);
            total += (n - 1) * Block(channels[s], channels[s], projection: false, bias: false);
        }

        return total;
    }

    [Theory]
    [InlineData(20, 0.27)]
    [InlineData(32, 0.46)]
    [InlineData(44, 0.66)]
    [InlineData(56, 0.85)]
    [InlineData(110, 1.7)]
    public void Cifar_ResNets_with_3_input_channels_have_the_parameters_of_the_papers_Table_6(int depth, double millions)
    {
        var expected = CifarParameters((depth - 2) / 6, inputChannels: 3);
        // Table 6 prints millions to two significant figures (1.7 for ResNet-110).
        var digits = millions >= 1 ? 1 : 2;
        Assert.Equal(millions, Math.Round(expected / 1e6, digits));

        using var net = new ResNet(ResNetConfig.CifarResNet(depth) with { InputChannels = 3 });
        Assert.Equal(expected, ParameterCounts.Total(net));
    }

    [Fact]
    public void ResNet20_by_hand_has_269_722_parameters_with_3_channels_and_269_434_with_1()
    {
        // 3·3·3·16 + 2·16 = 464 (stem); 3 · (2·(9·16·16) + 4·16) = 14,016 (stage 1);
        // 9·16·32 + 9·32·32 + 4·32 + 2 · (2·9·32·32 + 4·32) = 13,952 + 37,120 (stage 2);
        // 9·32·64 + 9·64·64 + 4·64 + 2 · (2·9·64·64 + 4·64) = 55,552 + 147,968 (stage 3); 64·10 + 10 = 650.
        Assert.Equal(269_722, 464 + 14_016 + 13_952 + 37_120 + 55_552 + 147_968 + 650);
        Assert.Equal(269_722, CifarParameters(3, 3));
        using var net = new ResNet(ResNetConfig.CifarResNet(20));
        Assert.Equal(269_722 - (3 - 1) * 9 * 16, ParameterCounts.Total(net));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(56)]
    public void A_plain_twin_has_the_same_parameters_name_for_name_and_no_shortcuts(int depth)
    {
        using var residual = new ResNet(ResNetConfig.CifarResNet(depth));
        using var plain = new ResNet(ResNetConfig.CifarPlain(depth));
        var a = residual.named_parameters().Select(p => (p.name, string.Join("x", p.parameter.shape))).ToList();
        var b = plain.named_parameters().Select(p => (p.name, string.Join("x", p.parameter.shape))).ToList();
        Assert.Equal(a, b);
        var blocks = plain.modules().OfType<PlainBlock>().Count();
        Assert.Equal(3 * (depth - 2) / 6, blocks);
        Assert.Empty(plain.modules().OfType<Residual>());
        Assert.Equal(blocks, residual.modules().OfType<Residual>().Count());
        Assert.Equal(2, residual.modules().OfType<ZeroPadShortcut>().Count()); // where stages 2 and 3 start
    }

    [Fact]
    public void The_shape_walk_on_32x32_keeps_32_then_halves_to_16_and_8_as_in_section_4_2()
    {
        using var net = new ResNet(ResNetConfig.CifarResNet(20) with { InputChannels = 3 });
        net.eval();
        using var scope = NewDisposeScope();
        var x = zeros(2, 3, 32, 32);
        var shapes = new List<string>();
        foreach (var (name, child) in net.named_children())
        {
            x = ((nn.Module<Tensor, Tensor>)child).call(x);
            shapes.Add($"{name} {ShapeText.Of(x.shape)}");
        }

        Assert.Equal(
            ["b1 (2, 16, 32, 32)", "b2 (2, 16, 32, 32)", "b3 (2, 32, 16, 16)", "b4 (2, 64, 8, 8)", "avgpool (2, 64, 1, 1)",
             "flatten (2, 64)", "fc (2, 10)"],
            shapes);
    }

    [Theory]
    [InlineData(8, 1)]
    [InlineData(20, 3)]
    [InlineData(56, 9)]
    [InlineData(110, 18)]
    public void Depth_6n_plus_2_gives_n_blocks_per_stage_and_counts_back_to_the_depth(int depth, int n)
    {
        var config = ResNetConfig.CifarResNet(depth);
        Assert.Equal([n, n, n], config.BlocksPerStage);
        Assert.Equal([16, 32, 64], config.ChannelsPerStage);
        Assert.Equal(StemKind.Cifar, config.Stem);
        Assert.Equal(ShortcutOption.A, config.Shortcut);
        Assert.False(config.ConvBias);
        Assert.Equal(depth, config.Depth);
        Assert.Equal($"ResNet-{depth}", config.Name);
        Assert.Equal($"plain-{depth}", ResNetConfig.CifarPlain(depth).Name);
    }

    [Fact]
    public void Depth_counts_the_paper_way_for_the_ImageNet_family_too()
    {
        Assert.Equal(18, ResNetConfig.ResNet18.Depth);
        Assert.Equal(34, ResNetConfig.ResNet34.Depth);
        Assert.Equal(50, ResNetConfig.ResNet50.Depth);
        Assert.Equal(101, ResNetConfig.ResNet101.Depth);
        Assert.Equal(152, ResNetConfig.ResNet152.Depth);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(2)]
    [InlineData(0)]
    [InlineData(-4)]
    public void A_depth_that_is_not_6n_plus_2_is_refused_with_the_rule_and_near_depths(int depth)
    {
        var e = Assert.Throws<ArgumentException>(() => ResNetConfig.CifarResNet(depth));
        Assert.Contains("6n + 2", e.Message);
        Assert.Contains($"{depth} is not", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Plain_networks_of_bottleneck_blocks_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new ResNet(ResNetConfig.ResNet50 with { Shortcut = ShortcutOption.None }));
        Assert.Contains("Shortcut = None", e.Message);
        Assert.Contains("BlockKind.Basic", e.Message);
    }

    [Fact]
    public void Without_batch_norm_every_norm_is_an_identity_and_the_parameters_drop_by_the_bn_count()
    {
        using var with = new ResNet(ResNetConfig.CifarPlain(20));
        using var without = new ResNet(ResNetConfig.CifarPlain(20) with { BatchNorm = false });
        Assert.Empty(without.modules().OfType<TorchSharp.Modules.BatchNorm2d>());
        // 1 BN in the stem and 2 per block: 16 channels (stem + 3 blocks), 32 (3 blocks), 64 (3 blocks).
        var bn = Bn(16) + (3 * 2 * Bn(16)) + (3 * 2 * Bn(32)) + (3 * 2 * Bn(64));
        Assert.Equal(ParameterCounts.Total(with) - bn, ParameterCounts.Total(without));
        Assert.Equal("plain-20 (no BN)", without.Config.Name);
    }

    [Fact]
    public void A_plain_block_is_the_residual_block_without_the_added_input()
    {
        manual_seed(3);
        using var plain = new PlainBlock(16, 16, bias: false);
        using var residual = new Residual(16, 16, 1, null, bias: false);
        residual.load_state_dict(plain.state_dict());
        plain.eval();
        residual.eval();
        using var scope = NewDisposeScope();
        var x = rand(2, 16, 8, 8); // non-negative, as after a ReLU
        // Residual: relu(F(x) + x); plain: relu(F(x)). Recover F(x) (before its final ReLU) from neither directly, so
        // check the definition on positions where both are positive: there residual − plain = x.
        var p = plain.call(x);
        var r = residual.call(x);
        var both = p.gt(0).logical_and(r.gt(0));
        Assert.True(both.any().item<bool>());
        Assert.True((r - p - x).masked_select(both).abs().max().item<float>() < 1e-5f);
    }
}
