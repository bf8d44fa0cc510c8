using System.Collections;
using System.Reflection;
using ResNetNotebooks.Display;
using ResNetNotebooks.Models;
using TorchSharp;
using static ResNetNotebooks.Tests.Models.Arithmetic;
using static TorchSharp.torch;
using ResNetNotebooks.Inspection;
using ResNetNotebooks.Tests.Models;

namespace ResNetNotebooks.Tests.Inspection;

public class ModelSummaryTests
{
    [Fact]
    public void Summary_of_a_residual_block_lists_its_four_layers_with_shapes_and_own_parameters()
    {
        using var blk = new Residual(3, 3);
        var summary = ModelSummary.Create(blk, [4, 3, 6, 6]);

        Assert.Equal(["conv1", "bn1", "conv2", "bn2"], summary.Rows.Select(r => r.Name));
        Assert.Equal(["Conv2d", "BatchNorm2d", "Conv2d", "BatchNorm2d"], summary.Rows.Select(r => r.TypeName));
        Assert.All(summary.Rows, r => Assert.Equal(new long[] { 4, 3, 6, 6 }, r.OutputShape));
        Assert.Equal([Conv(3, 3, 3), Bn(3), Conv(3, 3, 3), Bn(3)], summary.Rows.Select(r => r.Parameters));   // 84, 6, 84, 6
        Assert.Equal(180, summary.TotalParameters);
        Assert.Equal(180, summary.TrainableParameters);
        Assert.Equal(0, summary.NonTrainableParameters);
        Assert.Equal(new long[] { 4, 3, 6, 6 }, summary.OutputShape);
    }

    [Fact]
    public void Summary_of_a_projection_block_shows_the_downsample_at_half_height_and_width()
    {
        using var blk = new Residual(3, 6, useProjection: true, stride: 2);
        var summary = ModelSummary.Create(blk, [4, 3, 6, 6]);

        Assert.Equal(["conv1", "bn1", "conv2", "bn2", "downsample"], summary.Rows.Select(r => r.Name));
        Assert.All(summary.Rows, r => Assert.Equal(new long[] { 4, 6, 3, 3 }, r.OutputShape));
        Assert.Equal([Conv(3, 3, 6), Bn(6), Conv(3, 6, 6), Bn(6), Conv(1, 3, 6)], summary.Rows.Select(r => r.Parameters));
        Assert.Equal(546, summary.TotalParameters);
    }

    [Fact]
    public void Summary_of_ResNet18_at_stage_depth_has_b1_to_b5_and_the_head_with_d2l_shapes_and_stage_totals()
    {
        using var net = ResNet.ResNet18();
        var summary = ModelSummary.Create(net, [1, 1, 224, 224], SummaryDepth.Stages);

        Assert.Equal(["b1", "b2", "b3", "b4", "b5", "avgpool", "flatten", "fc"], summary.Rows.Select(r => r.Name));
        Assert.Equal(
            ["Sequential", "Sequential", "Sequential", "Sequential", "Sequential", "AdaptiveAvgPool2d", "Flatten", "Linear"],
            summary.Rows.Select(r => r.TypeName));
        long[][] seedShapes =
        [
            [1, 64, 56, 56], [1, 64, 56, 56], [1, 128, 28, 28], [1, 256, 14, 14], [1, 512, 7, 7], [1, 512, 1, 1], [1, 512], [1, 10],
        ];
        Assert.Equal(seedShapes, summary.Rows.Select(r => r.OutputShape!.ToArray()));
        long[] stageTotals =
        [
            Stem(1, 64),
            2 * Block(64, 64, projection: false),
            Block(64, 128, projection: true) + Block(128, 128, projection: false),
            Block(128, 256, projection: true) + Block(256, 256, projection: false),
            Block(256, 512, projection: true) + Block(512, 512, projection: false),
            0,
            0,
            Linear(512, 10),
        ];
        Assert.Equal(stageTotals, summary.Rows.Select(r => r.Parameters));
        Assert.Equal(11_178_378, summary.TotalParameters);
        Assert.Equal(new long[] { 1, 10 }, summary.OutputShape);
    }

    [Fact]
    public void Summary_at_block_depth_shows_the_stem_layers_and_each_residual_block_with_its_subtree_total()
    {
        using var net = new ResNet(ResNetTests.Tiny);
        var summary = ModelSummary.Create(net, [1, 1, 32, 32], SummaryDepth.Blocks);

        Assert.Equal(
            ["b1.0", "b1.1", "b1.2", "b1.3", "b2.0", "b3.0", "avgpool", "flatten", "fc"],
            summary.Rows.Select(r => r.Name));
        var b3Block = summary.Rows.Single(r => r.Name == "b3.0");
        Assert.Equal("Residual", b3Block.TypeName);
        Assert.Equal(new long[] { 1, 32, 4, 4 }, b3Block.OutputShape);
        Assert.Equal(Block(16, 32, projection: true), b3Block.Parameters);
        Assert.Equal(new long[] { 1, 16, 16, 16 }, summary.Rows.Single(r => r.Name == "b1.2").OutputShape);  // after conv/2, before pool/2
    }

    [Fact]
    public void Summary_at_layer_depth_names_layers_by_their_full_path()
    {
        using var net = new ResNet(ResNetTests.Tiny);
        var summary = ModelSummary.Create(net, [1, 1, 32, 32]);

        Assert.Contains("b3.0.conv1", summary.Rows.Select(r => r.Name));
        Assert.Contains("b3.0.downsample", summary.Rows.Select(r => r.Name));
        Assert.DoesNotContain("b3.0", summary.Rows.Select(r => r.Name));
        Assert.Equal(summary.TotalParameters, summary.Rows.Sum(r => r.Parameters));
    }

    [Fact]
    public void Summary_restores_each_modules_training_flag_and_removes_its_hooks()
    {
        using var blk = new Residual(3, 6, useProjection: true, stride: 2);
        blk.train();
        var bn1 = blk.named_children().Single(c => c.name == "bn1").module;
        bn1.eval();

        ModelSummary.Create(blk, [2, 3, 6, 6]);

        Assert.True(blk.training);
        Assert.False(bn1.training);
        Assert.All(blk.named_children().Where(c => c.name != "bn1"), c => Assert.True(c.module.training));
        Assert.All(blk.modules().Prepend(blk), m => Assert.Equal(0, ForwardHookCount(m)));
    }

    [Fact]
    public void Summary_text_is_an_aligned_table_with_totals()
    {
        using var blk = new Residual(3, 6, useProjection: true, stride: 2);
        var text = ModelSummary.Create(blk, [4, 3, 6, 6]).ToTable().ToString();
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

        var table = lines.SkipWhile(l => !l.StartsWith("Layer")).TakeWhile(l => !l.StartsWith('=')).Where(l => !l.StartsWith('-')).ToArray();
        Assert.Equal(6, table.Length);                                // header + 5 rows
        Assert.Single(table.Select(l => l.Length).Distinct());        // right-aligned last column: same width
        var typeColumn = table[0].IndexOf("Type", StringComparison.Ordinal);
        Assert.All(table.Skip(1), l => Assert.Equal(typeColumn, l.IndexOf(l.Contains("Conv2d") ? "Conv2d" : "BatchNorm2d", StringComparison.Ordinal)));
        Assert.Contains(table, l => l.StartsWith("downsample") && l.Contains("Conv2d") && l.Contains("(4, 6, 3, 3)") && l.EndsWith(" 24"));
        Assert.Contains("Total params: 546", text);
        Assert.Contains("Trainable params: 546", text);
        Assert.Contains("Non-trainable params: 0", text);
    }

    [Fact]
    public void Summary_html_is_a_table_with_escaped_names_and_thousands_separators()
    {
        using var model = nn.Sequential(("x<&>", nn.Linear(1000, 10)));
        var html = ModelSummary.Create(model, [1, 1000]).ToTable().ToHtml();

        Assert.StartsWith("<table", html);
        Assert.EndsWith("</table>", html);
        Assert.Contains("x&lt;&amp;&gt;", html);
        Assert.DoesNotContain("x<&>", html);
        Assert.Contains("10,010", html);                              // 1000·10 + 10
        Assert.Contains("<td style=\"text-align:left\">(1, 10)</td>", html);
    }

    [Fact]
    public void Summary_rejects_a_shape_with_a_zero_size_and_shows_an_example()
    {
        using var blk = new Residual(3, 3);
        var ex = Assert.Throws<ArgumentException>(() => ModelSummary.Create(blk, [1, 0, 6, 6]));
        Assert.Contains("positive sizes but got (1, 0, 6, 6)", ex.Message);
        Assert.Contains("[1, 1, 224, 224]", ex.Message);
    }

    [Fact]
    public void Summary_with_the_wrong_channel_count_reports_the_models_message_and_leaves_the_model_in_training_mode()
    {
        using var net = new ResNet(ResNetTests.Tiny);
        var ex = Assert.Throws<ArgumentException>(() => ModelSummary.Create(net, [1, 3, 32, 32]));
        Assert.Contains("inputChannels: 3", ex.Message);
        Assert.True(net.training);
        Assert.All(net.modules(), m => Assert.Equal(0, ForwardHookCount(m)));
    }

    [Fact]
    public void Summary_leaves_no_tensor_alive()
    {
        using var blk = new Residual(3, 6, useProjection: true, stride: 2);
        ModelSummary.Create(blk, [2, 3, 6, 6]);                       // warm-up

        var statistics = DisposeScopeManager.Statistics;
        statistics.Reset();
        ModelSummary.Create(blk, [2, 3, 6, 6]);
        Assert.Equal(0, statistics.ThreadTotalLiveCount);
    }

    /// <summary>Reads TorchSharp's protected hook table, to check that the summary cleaned up after itself.</summary>
    private static int ForwardHookCount(nn.Module module)
    {
        for (var type = module.GetType(); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(nn.HookableModule<,>))
            {
                var field = type.GetField("post_hooks", BindingFlags.NonPublic | BindingFlags.Instance)!;
                return ((ICollection)field.GetValue(module)!).Count;
            }
        }

        return 0;
    }
}
