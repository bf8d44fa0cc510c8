using ResNetNotebooks.Models;
using TorchSharp;
using static ResNetNotebooks.Tests.Models.Arithmetic;
using static TorchSharp.torch;
using ResNetNotebooks.Inspection;

namespace ResNetNotebooks.Tests.Models;

public class ResNetTests
{
    /// <summary>A two-stage ResNet small enough to run many times: stem 16 channels, stages [1, 1] × [16, 32].</summary>
    internal static ResNetConfig Tiny => new([1, 1], [16, 32]);

    [Fact]
    public void ResNet18_shape_walk_on_a_1x1x224x224_image_matches_d2l_stage_by_stage()
    {
        // Seed: Sequential (1,64,56,56); b2 (1,64,56,56); b3 (1,128,28,28); b4 (1,256,14,14); b5 (1,512,7,7);
        //       AdaptiveAvgPool2d (1,512,1,1); Flatten (1,512); Linear (1,10)
        using var net = ResNet.ResNet18();
        using var x = zeros(1, 1, 224, 224);
        using var maps = FeatureMaps.Capture(net, x);

        Assert.Equal(["b1", "b2", "b3", "b4", "b5", "avgpool", "flatten", "fc"], maps.Names);
        Assert.Equal(new long[] { 1, 64, 56, 56 }, maps["b1"].shape);
        Assert.Equal(new long[] { 1, 64, 56, 56 }, maps["b2"].shape);
        Assert.Equal(new long[] { 1, 128, 28, 28 }, maps["b3"].shape);
        Assert.Equal(new long[] { 1, 256, 14, 14 }, maps["b4"].shape);
        Assert.Equal(new long[] { 1, 512, 7, 7 }, maps["b5"].shape);
        Assert.Equal(new long[] { 1, 512, 1, 1 }, maps["avgpool"].shape);
        Assert.Equal(new long[] { 1, 512 }, maps["flatten"].shape);
        Assert.Equal(new long[] { 1, 10 }, maps["fc"].shape);
    }

    [Fact]
    public void ResNet_children_are_the_d2l_stages_then_avgpool_flatten_and_fc()
    {
        using var net = ResNet.ResNet18();
        Assert.Equal(
            ["b1", "b2", "b3", "b4", "b5", "avgpool", "flatten", "fc"],
            net.named_children().Select(c => c.name));
        Assert.Equal(
            [typeof(TorchSharp.Modules.Sequential), typeof(TorchSharp.Modules.Sequential), typeof(TorchSharp.Modules.Sequential),
             typeof(TorchSharp.Modules.Sequential), typeof(TorchSharp.Modules.Sequential), typeof(TorchSharp.Modules.AdaptiveAvgPool2d),
             typeof(TorchSharp.Modules.Flatten), typeof(TorchSharp.Modules.Linear)],
            net.named_children().Select(c => c.module.GetType()));
    }

    [Fact]
    public void ResNet18_has_11_178_378_parameters_as_layer_arithmetic_says()
    {
        var b1 = Stem(1, 64);                                                          // 3,328
        var b2 = Block(64, 64, projection: false) + Block(64, 64, projection: false);    // 148,224
        var b3 = Block(64, 128, projection: true) + Block(128, 128, projection: false);  // 525,952
        var b4 = Block(128, 256, projection: true) + Block(256, 256, projection: false);
        var b5 = Block(256, 512, projection: true) + Block(512, 512, projection: false);
        var fc = Linear(512, 10);                                                      // 5,130
        var expected = b1 + b2 + b3 + b4 + b5 + fc;
        Assert.Equal(11_178_378, expected);   // the seed's total

        using var net = ResNet.ResNet18();
        Assert.Equal(expected, ParameterCounts.Total(net));
        Assert.Equal(expected, ParameterCounts.Trainable(net));
    }

    [Fact]
    public void ResNet34_parameter_count_matches_layer_arithmetic_for_3_4_6_3_blocks()
    {
        int[] blocks = [3, 4, 6, 3];
        int[] channels = [64, 128, 256, 512];
        var expected = Stem(1, 64) + Linear(512, 10);
        for (var s = 0; s < 4; s++)
        {
            var cin = s == 0 ? 64 : channels[s - 1];
            expected += Block(cin, channels[s], projection: s > 0);                  // first block of the stage
            expected += (blocks[s] - 1) * Block(channels[s], channels[s], projection: false);
        }

        using var net = ResNet.ResNet34();
        Assert.Equal(expected, ParameterCounts.Total(net));
    }

    [Fact]
    public void ResNet18_with_torchvision_settings_has_torchvisions_11_689_512_parameters()
    {
        // torchvision: 3 input channels, 1000 classes, no conv biases, BN after each projection.
        var config = ResNetConfig.ResNet18 with { InputChannels = 3, NumClasses = 1000, ProjectionBatchNorm = true, ConvBias = false };
        var expected = Stem(3, 64, bias: false)
            + (2 * Block(64, 64, projection: false, bias: false))
            + Block(64, 128, projection: true, projectionBn: true, bias: false) + Block(128, 128, projection: false, bias: false)
            + Block(128, 256, projection: true, projectionBn: true, bias: false) + Block(256, 256, projection: false, bias: false)
            + Block(256, 512, projection: true, projectionBn: true, bias: false) + Block(512, 512, projection: false, bias: false)
            + Linear(512, 1000);
        Assert.Equal(11_689_512, expected);

        using var net = new ResNet(config);
        Assert.Equal(expected, ParameterCounts.Total(net));
    }

    [Fact]
    public void Tiny_two_stage_resnet_quarters_then_halves_the_image_and_outputs_one_logit_per_class()
    {
        // 32 → stem /4 → 8 → b2 keeps 8 → b3 /2 → 4
        using var net = new ResNet(Tiny);
        using var x = randn(2, 1, 32, 32);
        using var maps = FeatureMaps.Capture(net, x[0]);
        Assert.Equal(new long[] { 1, 16, 8, 8 }, maps["b1"].shape);
        Assert.Equal(new long[] { 1, 16, 8, 8 }, maps["b2"].shape);
        Assert.Equal(new long[] { 1, 32, 4, 4 }, maps["b3"].shape);

        using var logits = net.call(x);
        Assert.Equal(new long[] { 2, 10 }, logits.shape);
    }

    [Fact]
    public void ResNet_rejects_RGB_images_when_built_for_one_channel_and_names_both_fixes()
    {
        using var net = new ResNet(Tiny);
        using var x = zeros(1, 3, 32, 32);
        var ex = Assert.Throws<ArgumentException>(() => net.call(x));
        Assert.Contains("ResNet expects 1 input channel(s)", ex.Message);
        Assert.Contains("the input has 3", ex.Message);
        Assert.Contains("(1, 3, 32, 32)", ex.Message);
        Assert.Contains("(N, 1, H, W)", ex.Message);
        Assert.Contains("inputChannels: 3", ex.Message);
    }

    [Fact]
    public void ResNet_rejects_an_image_without_batch_dimension_and_says_to_unsqueeze()
    {
        using var net = new ResNet(Tiny);
        using var x = zeros(1, 28, 28);
        var ex = Assert.Throws<ArgumentException>(() => net.call(x));
        Assert.Contains("4-D input (N, C, H, W)", ex.Message);
        Assert.Contains("3-D tensor of shape (1, 28, 28)", ex.Message);
        Assert.Contains("x.unsqueeze(0)", ex.Message);
    }

    public static TheoryData<ResNetConfig, string, string> BadSizes => new()
    {
        { new ResNetConfig([2, 0, 2, 2], [64, 128, 256, 512]), "BlocksPerStage[1] must be positive but was 0", "at least one residual block" },
        { new ResNetConfig([2, 2], [64, -128]), "ChannelsPerStage[1] must be positive but was -128", "at least one channel" },
        { ResNetConfig.ResNet18 with { InputChannels = 0 }, "InputChannels must be positive but was 0", "3 for RGB" },
        { ResNetConfig.ResNet18 with { NumClasses = -1 }, "NumClasses must be positive but was -1", "number of classes" },
    };

    [Theory]
    [MemberData(nameof(BadSizes))]
    public void ResNet_config_with_a_non_positive_size_throws_naming_the_entry_the_value_and_the_fix(
        ResNetConfig config, string whatAndValue, string fix)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ResNet(config));
        Assert.Contains(whatAndValue, ex.Message);
        Assert.Contains(fix, ex.Message);
    }

    [Fact]
    public void ResNet_config_with_lists_of_different_lengths_throws_naming_both_lengths()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ResNet(new ResNetConfig([2, 2, 2, 2], [64, 128, 256])));
        Assert.Contains("4 entries in BlocksPerStage but 3 in ChannelsPerStage", ex.Message);
        Assert.Contains("one channel count per stage", ex.Message);
    }

    [Fact]
    public void ResNet_config_without_stages_throws_and_shows_an_example()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ResNet(new ResNetConfig([], [])));
        Assert.Contains("BlocksPerStage is empty", ex.Message);
        Assert.Contains("[2, 2, 2, 2]", ex.Message);
    }

    [Fact]
    public void Stage_b3_of_ResNet18_doubles_the_channels_halves_the_size_and_has_d2ls_parameters()
    {
        // d2l's resnet_block(128, 2): a stride-2 block with a 1×1 projection, then a block that keeps the shape.
        using var b3 = ResNet.Stage(ResNetConfig.ResNet18, 1);
        using var x = randn(1, 64, 56, 56);
        using var y = b3.call(x);
        Assert.Equal(new long[] { 1, 128, 28, 28 }, y.shape);
        Assert.Equal(Block(64, 128, projection: true) + Block(128, 128, projection: false), ParameterCounts.Total(b3));
    }

    [Fact]
    public void ResNet_forward_leaves_no_tensor_alive_but_its_result()
    {
        using var net = new ResNet(Tiny);
        using var x = randn(1, 1, 32, 32);
        using (net.call(x))
        {
            // warm-up
        }

        var statistics = DisposeScopeManager.Statistics;
        statistics.Reset();
        var y = net.call(x);
        Assert.Equal(1, statistics.ThreadTotalLiveCount);
        y.Dispose();
        Assert.Equal(0, statistics.ThreadTotalLiveCount);
    }
}
