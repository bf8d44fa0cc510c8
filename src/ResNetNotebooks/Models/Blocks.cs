using TorchSharp;
using static TorchSharp.torch;

namespace ResNetNotebooks.Models;

/// <summary>The basic residual block of He et al. (2016), Fig. 2, as d2l writes it, named as in torchvision. See docs/models.md.</summary>
/// <example><code>var down = new Residual(3, 6, useProjection: true, stride: 2); // (4, 3, 6, 6) → (4, 6, 3, 3)</code></example>
public sealed class Residual : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1, bn1, conv2, bn2;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    /// <summary>d2l's <c>Residual(num_channels, use_1x1conv, strides)</c>, input channels explicit; the projection is a bare 1×1 conv.</summary>
    public Residual(int inChannels, int outChannels, bool useProjection = false, int stride = 1)
        : this(inChannels, outChannels, stride, null, true, true, useProjection) { }

    /// <summary>
    /// torchvision's block: the caller decides the shortcut <paramref name="downsample"/> (<see cref="Shortcuts.For"/>; <c>null</c>
    /// is the identity). <paramref name="bias"/>: d2l yes, torchvision no; <paramref name="batchNorm"/> = false: identities for BN.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, or the shape changes while <paramref name="downsample"/> is null.</exception>
    public Residual(int inChannels, int outChannels, int stride, nn.Module<Tensor, Tensor>? downsample, bool bias = true, bool batchNorm = true)
        : this(inChannels, outChannels, stride, downsample, bias, batchNorm, false) { }

    private Residual(int inChannels, int outChannels, int stride, nn.Module<Tensor, Tensor>? downsample, bool bias, bool batchNorm, bool useProjection)
        : base(nameof(Residual))
    {
        (InChannels, OutChannels, Stride) = (inChannels, outChannels, stride);
        Check.Block(this, inChannels, outChannels, stride, identity: downsample is null && !useProjection);
        conv1 = nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1, bias: bias);
        bn1 = batchNorm ? nn.BatchNorm2d(outChannels) : nn.Identity();
        conv2 = nn.Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1, bias: bias);
        bn2 = batchNorm ? nn.BatchNorm2d(outChannels) : nn.Identity();
        this.downsample = useProjection ? Shortcuts.Projection(inChannels, outChannels, stride) : downsample;
        RegisterComponents();
    }

    /// <summary>Channels of the input the block was built for.</summary>
    public int InChannels { get; }
    /// <summary>Channels of the output.</summary>
    public int OutChannels { get; }
    /// <summary>Stride of <c>conv1</c> (and of a projection shortcut).</summary>
    public int Stride { get; }
    /// <summary>Whether the shortcut is the identity (no <c>downsample</c> module).</summary>
    public bool HasIdentityShortcut => downsample is null;

    /// <summary>Computes <c>relu(bn2(conv2(relu(bn1(conv1(X))))) + downsample(X))</c>; the caller owns the result.</summary>
    /// <exception cref="ArgumentException">The input is not (N, InChannels, H, W); <see cref="InvalidOperationException"/>: the shortcut does not fit.</exception>
    public override Tensor forward(Tensor input)
    {
        Check.Input(input, InChannels, this);
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(bn1.call(conv1.call(input)));
        y = bn2.call(conv2.call(y));
        var x = downsample is null ? input : downsample.call(input);
        Check.SameShape(y, x, this, InChannels, OutChannels, Stride);
        return nn.functional.relu(y + x).MoveToOuterDisposeScope();
    }

    /// <summary>The block as messages name it, e.g. <c>Residual(64 → 128, stride 2)</c>.</summary>
    public override string ToString() => $"Residual({InChannels} → {OutChannels}, stride {Stride})";
}

/// <summary>The bottleneck block of He et al. (2016), Fig. 5, as torchvision writes it; with groups, ResNeXt's block (Xie et al. 2017).</summary>
/// <example><code>var down = new Bottleneck(256, 128, stride: 2, useProjection: true); // (N, 256, H, W) → (N, 512, H/2, W/2)</code></example>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    /// <summary>How many times wider the output is than the bottleneck (torchvision's <c>expansion</c>).</summary>
    public const int Expansion = 4;

    private readonly nn.Module<Tensor, Tensor> conv1, bn1, conv2, bn2, conv3, bn3;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    /// <summary>torchvision's block: 4 × <paramref name="width"/> output channels; <paramref name="useProjection"/> adds a 1×1 conv + BN shortcut.</summary>
    public Bottleneck(int inChannels, int width, int stride = 1, bool useProjection = false)
        : this(inChannels, width, Expansion * width, stride, null, 1, false, false, useProjection) { }

    /// <summary>
    /// The block with every choice explicit, as the stage builder makes it. <paramref name="groups"/> must divide <paramref name="width"/>
    /// (ResNeXt-50: 32); <paramref name="strideOn1x1"/> puts the stride on the first 1×1 (the paper) instead of the 3×3 (torchvision).
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, groups do not divide the width, or the identity cannot fit.</exception>
    public Bottleneck(
        int inChannels, int width, int outChannels, int stride, nn.Module<Tensor, Tensor>? downsample,
        int groups = 1, bool bias = false, bool strideOn1x1 = false)
        : this(inChannels, width, outChannels, stride, downsample, groups, bias, strideOn1x1, false) { }

    private Bottleneck(
        int inChannels, int width, int outChannels, int stride, nn.Module<Tensor, Tensor>? downsample,
        int groups, bool bias, bool strideOn1x1, bool useProjection)
        : base(nameof(Bottleneck))
    {
        (InChannels, Width, OutChannels, Stride, Groups) = (inChannels, width, outChannels, stride, groups);
        Check.Block(this, inChannels, outChannels, stride, downsample is null && !useProjection, width, groups);
        conv1 = nn.Conv2d(inChannels, width, kernel_size: 1, stride: strideOn1x1 ? stride : 1, bias: bias);
        bn1 = nn.BatchNorm2d(width);
        conv2 = nn.Conv2d(width, width, kernel_size: 3, stride: strideOn1x1 ? 1 : stride, padding: 1, groups: groups, bias: bias);
        bn2 = nn.BatchNorm2d(width);
        conv3 = nn.Conv2d(width, outChannels, kernel_size: 1, bias: bias);
        bn3 = nn.BatchNorm2d(outChannels);
        this.downsample = useProjection ? Shortcuts.Projection(inChannels, outChannels, stride, batchNorm: true, bias: false) : downsample;
        RegisterComponents();
    }

    /// <summary>Channels of the input the block was built for.</summary>
    public int InChannels { get; }
    /// <summary>Channels of the 1×1 reduction and the 3×3 convolution.</summary>
    public int Width { get; }
    /// <summary>Channels of the output.</summary>
    public int OutChannels { get; }
    /// <summary>The block's stride.</summary>
    public int Stride { get; }
    /// <summary>Groups of the 3×3 convolution.</summary>
    public int Groups { get; }

    /// <summary>Computes <c>relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(X)))))))) + downsample(X))</c>; the caller owns the result.</summary>
    /// <exception cref="ArgumentException">The input is not (N, InChannels, H, W); <see cref="InvalidOperationException"/>: the shortcut does not fit.</exception>
    public override Tensor forward(Tensor input)
    {
        Check.Input(input, InChannels, this);
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(bn1.call(conv1.call(input)));
        y = nn.functional.relu(bn2.call(conv2.call(y)));
        y = bn3.call(conv3.call(y));
        var x = downsample is null ? input : downsample.call(input);
        Check.SameShape(y, x, this, InChannels, OutChannels, Stride);
        return nn.functional.relu(y + x).MoveToOuterDisposeScope();
    }

    /// <summary>The block as messages name it, e.g. <c>Bottleneck(256 → 64 → 256, stride 1)</c>.</summary>
    public override string ToString() =>
        $"Bottleneck({InChannels} → {Width}{(Groups == 1 ? "" : $" in {Groups} groups")} → {OutChannels}, stride {Stride})";
}

/// <summary>A block's shortcut, decided in one place as in torchvision's <c>_make_layer</c>; <c>null</c> means the identity.</summary>
public static partial class Shortcuts
{
    /// <summary>Where the shape changes, A: zero padding, B: a projection, D: pool + projection; C: a projection everywhere; else <c>null</c>.</summary>
    /// <example><code>var downsample = Shortcuts.For(ShortcutOption.B, 64, 128, stride: 2); // a 1×1 conv, stride 2</code></example>
    public static nn.Module<Tensor, Tensor>? For(
        ShortcutOption option, int inChannels, int outChannels, int stride, bool projectionBatchNorm = false, bool bias = true)
    {
        var shapeChanges = stride != 1 || inChannels != outChannels;
        return option switch
        {
            ShortcutOption.A => shapeChanges ? new ZeroPadShortcut(inChannels, outChannels, stride) : null,
            ShortcutOption.B => shapeChanges ? Projection(inChannels, outChannels, stride, projectionBatchNorm, bias) : null,
            ShortcutOption.C => Projection(inChannels, outChannels, stride, projectionBatchNorm, bias),
            ShortcutOption.D => shapeChanges ? AveragePoolProjection(inChannels, outChannels, stride, projectionBatchNorm, bias) : null,
            ShortcutOption.None => throw new ArgumentException(
                "ShortcutOption.None is a plain network: its blocks have no shortcut to build; use ShortcutOption.A, B, C or D for a residual block.", nameof(option)),
            _ => throw new ArgumentOutOfRangeException(nameof(option), $"Unknown shortcut option {option}; use ShortcutOption.A, B, C or D."),
        };
    }

    /// <summary>The projection: a 1×1 conv with the block's stride (d2l's <c>conv3</c>); with <paramref name="batchNorm"/>, conv + BN as <c>0</c>, <c>1</c>.</summary>
    /// <example><code>var conv3 = Shortcuts.Projection(64, 128, stride: 2); // 64·128 + 128 = 8,320 parameters</code></example>
    public static nn.Module<Tensor, Tensor> Projection(int inChannels, int outChannels, int stride = 1, bool batchNorm = false, bool bias = true)
    {
        Check.Block(new Check.Owner("Projection", inChannels, outChannels, stride), inChannels, outChannels, stride, identity: false);
        var conv = nn.Conv2d(inChannels, outChannels, kernel_size: 1, stride: stride, bias: bias);
        return batchNorm ? nn.Sequential(conv, nn.BatchNorm2d(outChannels)) : conv;
    }
}

/// <summary>Option A's shortcut: keep every stride-th row and column, append zero channels. No parameters.</summary>
public sealed class ZeroPadShortcut : nn.Module<Tensor, Tensor>
{
    private readonly int inChannels, outChannels, stride;

    /// <summary>Creates the shortcut from <paramref name="inChannels"/> to <paramref name="outChannels"/> (at least as many) channels.</summary>
    /// <exception cref="ArgumentException">A size is not positive, or <paramref name="outChannels"/> &lt; <paramref name="inChannels"/>.</exception>
    public ZeroPadShortcut(int inChannels, int outChannels, int stride = 1) : base(nameof(ZeroPadShortcut))
    {
        (this.inChannels, this.outChannels, this.stride) = (inChannels, outChannels, stride);
        Check.Block(this, inChannels, outChannels, stride, identity: false);
        if (outChannels < inChannels)
        {
            throw new ArgumentException(
                $"{this} would have to drop {inChannels - outChannels} channels, but option A can only add zero channels; " +
                $"use outChannels ≥ {inChannels}, or a 1×1 projection (ShortcutOption.B or C) to reduce channels.", nameof(outChannels));
        }

        RegisterComponents();
    }

    /// <summary>Returns a new (N, outChannels, ⌈H / stride⌉, ⌈W / stride⌉) tensor; the caller owns it.</summary>
    public override Tensor forward(Tensor input)
    {
        Check.Input(input, inChannels, this);
        using var scope = NewDisposeScope();
        var x = stride == 1 ? input : input.slice(2, 0, input.shape[2], stride).slice(3, 0, input.shape[3], stride);
        // pad takes (left, right) pairs from the last dimension backwards: W, H, then C (zeros after the last channel).
        var y = outChannels > inChannels ? nn.functional.pad(x, [0, 0, 0, 0, 0, outChannels - inChannels]) : x.alias();
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>The shortcut as messages name it.</summary>
    public override string ToString() => $"ZeroPadShortcut({inChannels} → {outChannels}, stride {stride})";
}

/// <summary>The models' checks: messages name the owner, the value and the fix, and are formatted only when a check fails.</summary>
internal static class Check
{
    /// <summary>Names a module that is not built yet, e.g. <c>Projection(64 → 128, stride 2)</c>, when a message needs it.</summary>
    public sealed record Owner(string Kind, int In, int Out, int Stride) { public override string ToString() => $"{Kind}({In} → {Out}, stride {Stride})"; }

    /// <summary>Throws when <paramref name="value"/> is not positive.</summary>
    public static void Positive(long value, string name, string fix, object owner)
    {
        if (value > 0) return;
        throw new ArgumentOutOfRangeException(name, $"{owner}: {name} must be positive but was {value}; {fix}.");
    }

    /// <summary>Checks a block's sizes, that <paramref name="groups"/> divides <paramref name="width"/>, and, for an <paramref name="identity"/> shortcut, that the shape is kept.</summary>
    public static void Block(object owner, int inChannels, int outChannels, int stride, bool identity, int width = 1, int groups = 1)
    {
        Positive(inChannels, nameof(inChannels), "pass the number of channels of the block's input (e.g. 64)", owner);
        Positive(width, nameof(width), "pass the channels inside the bottleneck (e.g. 64)", owner);
        Positive(outChannels, nameof(outChannels), "pass the number of channels the block should output (e.g. 64)", owner);
        Positive(stride, nameof(stride), "use 1 to keep height and width or 2 to halve them", owner);
        Positive(groups, nameof(groups), "use 1 for an ordinary convolution or e.g. 32 for ResNeXt", owner);
        if (width % groups != 0)
        {
            throw new ArgumentException($"{owner}: groups = {groups} does not divide the bottleneck width {width}, so the grouped 3×3 convolution cannot " +
                $"split its channels evenly; use a width that is a multiple of {groups} (e.g. {groups * Math.Max(1, width / groups)}) or a divisor of {width} as groups.",
                nameof(groups));
        }

        if (identity && (inChannels != outChannels || stride != 1))
        {
            var (what, fix, name) = inChannels != outChannels
                ? ("the channel count" + (stride != 1 ? $" and height and width (stride {stride})" : ""), $"keep {inChannels} channels", nameof(outChannels))
                : ($"height and width (stride {stride})", "use stride: 1", nameof(stride));
            throw new ArgumentException($"{owner} changes {what}, so the identity shortcut cannot be added (channels {inChannels} → {outChannels}); " +
                $"pass useProjection: true (a 1×1 conv with stride {stride}), a downsample such as Shortcuts.Projection({inChannels}, {outChannels}, {stride}), or {fix}.", name);
        }
    }

    /// <summary>Checks that <paramref name="input"/> is a 4-D (N, C, H, W) batch with <paramref name="channels"/> channels before torch sees it.</summary>
    /// <remarks><paramref name="rebuildHint"/> is the constructor argument that sets the channels, e.g. "inputChannels: ".</remarks>
    public static void Input(Tensor input, long channels, object owner, string rebuildHint = "inChannels: ")
    {
        var shape = (input ?? throw new ArgumentNullException(nameof(input))).shape;
        if (shape.Length == 4 && shape[1] == channels) return;
        throw new ArgumentException(shape.Length != 4
            ? $"{owner} expects a 4-D input (N, C, H, W) but got a {shape.Length}-D tensor of shape {ShapeText.Of(shape)}; " +
              (shape.Length == 3 ? "add the batch dimension with x.unsqueeze(0) for a single image." : $"reshape it to (N, {channels}, H, W).")
            : $"{owner} expects {channels} input channel(s) but the input has {shape[1]} (shape {ShapeText.Of(shape)}); pass a tensor " +
              $"of shape (N, {channels}, H, W) or build it with {rebuildHint}{shape[1]}.", nameof(input));
    }

    /// <summary>Throws when the residual branch and the shortcut differ in shape, which libtorch would report naming neither.</summary>
    public static void SameShape(Tensor branch, Tensor shortcut, object owner, int inChannels, int outChannels, int stride)
    {
        if (branch.shape.SequenceEqual(shortcut.shape)) return;
        throw new InvalidOperationException(
            $"{owner}: the residual branch gives {ShapeText.Of(branch.shape)} but the shortcut gives {ShapeText.Of(shortcut.shape)}, " +
            $"so they cannot be added; pass a downsample module that maps (N, {inChannels}, H, W) to (N, {outChannels}, ⌈H / {stride}⌉, " +
            $"⌈W / {stride}⌉), e.g. Shortcuts.Projection({inChannels}, {outChannels}, {stride}).");
    }
}
