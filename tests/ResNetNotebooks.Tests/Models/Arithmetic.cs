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
}
