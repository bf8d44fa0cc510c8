using ResNetNotebooks.Models;
using ResNetNotebooks.Notebooks;
using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Tests.Notebooks;

/// <summary>
/// Notebook 06's exercise 3 ("implement the bottleneck") checked by what the learner's block computes: blocks written
/// here as a learner would write them, right and wrong, built into a small bottleneck network by the library's builder.
/// </summary>
public class ModuleExerciseTests
{
    private const string Hint = "ReLU after bn1 and bn2; add the shortcut, then the last ReLU";

    /// <summary>Two stages of one bottleneck each (widths 16 and 32, outputs 64 and 128): the second block has stride 2 and a projection.</summary>
    private static ResNetConfig Small => new ResNetConfig([1, 1], [16, 32]) { Block = BlockKind.Bottleneck }.AsTorchVision();

    private enum Mistake { None, NoShortcut, ReluBeforeAddition, StrideOn1x1 }

    /// <summary>The bottleneck as d2l would write it, with one mistake (or none).</summary>
    private sealed class LearnerBottleneck : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> conv1, bn1, conv2, bn2, conv3, bn3;
        private readonly nn.Module<Tensor, Tensor>? downsample;
        private readonly Mistake mistake;

        public LearnerBottleneck(BlockSpec spec, Mistake mistake) : base(nameof(LearnerBottleneck))
        {
            this.mistake = mistake;
            var (stride1, stride3) = mistake == Mistake.StrideOn1x1 ? (spec.Stride, 1) : (1, spec.Stride);
            conv1 = nn.Conv2d(spec.InChannels, spec.Width, 1, stride: stride1, bias: spec.Bias);
            bn1 = nn.BatchNorm2d(spec.Width);
            conv2 = nn.Conv2d(spec.Width, spec.Width, 3, stride: stride3, padding: 1, groups: spec.Groups, bias: spec.Bias);
            bn2 = nn.BatchNorm2d(spec.Width);
            conv3 = nn.Conv2d(spec.Width, spec.OutChannels, 1, bias: spec.Bias);
            bn3 = nn.BatchNorm2d(spec.OutChannels);
            downsample = spec.Downsample;
            RegisterComponents();
        }

        public override Tensor forward(Tensor X)
        {
            using var scope = torch.NewDisposeScope();
            var Y = nn.functional.relu(bn1.call(conv1.call(X)));
            Y = nn.functional.relu(bn2.call(conv2.call(Y)));
            Y = bn3.call(conv3.call(Y));
            var shortcut = downsample is null ? X : downsample.call(X);
            var result = mistake switch
            {
                Mistake.NoShortcut => nn.functional.relu(Y),
                Mistake.ReluBeforeAddition => nn.functional.relu(Y) + shortcut,
                _ => nn.functional.relu(Y + shortcut),
            };
            return result.MoveToOuterDisposeScope();
        }
    }

    private static ExerciseVerdict CheckLearner(Mistake mistake)
    {
        using var reference = new ResNet(Small);
        using var yours = new ResNet(Small, spec => new LearnerBottleneck(spec, mistake));
        using var strideOn1x1 = new ResNet(Small with { BottleneckStrideOn1x1 = true });
        using var input = torch.randn(2, 3, 64, 64);
        return ModuleExercise.Check(yours, reference, input, Hint, (strideOn1x1, "your stride is on the first 1×1 convolution"));
    }

    [Fact]
    public void A_correct_bottleneck_is_marked_correct()
    {
        var verdict = CheckLearner(Mistake.None);

        Assert.Equal(ExerciseOutcome.Correct, verdict.Outcome);
        Assert.StartsWith("Correct: ", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bottleneck_that_never_adds_its_shortcut_has_the_right_count_and_shape_but_is_marked_wrong()
    {
        var verdict = CheckLearner(Mistake.NoShortcut);

        Assert.Equal(ExerciseOutcome.Wrong, verdict.Outcome);
        Assert.Contains("computes something else", verdict.Message, StringComparison.Ordinal);
        Assert.Contains(Hint, verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bottleneck_with_its_last_relu_before_the_addition_is_marked_wrong()
    {
        var verdict = CheckLearner(Mistake.ReluBeforeAddition);

        Assert.Equal(ExerciseOutcome.Wrong, verdict.Outcome);
        Assert.Contains("computes something else", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bottleneck_with_the_stride_on_the_first_1x1_gets_the_known_mistakes_diagnosis()
    {
        var verdict = CheckLearner(Mistake.StrideOn1x1);

        Assert.Equal(ExerciseOutcome.Wrong, verdict.Outcome);
        Assert.Equal("Not quite: your stride is on the first 1×1 convolution.", verdict.Message);
    }

    [Fact]
    public void A_bottleneck_whose_layers_have_other_names_is_told_which_name_is_missing()
    {
        using var reference = new ResNet(Small);
        using var yours = new ResNet(Small, spec => new Renamed(spec));
        using var input = torch.randn(1, 3, 32, 32);

        var verdict = ModuleExercise.Check(yours, reference, input, Hint);

        Assert.Equal(ExerciseOutcome.Wrong, verdict.Outcome);
        Assert.Contains("yours has no b2.0.conv1.weight", verdict.Message, StringComparison.Ordinal);
        Assert.Contains("the library's has no b2.0.reduce.weight", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_module_yet_gives_the_hint_and_no_verdict_on_correctness()
    {
        using var reference = new ResNet(Small);
        using var input = torch.randn(1, 3, 32, 32);

        var verdict = ModuleExercise.Check(null, reference, input, Hint);

        Assert.Equal(ExerciseOutcome.NotAnswered, verdict.Outcome);
        Assert.Contains(Hint, verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_skipped_batch_norm_is_caught_because_the_reference_batch_norms_are_not_fresh()
    {
        // A fresh batch norm in eval mode divides by sqrt(1 + 1e-5): within the tolerance of the identity. The check
        // randomises the reference's batch norms, so a block that declares bn3 but never calls it fails.
        using var reference = new ResNet(Small);
        using var yours = new ResNet(Small, spec => new SkipsBn3(spec));
        using var input = torch.randn(2, 3, 64, 64);

        var verdict = ModuleExercise.Check(yours, reference, input, Hint);

        Assert.Equal(ExerciseOutcome.Wrong, verdict.Outcome);
    }

    private sealed class SkipsBn3 : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> conv1, bn1, conv2, bn2, conv3, bn3;
        private readonly nn.Module<Tensor, Tensor>? downsample;

        public SkipsBn3(BlockSpec spec) : base(nameof(SkipsBn3))
        {
            conv1 = nn.Conv2d(spec.InChannels, spec.Width, 1, bias: spec.Bias);
            bn1 = nn.BatchNorm2d(spec.Width);
            conv2 = nn.Conv2d(spec.Width, spec.Width, 3, stride: spec.Stride, padding: 1, bias: spec.Bias);
            bn2 = nn.BatchNorm2d(spec.Width);
            conv3 = nn.Conv2d(spec.Width, spec.OutChannels, 1, bias: spec.Bias);
            bn3 = nn.BatchNorm2d(spec.OutChannels);
            downsample = spec.Downsample;
            RegisterComponents();
        }

        public override Tensor forward(Tensor X)
        {
            using var scope = torch.NewDisposeScope();
            var Y = nn.functional.relu(bn1.call(conv1.call(X)));
            Y = nn.functional.relu(bn2.call(conv2.call(Y)));
            Y = conv3.call(Y);
            return nn.functional.relu(Y + (downsample is null ? X : downsample.call(X))).MoveToOuterDisposeScope();
        }
    }

    /// <summary>A correct bottleneck whose first convolution is a field named <c>reduce</c>, not <c>conv1</c>.</summary>
    private sealed class Renamed : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> reduce, bn1, conv2, bn2, conv3, bn3;
        private readonly nn.Module<Tensor, Tensor>? downsample;

        public Renamed(BlockSpec spec) : base(nameof(Renamed))
        {
            reduce = nn.Conv2d(spec.InChannels, spec.Width, 1, bias: spec.Bias);
            bn1 = nn.BatchNorm2d(spec.Width);
            conv2 = nn.Conv2d(spec.Width, spec.Width, 3, stride: spec.Stride, padding: 1, bias: spec.Bias);
            bn2 = nn.BatchNorm2d(spec.Width);
            conv3 = nn.Conv2d(spec.Width, spec.OutChannels, 1, bias: spec.Bias);
            bn3 = nn.BatchNorm2d(spec.OutChannels);
            downsample = spec.Downsample;
            RegisterComponents();
        }

        public override Tensor forward(Tensor X)
        {
            using var scope = torch.NewDisposeScope();
            var Y = nn.functional.relu(bn1.call(reduce.call(X)));
            Y = nn.functional.relu(bn2.call(conv2.call(Y)));
            Y = bn3.call(conv3.call(Y));
            return nn.functional.relu(Y + (downsample is null ? X : downsample.call(X))).MoveToOuterDisposeScope();
        }
    }
}
