using ResNetNotebooks.Inspection;
using ResNetNotebooks.Models;
using TorchSharp;
using static ResNetNotebooks.Tests.Models.Arithmetic;
using static TorchSharp.torch;

namespace ResNetNotebooks.Tests.Models;

public class FamilyNetworkTests
{
    [Fact]
    public void ResNet34_torchvision_shaped_has_torchvisions_21_797_672_parameters()
    {
        int[] blocks = [3, 4, 6, 3];
        long[] channels = [64, 128, 256, 512];
        var expected = Stem(3, 64, bias: false) + Linear(512, 1000);
        for (var s = 0; s < 4; s++)
        {
            var cin = s == 0 ? 64 : channels[s - 1];
            expected += Block(cin, channels[s], projection: s > 0, projectionBn: true, bias: false);
            expected += (blocks[s] - 1) * Block(channels[s], channels[s], projection: false, bias: false);
        }

        Assert.Equal(21_797_672, expected);
        using var net = new ResNet(ResNetConfig.ResNet34.AsTorchVision());
        Assert.Equal(expected, ParameterCounts.Total(net));
    }

    [Theory]
    [InlineData("resnet50", 25_557_032L)]
    [InlineData("resnet101", 44_549_160L)]
    [InlineData("resnet152", 60_192_808L)]
    public void Bottleneck_ResNets_torchvision_shaped_have_torchvisions_parameter_counts(string name, long published)
    {
        var (config, blocks) = name switch
        {
            "resnet50" => (ResNetConfig.ResNet50, new[] { 3, 4, 6, 3 }),
            "resnet101" => (ResNetConfig.ResNet101, new[] { 3, 4, 23, 3 }),
            _ => (ResNetConfig.ResNet152, new[] { 3, 8, 36, 3 }),
        };
        var expected = BottleneckNetwork(blocks, widths: [64, 128, 256, 512]);
        Assert.Equal(published, expected);

        using var net = new ResNet(config.AsTorchVision());
        Assert.Equal(expected, ParameterCounts.Total(net));
    }

    [Fact]
    public void ResNeXt50_32x4d_torchvision_shaped_has_torchvisions_25_028_904_parameters()
    {
        // Width per stage: planes · 4 / 64 · 32 = 2 · planes → 128, 256, 512, 1024; the 3×3 in 32 groups.
        var expected = BottleneckNetwork([3, 4, 6, 3], widths: [128, 256, 512, 1024], groups: 32);
        Assert.Equal(25_028_904, expected);

        using var net = new ResNet(ResNetConfig.ResNeXt50.AsTorchVision());
        Assert.Equal(expected, ParameterCounts.Total(net));
        Assert.Equal(16, net.modules().OfType<Bottleneck>().Count());
        Assert.All(net.modules().OfType<Bottleneck>(), b => Assert.Equal(32, b.Groups));
        Assert.Equal("ResNeXt-50", ResNetConfig.ResNeXt50.Name);
    }

    public static TheoryData<string> TorchVisionModels => ["resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d"];

    [Theory]
    [MemberData(nameof(TorchVisionModels))]
    public void Every_stage_has_the_parameters_of_the_TorchVision_package_models_stage(string name)
    {
        var config = name switch
        {
            "resnet34" => ResNetConfig.ResNet34,
            "resnet50" => ResNetConfig.ResNet50,
            "resnet101" => ResNetConfig.ResNet101,
            "resnet152" => ResNetConfig.ResNet152,
            _ => ResNetConfig.ResNeXt50,
        };
        using var theirs = name switch
        {
            "resnet34" => torchvision.models.resnet34(),
            "resnet50" => torchvision.models.resnet50(),
            "resnet101" => torchvision.models.resnet101(),
            "resnet152" => torchvision.models.resnet152(),
            _ => torchvision.models.resnext50_32x4d(),
        };
        using var ours = new ResNet(config.AsTorchVision());

        var our = ParameterCounts.PerStage(ours);
        var their = ParameterCounts.PerStage(theirs);
        Assert.Equal(their["conv1"] + their["bn1"], our["b1"]);
        Assert.Equal(their["layer1"], our["b2"]);
        Assert.Equal(their["layer2"], our["b3"]);
        Assert.Equal(their["layer3"], our["b4"]);
        Assert.Equal(their["layer4"], our["b5"]);
        Assert.Equal(their["fc"], our["fc"]);
        Assert.Equal(ParameterCounts.Total(theirs), ParameterCounts.Total(ours));
    }

    [Fact]
    public void ResNet50_shape_walk_on_224x224_ends_stages_at_256_512_1024_2048_channels()
    {
        using var net = new ResNet(ResNetConfig.ResNet50.AsTorchVision());
        using var maps = FeatureMaps.Capture(net, zeros(1, 3, 224, 224));
        Assert.Equal(new long[] { 1, 64, 56, 56 }, maps["b1"].shape);
        Assert.Equal(new long[] { 1, 256, 56, 56 }, maps["b2"].shape);
        Assert.Equal(new long[] { 1, 512, 28, 28 }, maps["b3"].shape);
        Assert.Equal(new long[] { 1, 1024, 14, 14 }, maps["b4"].shape);
        Assert.Equal(new long[] { 1, 2048, 7, 7 }, maps["b5"].shape);
        Assert.Equal(new long[] { 1, 1000 }, maps["fc"].shape);
    }

    [Fact]
    public void Paper_stride_placement_gives_ResNet50_3_858_billion_multiply_adds_and_torchvisions_4_089()
    {
        // Multiply-adds per 224×224 image, layer by layer (stem 118,013,952; fc 2,048,000). The two layouts differ only
        // in where each stage's first block strides: torchvision's conv1 runs at the larger size, (4 − 1) / 4 more
        // positions than the paper's, for the three stages that stride:
        //   56²·3/4 · 256·128 + 28²·3/4 · 512·256 + 14²·3/4 · 1024·512 = 77,070,336 + 77,070,336 + 77,070,336.
        using var tv = new ResNet(ResNetConfig.ResNet50.AsTorchVision());
        using var paper = new ResNet(ResNetConfig.ResNet50.AsTorchVision() with { BottleneckStrideOn1x1 = true });

        var tvMacs = MultiplyAdds.Count(tv, [1, 3, 224, 224]).PerImage;
        var paperMacs = MultiplyAdds.Count(paper, [1, 3, 224, 224]).PerImage;

        Assert.Equal(3 * 77_070_336L, tvMacs - paperMacs);
        Assert.Equal(56L * 56 * 3 / 4 * 256 * 128, 77_070_336L);
        Assert.Equal(3.86, Math.Round(paperMacs / 1e9, 2));    // the paper's Table 1: 3.8
        Assert.Equal(4.09, Math.Round(tvMacs / 1e9, 2));
    }

    [Fact]
    public void PreActResNet18_has_a_final_bn_and_relu_named_post_before_the_pooling()
    {
        using var net = new ResNet(ResNetConfig.PreActResNet18);
        Assert.Equal(["b1", "b2", "b3", "b4", "b5", "post", "avgpool", "flatten", "fc"], net.named_children().Select(c => c.name));
        Assert.All(net.modules().Where(m => m is Residual or Bottleneck), _ => Assert.Fail("only pre-activation blocks expected"));
        using var logits = net.call(randn(2, 1, 64, 64));
        Assert.Equal(new long[] { 2, 10 }, logits.shape);
    }

    [Fact]
    public void PreActResNet18_parameters_follow_from_bn_on_the_input_side_and_the_final_bn()
    {
        // Each pre-activation block normalises its input (cin channels) where the original normalises its output: only
        // the first block of b3..b5 differs, by 2·(cin − cout). The final BN adds 2 · 512.
        using var original = ResNet.ResNet18();
        using var preact = new ResNet(ResNetConfig.PreActResNet18);
        var expected = ParameterCounts.Total(original) + (2 * (64 - 128)) + (2 * (128 - 256)) + (2 * (256 - 512)) + (2 * 512);
        Assert.Equal(expected, ParameterCounts.Total(preact));
        Assert.Equal(11_178_378 + 128, expected);
    }

    [Fact]
    public void A_block_factory_receives_the_builders_decisions_and_its_blocks_make_the_network()
    {
        var specs = new List<BlockSpec>();
        var config = ResNetConfig.ResNet50.AsTorchVision();
        using var net = new ResNet(config, spec =>
        {
            specs.Add(spec);
            return new Bottleneck(spec.InChannels, spec.Width, spec.OutChannels, spec.Stride, spec.Downsample, spec.Groups, spec.Bias);
        });

        Assert.Equal(3 + 4 + 6 + 3, specs.Count);
        Assert.Equal([1, 2, 2, 2], specs.Where((_, i) => i is 0 or 3 or 7 or 13).Select(s => s.Stride));
        Assert.Equal(25_557_032, ParameterCounts.Total(net));
    }

    [Fact]
    public void ResNet18_and_34_keep_their_d2l_counts_with_the_family_builder()
    {
        using var r18 = ResNet.ResNet18();
        Assert.Equal(11_178_378, ParameterCounts.Total(r18));
        Assert.All(r18.modules().OfType<nn.Module<Tensor, Tensor>>().Where(m => m is Bottleneck or PreActResidual),
            _ => Assert.Fail("ResNet-18 must be built from basic blocks"));
    }

    [Fact]
    public void Option_D_gives_ResNet50_the_same_parameters_as_option_B()
    {
        using var b = new ResNet(ResNetConfig.ResNet50.AsTorchVision());
        using var d = new ResNet(ResNetConfig.ResNet50.AsTorchVision() with { Shortcut = ShortcutOption.D });
        Assert.Equal(ParameterCounts.Total(b), ParameterCounts.Total(d));
        using var logits = d.call(randn(1, 3, 64, 64));
        Assert.Equal(new long[] { 1, 1000 }, logits.shape);
    }

    [Fact]
    public void Config_rejects_groups_on_basic_blocks_and_names_the_block_kinds_that_have_them()
    {
        var config = ResNetConfig.ResNet18 with { Groups = 32 };
        var ex = Assert.Throws<ArgumentException>(() => config.Validate());
        Assert.Contains("Block = Basic with Groups = 32", ex.Message);
        Assert.Contains("BlockKind.Bottleneck", ex.Message);
    }

    [Fact]
    public void Config_describes_its_block_kind_and_grouping()
    {
        Assert.Equal(
            "ResNet([3, 4, 6, 3], [64, 128, 256, 512], in 1, classes 10, option B, Bottleneck blocks, 32×4d)",
            ResNetConfig.ResNeXt50.ToString());
        Assert.Equal("ResNet([2, 2, 2, 2], [64, 128, 256, 512], in 1, classes 10, option B)", ResNetConfig.ResNet18.ToString());
    }
}
