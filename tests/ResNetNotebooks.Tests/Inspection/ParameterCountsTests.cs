using ResNetNotebooks.Models;
using static ResNetNotebooks.Tests.Models.Arithmetic;
using ResNetNotebooks.Inspection;

namespace ResNetNotebooks.Tests.Inspection;

public class ParameterCountsTests
{
    [Fact]
    public void Per_stage_counts_of_ResNet18_follow_layer_arithmetic_and_add_up_to_the_total()
    {
        using var net = ResNet.ResNet18();
        var perStage = ParameterCounts.PerStage(net);

        Assert.Equal(["b1", "b2", "b3", "b4", "b5", "avgpool", "flatten", "fc"], perStage.Keys);
        Assert.Equal(3_328, perStage["b1"]);                                               // 7·7·1·64 + 64 + 2·64
        Assert.Equal(148_224, perStage["b2"]);                                             // 2 · (2 · (9·64·64 + 64) + 4·64)
        Assert.Equal(Block(64, 128, projection: true) + Block(128, 128, projection: false), perStage["b3"]);
        Assert.Equal(Block(128, 256, projection: true) + Block(256, 256, projection: false), perStage["b4"]);
        Assert.Equal(Block(256, 512, projection: true) + Block(512, 512, projection: false), perStage["b5"]);
        Assert.Equal(0, perStage["avgpool"]);
        Assert.Equal(0, perStage["flatten"]);
        Assert.Equal(5_130, perStage["fc"]);                                               // 512·10 + 10
        Assert.Equal(11_178_378, perStage.Values.Sum());
    }

    [Fact]
    public void Trainable_count_leaves_out_frozen_parameters()
    {
        using var blk = new Residual(3, 6, useProjection: true, stride: 2);
        var conv1 = blk.named_children().Single(c => c.name == "conv1").module;
        foreach (var p in conv1.parameters())
        {
            p.requires_grad = false;
        }

        Assert.Equal(546, ParameterCounts.Total(blk));
        Assert.Equal(546 - Conv(3, 3, 6), ParameterCounts.Trainable(blk));
    }
}
