using ResNetNotebooks.Models;
using TorchSharp;
using static ResNetNotebooks.Tests.Models.Arithmetic;
using static TorchSharp.torch;
using ResNetNotebooks.Inspection;

namespace ResNetNotebooks.Tests.Models;

public class ResidualTests
{
    [Fact]
    public void Residual_with_identity_shortcut_keeps_the_shape_of_the_input()
    {
        // Seed: blk = Residual(3); X = torch.randn(4, 3, 6, 6); blk(X).shape == (4, 3, 6, 6)
        using var blk = new Residual(3, 3);
        using var x = randn(4, 3, 6, 6);
        using var y = blk.call(x);
        Assert.Equal(new long[] { 4, 3, 6, 6 }, y.shape);
        Assert.True(blk.HasIdentityShortcut);
    }

    [Fact]
    public void Residual_with_stride_2_and_projection_halves_height_and_width()
    {
        // Seed: blk = Residual(6, use_1x1conv=True, strides=2); blk(X).shape == (4, 6, 3, 3)
        using var blk = new Residual(3, 6, useProjection: true, stride: 2);
        using var x = randn(4, 3, 6, 6);
        using var y = blk.call(x);
        Assert.Equal(new long[] { 4, 6, 3, 3 }, y.shape);
        Assert.False(blk.HasIdentityShortcut);
    }

    [Fact]
    public void Residual_output_is_not_negative_because_relu_comes_after_the_addition()
    {
        using var blk = new Residual(3, 3);
        using var x = randn(2, 3, 5, 5);
        using var y = blk.call(x);
        Assert.True(y.min().item<float>() >= 0);
    }

    [Fact]
    public void Residual_parameters_are_two_3x3_convs_two_batch_norms_and_the_1x1_projection()
    {
        using var blk = new Residual(3, 6, useProjection: true, stride: 2);
        // conv1 3·3·3·6 + 6 = 168, bn1 12, conv2 3·3·6·6 + 6 = 330, bn2 12, projection 3·6 + 6 = 24
        var expected = Conv(3, 3, 6) + Bn(6) + Conv(3, 6, 6) + Bn(6) + Conv(1, 3, 6);
        Assert.Equal(546, expected);
        Assert.Equal(expected, ParameterCounts.Total(blk));
    }

    [Fact]
    public void Residual_children_are_named_as_in_the_paper_and_torchvision()
    {
        using var blk = new Residual(3, 6, useProjection: true, stride: 2);
        Assert.Equal(["conv1", "bn1", "conv2", "bn2", "downsample"], blk.named_children().Select(c => c.name));
    }

    [Fact]
    public void Residual_calls_its_layers_through_call_so_forward_hooks_fire()
    {
        using var blk = new Residual(3, 6, useProjection: true, stride: 2);
        var fired = new List<string>();
        foreach (var (name, child) in blk.named_children())
        {
            ((nn.Module<Tensor, Tensor>)child).register_forward_hook((_, _, output) =>
            {
                fired.Add(name);
                return output;
            });
        }

        using var x = randn(1, 3, 6, 6);
        using var y = blk.call(x);
        Assert.Equal(["conv1", "bn1", "conv2", "bn2", "downsample"], fired);
    }

    [Fact]
    public void Residual_that_changes_channels_without_projection_throws_naming_the_channels_and_the_fix()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Residual(64, 128));
        Assert.Contains("Residual(64 → 128, stride 1) changes the channel count", ex.Message);
        Assert.Contains("identity shortcut cannot be added", ex.Message);
        Assert.Contains("useProjection: true", ex.Message);
        Assert.Contains("keep 64 channels", ex.Message);
    }

    [Fact]
    public void Residual_with_stride_2_without_projection_throws_naming_the_stride_and_the_fix()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Residual(64, 64, stride: 2));
        Assert.Contains("Residual(64 → 64, stride 2) changes height and width", ex.Message);
        Assert.Contains("useProjection: true", ex.Message);
        Assert.Contains("stride: 1", ex.Message);
    }

    [Fact]
    public void Residual_built_with_a_null_downsample_that_changes_shape_throws_like_the_d2l_constructor()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Residual(64, 128, stride: 2, downsample: null));
        Assert.Contains("Residual(64 → 128, stride 2) changes the channel count and height and width", ex.Message);
        Assert.Contains("useProjection: true", ex.Message);
    }

    [Theory]
    [InlineData(0, 64, 1, "inChannels", "but was 0")]
    [InlineData(64, -3, 1, "outChannels", "but was -3")]
    [InlineData(64, 64, 0, "stride", "but was 0")]
    public void Residual_with_a_non_positive_size_throws_naming_the_parameter_and_value(
        int inChannels, int outChannels, int stride, string parameter, string seen)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Residual(inChannels, outChannels, useProjection: true, stride: stride));
        Assert.Equal(parameter, ex.ParamName);
        Assert.Contains($"Residual({inChannels} → {outChannels}, stride {stride})", ex.Message);
        Assert.Contains($"{parameter} must be positive {seen}", ex.Message);
    }

    [Fact]
    public void Residual_rejects_an_input_with_the_wrong_channel_count_before_torch_sees_it()
    {
        using var blk = new Residual(64, 64);
        using var x = zeros(1, 3, 8, 8);
        var ex = Assert.Throws<ArgumentException>(() => blk.call(x));
        Assert.Contains("Residual(64 → 64, stride 1) expects 64 input channel(s) but the input has 3", ex.Message);
        Assert.Contains("(1, 3, 8, 8)", ex.Message);
        Assert.Contains("(N, 64, H, W)", ex.Message);
        Assert.Contains("inChannels: 3", ex.Message);
    }

    [Fact]
    public void Residual_rejects_an_input_that_is_not_4D_and_says_how_to_add_the_batch_dimension()
    {
        using var blk = new Residual(3, 3);
        using var x = zeros(3, 6, 6);
        var ex = Assert.Throws<ArgumentException>(() => blk.call(x));
        Assert.Contains("expects a 4-D input (N, C, H, W) but got a 3-D tensor of shape (3, 6, 6)", ex.Message);
        Assert.Contains("unsqueeze(0)", ex.Message);
    }

    [Fact]
    public void Residual_whose_downsample_gives_the_wrong_shape_throws_InvalidOperationException_naming_both_shapes()
    {
        // A 1×1 conv with stride 1 keeps 6×6 while conv1 (stride 2) gives 3×3.
        using var blk = new Residual(3, 6, stride: 2, downsample: nn.Conv2d(3, 6, 1));
        using var x = zeros(4, 3, 6, 6);
        var ex = Assert.Throws<InvalidOperationException>(() => blk.call(x));
        Assert.Contains("(4, 6, 3, 3)", ex.Message);
        Assert.Contains("(4, 6, 6, 6)", ex.Message);
        Assert.Contains("Shortcuts.Projection(3, 6, 2)", ex.Message);
    }

    [Fact]
    public void Residual_forward_leaves_no_tensor_alive_but_its_result()
    {
        using var blk = new Residual(3, 6, useProjection: true, stride: 2);
        using var x = randn(2, 3, 6, 6);
        using (blk.call(x))
        {
            // warm-up: lazily created native state is not a leak
        }

        var statistics = DisposeScopeManager.Statistics;
        statistics.Reset();
        var y = blk.call(x);
        Assert.Equal(1, statistics.ThreadTotalLiveCount);
        y.Dispose();
        Assert.Equal(0, statistics.ThreadTotalLiveCount);
    }
}
