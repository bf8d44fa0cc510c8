using ResNetNotebooks.Display;
using ResNetNotebooks.Models;
using TorchSharp;
using static TorchSharp.torch;
using ResNetNotebooks.Inspection;

namespace ResNetNotebooks.Tests.Inspection;

public class MultiplyAddsTests
{
    /// <summary>A k×k convolution cin → cout with an output of h×w: every output value needs cin·k·k multiply-adds.</summary>
    private static long Conv(long cout, long h, long w, long cin, long k) => cout * h * w * cin * k * k;

    [Fact]
    public void A_convolution_costs_its_output_values_times_its_weights_per_output_channel()
    {
        using var conv = nn.Conv2d(3, 8, kernel_size: 3, padding: 1);

        var macs = MultiplyAdds.Count(conv, [1, 3, 6, 6]);

        var row = Assert.Single(macs.Layers);
        Assert.Equal(8 * 6 * 6 * (3 * 3 * 3), row.MultiplyAdds);                 // 7,776
        Assert.Equal(new long[] { 1, 8, 6, 6 }, row.OutputShape);
        Assert.Equal("Conv2d", row.TypeName);
        Assert.Equal("Conv2d", row.Name);                                       // a lone layer is named after its class
    }

    [Fact]
    public void A_linear_layer_costs_inputs_times_outputs_and_a_batch_costs_its_size_times_one_image()
    {
        using var fc = nn.Linear(512, 10);

        var one = MultiplyAdds.Count(fc, [1, 512]);
        var four = MultiplyAdds.Count(fc, [4, 512]);

        Assert.Equal(512 * 10, one.Total);
        Assert.Equal(4 * 512 * 10, four.Total);
        Assert.Equal(512 * 10, four.PerImage);
    }

    [Fact]
    public void Residual_64_to_128_with_stride_2_costs_two_3x3_convs_and_a_1x1_projection_at_28x28()
    {
        using var blk = new Residual(64, 128, useProjection: true, stride: 2);

        var macs = MultiplyAdds.Count(blk, [1, 64, 56, 56]);

        Assert.Equal(["conv1", "conv2", "downsample"], macs.Layers.Select(l => l.Name));
        Assert.Equal(Conv(128, 28, 28, 64, 3), macs.Layers[0].MultiplyAdds);     // 57,802,752
        Assert.Equal(Conv(128, 28, 28, 128, 3), macs.Layers[1].MultiplyAdds);    // 115,605,504
        Assert.Equal(Conv(128, 28, 28, 64, 1), macs.Layers[2].MultiplyAdds);     // 6,422,528
        Assert.Equal(6_422_528, macs.PerImageWhereNameContains("downsample"));
    }

    [Fact]
    public void ResNet18_on_one_224x224_image_costs_the_sum_of_its_convolutions_and_fc_by_hand()
    {
        using var net = ResNet.ResNet18();

        var macs = MultiplyAdds.Count(net, [1, 1, 224, 224]);

        var stem = Conv(64, 112, 112, 1, 7);
        var b2 = 4 * Conv(64, 56, 56, 64, 3);
        long Stage(long cin, long cout, long size) =>
            Conv(cout, size, size, cin, 3) + (3 * Conv(cout, size, size, cout, 3)) + Conv(cout, size, size, cin, 1);
        var b3 = Stage(64, 128, 28);
        var b4 = Stage(128, 256, 14);
        var b5 = Stage(256, 512, 7);
        var fc = 512 * 10;
        Assert.Equal(stem, macs.PerImageUnder("b1"));
        Assert.Equal(b2, macs.PerImageUnder("b2"));
        Assert.Equal(b3, macs.PerImageUnder("b3"));
        Assert.Equal(b5, macs.PerImageUnder("b5"));
        Assert.Equal(stem + b2 + b3 + b4 + b5 + fc, macs.PerImage);              // about 1.74 × 10⁹
        Assert.Equal(3 * 6_422_528, macs.PerImageWhereNameContains("downsample")); // every projection costs the same
        Assert.Equal(0, macs.PerImageUnder("b3.0.bn1"));                         // batch norm is not counted
    }

    [Fact]
    public void Counting_leaves_the_model_in_training_mode_and_shows_a_table()
    {
        using var blk = new Residual(3, 6, useProjection: true, stride: 2);

        var macs = MultiplyAdds.Count(blk, [2, 3, 6, 6]);

        Assert.True(blk.training);
        Assert.Contains("<td style=\"text-align:left\">downsample</td>", macs.ToTable().ToHtml());
        Assert.Contains("Per image:", macs.ToTable().ToString());
    }

    [Fact]
    public void A_shape_with_a_zero_size_is_refused_with_an_example()
    {
        using var blk = new Residual(3, 3);

        var error = Assert.Throws<ArgumentException>(() => MultiplyAdds.Count(blk, [0, 3, 6, 6]));

        Assert.Contains("[1, 1, 224, 224]", error.Message);
    }
}
