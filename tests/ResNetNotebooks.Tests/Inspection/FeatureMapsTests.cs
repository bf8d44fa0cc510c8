using ResNetNotebooks.Models;
using TorchSharp;
using static TorchSharp.torch;
using ResNetNotebooks.Tests.Models;
using ResNetNotebooks.Inspection;

namespace ResNetNotebooks.Tests.Inspection;

public class FeatureMapsTests
{
    [Fact]
    public void Feature_maps_of_one_image_are_cpu_float_tensors_keyed_by_stage_in_forward_order()
    {
        using var net = new ResNet(ResNetTests.Tiny);
        using var image = randn(1, 32, 32);                         // (C, H, W): no batch dimension needed
        using var maps = FeatureMaps.Capture(net, image);

        Assert.Equal(["b1", "b2", "b3", "avgpool", "flatten", "fc"], maps.Names);
        Assert.Equal(6, maps.Count);
        Assert.Equal("b3", maps[2].Key);
        Assert.All(maps, m => Assert.Equal(ScalarType.Float32, m.Value.dtype));
        Assert.All(maps, m => Assert.Equal(DeviceType.CPU, m.Value.device_type));
        Assert.Equal(new long[] { 1, 32, 4, 4 }, maps["b3"].shape);
        Assert.Equal(new long[] { 1, 10 }, maps["fc"].shape);
    }

    [Fact]
    public void Feature_maps_outlive_the_callers_dispose_scope_and_are_freed_by_Dispose()
    {
        using var net = new ResNet(ResNetTests.Tiny);
        using var image = randn(1, 1, 32, 32);
        FeatureMaps maps;
        using (NewDisposeScope())
        {
            maps = FeatureMaps.Capture(net, image);
        }

        var b2 = maps["b2"];
        Assert.False(b2.IsInvalid);
        Assert.Equal(new long[] { 1, 16, 8, 8 }, b2.shape);

        maps.Dispose();
        Assert.True(b2.IsInvalid);
        Assert.Throws<ObjectDisposedException>(() => maps["b2"]);
        Assert.False(image.IsInvalid);                              // the image stays the caller's
    }

    [Fact]
    public void Capture_keeps_one_tensor_per_stage_alive_and_nothing_else()
    {
        using var net = new ResNet(ResNetTests.Tiny);
        using var image = randn(1, 32, 32);
        FeatureMaps.Capture(net, image).Dispose();                   // warm-up

        var statistics = DisposeScopeManager.Statistics;
        statistics.Reset();
        var maps = FeatureMaps.Capture(net, image);
        Assert.Equal(maps.Count, statistics.ThreadTotalLiveCount);
        maps.Dispose();
        Assert.Equal(0, statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Feature_map_arrays_are_channel_row_column_copies_of_the_four_dimensional_stages()
    {
        using var net = new ResNet(ResNetTests.Tiny);
        using var image = randn(1, 32, 32);
        using var maps = FeatureMaps.Capture(net, image);
        var arrays = maps.ToArrays();

        Assert.Equal(["b1", "b2", "b3", "avgpool"], arrays.Keys);  // flatten and fc are vectors
        var b3 = arrays["b3"];
        Assert.Equal([32, 4, 4], new[] { b3.GetLength(0), b3.GetLength(1), b3.GetLength(2) });
        Assert.Equal(maps["b3"][0, 31, 2, 3].item<float>(), b3[31, 2, 3]);
        Assert.Equal(maps["b3"][0, 0, 0, 0].item<float>(), b3[0, 0, 0]);
    }

    [Fact]
    public void Capture_leaves_the_model_in_training_mode_when_it_was_training()
    {
        using var net = new ResNet(ResNetTests.Tiny);
        using var image = randn(1, 32, 32);
        using (FeatureMaps.Capture(net, image))
        {
            Assert.True(net.training);
            Assert.All(net.modules(), m => Assert.True(m.training));
        }
    }

    [Fact]
    public void Capture_takes_one_image_and_says_how_to_pick_one_from_a_batch()
    {
        using var net = new ResNet(ResNetTests.Tiny);
        using var batch = randn(2, 1, 32, 32);
        var ex = Assert.Throws<ArgumentException>(() => FeatureMaps.Capture(net, batch));
        Assert.Contains("one image, (C, H, W) or (1, C, H, W), but got shape (2, 1, 32, 32)", ex.Message);
        Assert.Contains("batch[i]", ex.Message);
    }

    [Fact]
    public void Asking_for_an_unknown_stage_lists_the_stages_there_are()
    {
        using var net = new ResNet(ResNetTests.Tiny);
        using var image = randn(1, 32, 32);
        using var maps = FeatureMaps.Capture(net, image);
        var ex = Assert.Throws<KeyNotFoundException>(() => maps["layer1"]);
        Assert.Contains("'layer1'", ex.Message);
        Assert.Contains("b1, b2, b3, avgpool, flatten, fc", ex.Message);
    }

    [Fact]
    public void ToArray_rejects_a_vector_output_and_explains_why()
    {
        using var vector = zeros(1, 512);
        var ex = Assert.Throws<ArgumentException>(() => FeatureMaps.ToArray(vector));
        Assert.Contains("(1, 512)", ex.Message);
        Assert.Contains("flatten and fc outputs are vectors", ex.Message);
    }
}
