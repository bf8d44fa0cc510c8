using ResNetNotebooks.Models;
using TorchSharp;
using static ResNetNotebooks.Tests.Models.Arithmetic;
using static TorchSharp.torch;
using ResNetNotebooks.Inspection;

namespace ResNetNotebooks.Tests.Models;

public class ShortcutTests
{
    [Fact]
    public void Zero_pad_shortcut_keeps_every_second_pixel_and_appends_channels_of_zeros()
    {
        // x[0, c, i, j] = 16c + 4i + j; stride 2 keeps (i, j) ∈ {0, 2}²: channel 0 → 0, 2, 8, 10; channel 1 → 16, 18, 24, 26.
        using var shortcut = new ZeroPadShortcut(2, 4, stride: 2);
        using var x = arange(32, dtype: ScalarType.Float32).reshape(1, 2, 4, 4);
        using var y = shortcut.call(x);

        Assert.Equal(new long[] { 1, 4, 2, 2 }, y.shape);
        Assert.Equal(
            new float[] { 0, 2, 8, 10, 16, 18, 24, 26, 0, 0, 0, 0, 0, 0, 0, 0 },
            y.data<float>().ToArray());
    }

    [Fact]
    public void Zero_pad_shortcut_has_no_parameters()
    {
        using var shortcut = new ZeroPadShortcut(64, 128, stride: 2);
        Assert.Equal(0, ParameterCounts.Total(shortcut));
    }

    [Fact]
    public void Zero_pad_shortcut_on_odd_sizes_matches_a_3x3_conv_with_stride_2_and_padding_1()
    {
        // conv: ⌊(7 + 2·1 − 3) / 2⌋ + 1 = 4; slicing ::2 keeps rows 0, 2, 4, 6 = 4.
        using var blk = new Residual(3, 6, stride: 2, downsample: new ZeroPadShortcut(3, 6, stride: 2));
        using var x = randn(1, 3, 7, 7);
        using var y = blk.call(x);
        Assert.Equal(new long[] { 1, 6, 4, 4 }, y.shape);
    }

    [Fact]
    public void Zero_pad_shortcut_cannot_drop_channels_and_says_which_option_can()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ZeroPadShortcut(128, 64, stride: 2));
        Assert.Contains("ZeroPadShortcut(128 → 64, stride 2)", ex.Message);
        Assert.Contains("drop 64 channels", ex.Message);
        Assert.Contains("ShortcutOption.B or C", ex.Message);
    }

    [Theory]
    [InlineData(ShortcutOption.A, 64, 64, 1, null)]
    [InlineData(ShortcutOption.A, 64, 128, 2, typeof(ZeroPadShortcut))]
    [InlineData(ShortcutOption.B, 64, 64, 1, null)]
    [InlineData(ShortcutOption.B, 64, 128, 2, typeof(TorchSharp.Modules.Conv2d))]
    [InlineData(ShortcutOption.B, 64, 64, 2, typeof(TorchSharp.Modules.Conv2d))]
    [InlineData(ShortcutOption.C, 64, 64, 1, typeof(TorchSharp.Modules.Conv2d))]
    [InlineData(ShortcutOption.C, 64, 128, 2, typeof(TorchSharp.Modules.Conv2d))]
    public void Shortcut_options_follow_the_paper_identity_where_possible_under_A_and_B_projection_everywhere_under_C(
        ShortcutOption option, int inChannels, int outChannels, int stride, Type? expected)
    {
        using var shortcut = Shortcuts.For(option, inChannels, outChannels, stride);
        Assert.Equal(expected, shortcut?.GetType());
    }

    [Fact]
    public void Projection_with_batch_norm_is_a_1x1_conv_followed_by_batch_norm_as_in_torchvision()
    {
        using var projection = Shortcuts.Projection(64, 128, stride: 2, batchNorm: true, bias: false);
        Assert.Equal(
            [typeof(TorchSharp.Modules.Conv2d), typeof(TorchSharp.Modules.BatchNorm2d)],
            projection.named_children().Select(c => c.module.GetType()));
        Assert.Equal(Conv(1, 64, 128, bias: false) + Bn(128), ParameterCounts.Total(projection));
    }

    [Fact]
    public void Option_A_stage_halves_height_and_width_and_doubles_channels_without_shortcut_parameters()
    {
        // The second stage of a two-stage network: 3 → 6 channels, stride 2, one block.
        using var stage = ResNet.Stage(new ResNetConfig([1, 1], [3, 6], Shortcut: ShortcutOption.A), 1);
        using var x = randn(4, 3, 6, 6);
        using var y = stage.call(x);
        Assert.Equal(new long[] { 4, 6, 3, 3 }, y.shape);
        Assert.Equal(Block(3, 6, projection: false), ParameterCounts.Total(stage));
    }

    [Fact]
    public void ResNet18_has_fewer_parameters_under_option_A_than_B_than_C_by_exactly_the_projections()
    {
        using var a = ResNet.ResNet18(shortcut: ShortcutOption.A);
        using var b = ResNet.ResNet18(shortcut: ShortcutOption.B);
        using var c = ResNet.ResNet18(shortcut: ShortcutOption.C);

        // B adds a 1×1 projection to the first block of b3, b4 and b5 (where channels double and H, W halve).
        var bMinusA = Projection(64, 128) + Projection(128, 256) + Projection(256, 512);
        Assert.Equal(8_320 + 33_024 + 131_584, bMinusA);

        // C also projects on every other block: both blocks of b2 and the second block of b3, b4, b5.
        var cMinusB = (2 * Projection(64, 64)) + Projection(128, 128) + Projection(256, 256) + Projection(512, 512);
        Assert.Equal(8_320 + 16_512 + 65_792 + 262_656, cMinusB);

        var (countA, countB, countC) = (ParameterCounts.Total(a), ParameterCounts.Total(b), ParameterCounts.Total(c));
        Assert.Equal(11_178_378, countB);
        Assert.Equal(bMinusA, countB - countA);
        Assert.Equal(cMinusB, countC - countB);
    }
}
