using ResNetNotebooks.Inspection;
using ResNetNotebooks.Models;
using TorchSharp;
using static ResNetNotebooks.Tests.Models.Arithmetic;
using static TorchSharp.torch;

namespace ResNetNotebooks.Tests.Models;

public class FamilyBlockTests
{
    [Fact]
    public void Grouped_bottleneck_as_d2ls_ResNeXtBlock_32_16_1_keeps_d2ls_4x32x96x96_batch()
    {
        // d2l: blk = ResNeXtBlock(32, 16, 1); X = torch.randn(4, 32, 96, 96); blk(X).shape → (4, 32, 96, 96).
        // d2l's block: bot_channels = round(32 · 1) = 32, groups = 32 // 16 = 2, a bias in every convolution.
        using var blk = new Bottleneck(32, 32, 32, 1, null, groups: 2, bias: true);
        using var x = randn(4, 32, 96, 96);
        using var y = blk.call(x);
        Assert.Equal(new long[] { 4, 32, 96, 96 }, y.shape);
    }

    [Fact]
    public void Grouped_bottleneck_with_a_stride_2_projection_halves_height_and_width()
    {
        using var blk = new Bottleneck(32, 32, 32, 2, Shortcuts.Projection(32, 32, 2, batchNorm: true), groups: 2, bias: true);
        using var x = randn(4, 32, 96, 96);
        using var y = blk.call(x);
        Assert.Equal(new long[] { 4, 32, 48, 48 }, y.shape);
    }

    [Fact]
    public void Grouped_bottleneck_has_d2ls_ResNeXtBlock_32_16_1_parameters()
    {
        // d2l: bot_channels = round(32 · 1) = 32; conv2 groups = bot_channels // groups = 32 // 16 = 2.
        using var blk = new Bottleneck(32, 32, 32, 1, null, groups: 2, bias: true);
        Assert.Equal(2, blk.Groups);
        Assert.Equal(32, blk.Width);
        var expected = Conv(1, 32, 32) + Bn(32) + GroupedConv(3, 32, 32, groups: 2, bias: true) + Bn(32) + Conv(1, 32, 32) + Bn(32);
        Assert.Equal(expected, ParameterCounts.Total(blk));
    }

    [Fact]
    public void Grouped_bottleneck_names_its_groups_in_messages()
    {
        using var blk = new Bottleneck(32, 32, 32, 1, null, groups: 2, bias: true);
        using var x = randn(1, 16, 8, 8);
        var ex = Assert.Throws<ArgumentException>(() => blk.call(x));
        Assert.Contains("Bottleneck(32 → 32 in 2 groups → 32, stride 1)", ex.Message);
        Assert.Contains("the input has 16", ex.Message);
    }

    [Fact]
    public void Bottleneck_with_width_64_keeps_256_channels_and_has_the_papers_69_632_weights_plus_bn()
    {
        // 256·64 + 9·64·64 + 64·256 = 69,632 weights; BN 2·(64 + 64 + 256) = 768.
        using var blk = new Bottleneck(256, 64);
        using var x = randn(2, 256, 8, 8);
        using var y = blk.call(x);
        Assert.Equal(new long[] { 2, 256, 8, 8 }, y.shape);
        Assert.Equal(69_632 + 768, ParameterCounts.Total(blk));
    }

    [Fact]
    public void Bottleneck_with_stride_2_and_projection_expands_to_4x_width_and_halves_height_and_width()
    {
        using var blk = new Bottleneck(256, 128, stride: 2, useProjection: true);
        using var x = randn(2, 256, 8, 8);
        using var y = blk.call(x);
        Assert.Equal(new long[] { 2, 512, 4, 4 }, y.shape);
        Assert.Equal(BottleneckBlock(256, 128, 512, projection: true), ParameterCounts.Total(blk));
    }

    [Fact]
    public void Bottleneck_that_changes_shape_without_a_shortcut_module_is_rejected_with_the_fix()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Bottleneck(64, 64));
        Assert.Contains("Bottleneck(64 → 64 → 256, stride 1)", ex.Message);
        Assert.Contains("channels 64 → 256", ex.Message);
        Assert.Contains("identity shortcut cannot be added", ex.Message);
        Assert.Contains("useProjection: true", ex.Message);
    }

    [Fact]
    public void Bottleneck_stride_on_the_first_1x1_saves_three_quarters_of_that_convolutions_compute()
    {
        // Input 256 × 8 × 8, width 128, stride 2. Torchvision: conv1 runs on 8×8 (64 positions), the paper: on 4×4 (16).
        // Everything else runs on 4×4 in both, so the difference is (64 − 16) · 256 · 128 multiply-adds.
        using var onThreeByThree = new Bottleneck(256, 128, 512, 2, Shortcuts.Projection(256, 512, 2, true, false));
        using var onOneByOne = new Bottleneck(256, 128, 512, 2, Shortcuts.Projection(256, 512, 2, true, false), strideOn1x1: true);

        var v15 = MultiplyAdds.Count(onThreeByThree, [1, 256, 8, 8]).PerImage;
        var v1 = MultiplyAdds.Count(onOneByOne, [1, 256, 8, 8]).PerImage;

        Assert.Equal(ParameterCounts.Total(onThreeByThree), ParameterCounts.Total(onOneByOne));
        Assert.Equal((64 - 16) * 256L * 128, v15 - v1);
    }

    [Fact]
    public void PreActResidual_keeps_the_shape_and_with_a_projection_halves_it()
    {
        using var blk = new PreActResidual(16, 16);
        using var down = new PreActResidual(16, 32, useProjection: true, stride: 2);
        using var x = randn(2, 16, 8, 8);
        using var y = blk.call(x);
        using var z = down.call(x);
        Assert.Equal(new long[] { 2, 16, 8, 8 }, y.shape);
        Assert.Equal(new long[] { 2, 32, 4, 4 }, z.shape);
    }

    [Fact]
    public void PreActResidual_with_a_zero_last_convolution_is_exactly_the_identity_negative_values_included()
    {
        // Nothing follows the addition: with conv2 = 0 the block returns X itself (the original block would give relu(X)).
        using var blk = new PreActResidual(16, 16);
        using (no_grad())
        {
            foreach (var (name, p) in blk.named_parameters().Where(p => p.name.StartsWith("conv2.", StringComparison.Ordinal)))
            {
                p.zero_();
            }
        }

        using var x = randn(2, 16, 4, 4);
        using var y = blk.call(x);
        Assert.True(x.lt(0).any().item<bool>());
        Assert.True(y.eq(x).all().item<bool>());
    }

    [Fact]
    public void PreActResidual_normalises_its_input_so_bn1_has_the_input_channels()
    {
        using var blk = new PreActResidual(64, 128, useProjection: true, stride: 2);
        var expected = Bn(64) + Conv(3, 64, 128) + Bn(128) + Conv(3, 128, 128) + Conv(1, 64, 128);
        Assert.Equal(expected, ParameterCounts.Total(blk));
    }

    [Fact]
    public void Average_pool_shortcut_reads_all_four_positions_where_a_strided_1x1_conv_reads_one()
    {
        // One non-zero input at (1, 1): a 1×1 conv with stride 2 samples (0, 0) only and sees nothing; a 2×2 average
        // pool first lets it in with weight 1/4.
        using var optionB = Shortcuts.Projection(1, 1, stride: 2, bias: false);
        using var optionD = (TorchSharp.Modules.Sequential)Shortcuts.AveragePoolProjection(1, 1, stride: 2, bias: false);
        using (no_grad())
        {
            optionB.parameters().Single().fill_(1);
            optionD.parameters().Single().fill_(1);
        }

        using var x = zeros(1, 1, 4, 4);
        x[0, 0, 1, 1] = tensor(8f);
        using var b = optionB.call(x);
        using var d = optionD.call(x);
        Assert.Equal(0f, b[0, 0, 0, 0].item<float>());
        Assert.Equal(2f, d[0, 0, 0, 0].item<float>());
    }

    [Fact]
    public void Average_pool_shortcut_matches_the_3x3_branch_on_odd_sizes_and_has_the_projections_parameters()
    {
        // 3×3, stride 2, padding 1 on 7×7: ⌊(7 + 2 − 3) / 2⌋ + 1 = 4; the pool with ceil_mode gives ⌈7 / 2⌉ = 4.
        using var blk = new Residual(16, 32, stride: 2, downsample: Shortcuts.For(ShortcutOption.D, 16, 32, 2));
        using var x = randn(1, 16, 7, 7);
        using var y = blk.call(x);
        Assert.Equal(new long[] { 1, 32, 4, 4 }, y.shape);
        Assert.Equal(Block(16, 32, projection: true), ParameterCounts.Total(blk));
    }

    [Fact]
    public void Option_D_keeps_the_identity_where_the_shape_is_kept_and_pools_only_where_it_strides()
    {
        Assert.Null(Shortcuts.For(ShortcutOption.D, 64, 64, 1));
        using var widen = Shortcuts.For(ShortcutOption.D, 64, 256, 1, projectionBatchNorm: true, bias: false);
        using var stride = Shortcuts.For(ShortcutOption.D, 256, 512, 2, projectionBatchNorm: true, bias: false);
        Assert.IsNotType<TorchSharp.Modules.AvgPool2d>(((TorchSharp.Modules.Sequential)widen!).children().First());
        Assert.IsType<TorchSharp.Modules.AvgPool2d>(((TorchSharp.Modules.Sequential)stride!).children().First());
    }

    [Fact]
    public void Bottleneck_rejects_groups_that_do_not_divide_its_width_and_says_what_would()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Bottleneck(256, 100, 256, 1, null, groups: 32));
        Assert.Contains("groups = 32 does not divide the bottleneck width 100", ex.Message);
        Assert.Contains("multiple of 32", ex.Message);
    }

    [Fact]
    public void PreActResidual_that_changes_shape_without_a_projection_is_rejected_with_the_fix()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PreActResidual(16, 32, stride: 2));
        Assert.Contains("PreActResidual(16 → 32, stride 2)", ex.Message);
        Assert.Contains("useProjection: true", ex.Message);
    }

    [Fact]
    public void PreActResidual_with_a_zero_stride_names_the_block_and_the_fix()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new PreActResidual(16, 32, useProjection: true, stride: 0));
        Assert.Contains("PreActResidual(16 → 32, stride 0): stride must be positive but was 0", ex.Message);
    }
}
