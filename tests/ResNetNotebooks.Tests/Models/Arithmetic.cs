namespace ResNetNotebooks.Tests.Models;

/// <summary>
/// Parameter counts by hand, layer by layer, so that tests compare the model with arithmetic, not with itself.
/// </summary>
internal static class Arithmetic
{
    /// <summary>k×k convolution: k·k·cin·cout weights, plus cout biases when it has them (d2l: yes).</summary>
    public static long Conv(long k, long cin, long cout, bool bias = true) => (k * k * cin * cout) + (bias ? cout : 0);

    /// <summary>Batch norm: a scale and a shift per channel (running mean and variance are buffers).</summary>
    public static long Bn(long c) => 2 * c;

    /// <summary>Linear layer: in·out weights plus out biases.</summary>
    public static long Linear(long cin, long cout) => (cin * cout) + cout;

    /// <summary>d2l's stem b1: 7×7 conv + BN (ReLU and max pool have no parameters).</summary>
    public static long Stem(long cin, long cout, bool bias = true) => Conv(7, cin, cout, bias) + Bn(cout);

    /// <summary>
    /// A residual block: two 3×3 convs with BN, plus a 1×1 projection (optionally with BN) on the shortcut.
    /// </summary>
    public static long Block(long cin, long cout, bool projection, bool projectionBn = false, bool bias = true) =>
        Conv(3, cin, cout, bias) + Bn(cout) + Conv(3, cout, cout, bias) + Bn(cout)
        + (projection ? Conv(1, cin, cout, bias) + (projectionBn ? Bn(cout) : 0) : 0);

    /// <summary>The 1×1 projection alone (no BN): what option B or C adds to a block.</summary>
    public static long Projection(long cin, long cout) => Conv(1, cin, cout);

    /// <summary>A grouped k×k convolution: each of the cout filters sees cin/groups channels.</summary>
    public static long GroupedConv(long k, long cin, long cout, long groups, bool bias) =>
        (k * k * (cin / groups) * cout) + (bias ? cout : 0);

    /// <summary>
    /// A bottleneck block (torchvision's, or ResNeXt's with groups): 1×1 cin → width, 3×3 width → width in groups,
    /// 1×1 width → cout, each with BN, plus a 1×1 projection with BN on the shortcut when there is one.
    /// </summary>
    public static long BottleneckBlock(long cin, long width, long cout, bool projection, long groups = 1, bool bias = false) =>
        Conv(1, cin, width, bias) + Bn(width)
        + GroupedConv(3, width, width, groups, bias) + Bn(width)
        + Conv(1, width, cout, bias) + Bn(cout)
        + (projection ? Conv(1, cin, cout, bias) + Bn(cout) : 0);

    /// <summary>
    /// A torchvision-shaped ImageNet network (3 input channels, no conv biases, BN on projections, 1000 classes) built
    /// from bottleneck blocks: stage s has blocks[s] blocks of width widths[s] and output 4 × [64, 128, 256, 512][s].
    /// </summary>
    public static long BottleneckNetwork(int[] blocks, long[] widths, long groups = 1)
    {
        long[] planes = [64, 128, 256, 512];
        var total = Stem(3, 64, bias: false) + Linear(4 * 512, 1000);
        for (var s = 0; s < 4; s++)
        {
            var cin = s == 0 ? 64 : 4 * planes[s - 1];
            var cout = 4 * planes[s];
            total += BottleneckBlock(cin, widths[s], cout, projection: true, groups);               // first block: projection
            total += (blocks[s] - 1) * BottleneckBlock(cout, widths[s], cout, projection: false, groups);
        }

        return total;
    }
}
