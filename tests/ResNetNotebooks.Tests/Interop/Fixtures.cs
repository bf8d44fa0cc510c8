using ResNetNotebooks.Data;
using ResNetNotebooks.Interop;
using static TorchSharp.torch;

namespace ResNetNotebooks.Tests.Interop;

/// <summary>The PyTorch parity fixtures in tests/fixtures/parity/ (written by tests/fixtures/make_parity_fixtures.py).</summary>
internal static class Fixtures
{
    /// <summary>The repository's root (the folder above <c>data/</c>).</summary>
    public static string Repo => System.IO.Path.GetDirectoryName(DataFolder.Find(AppContext.BaseDirectory))!;

    /// <summary>The path of fixture <paramref name="name"/>.</summary>
    public static string Path(string name) => System.IO.Path.Combine(Repo, "tests", "fixtures", "parity", name);

    /// <summary>The tensors of fixture <paramref name="name"/>; the caller disposes them (a dispose scope will).</summary>
    public static Dictionary<string, Tensor> Read(string name) => PyTorchWeights.ReadTensors(Path(name));

    /// <summary>
    /// Asserts that <paramref name="actual"/> equals <paramref name="expected"/> within <paramref name="relative"/> of
    /// the expected tensor's largest magnitude, element by element: max |actual − expected| ≤ relative · max |expected|.
    /// (Element-wise relative error is meaningless for entries near zero, e.g. a gradient that nearly cancels.)
    /// </summary>
    /// <param name="scale">The magnitude the error is measured against; default max |expected|.</param>
    public static double AssertClose(Tensor expected, Tensor actual, string what, double relative = 1e-5, double? scale = null)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        var e = expected.to_type(ScalarType.Float64);
        var a = actual.detach().to_type(ScalarType.Float64);
        var of = scale ?? e.abs().max().item<double>();
        var error = (a - e).abs().max().item<double>() / Math.Max(of, 1e-30);
        Assert.True(error <= relative, $"{what}: largest difference {error:E2} of the magnitude {of:G4}, allowed {relative:E0}");
        return error;
    }

    /// <summary>
    /// Compares every parameter gradient of <paramref name="module"/> with the fixture's <c>grad.NAME</c>. A convolution
    /// bias right before a train-mode batch norm has a gradient of exactly 0 in exact arithmetic (batch norm subtracts
    /// the batch mean, so a constant per channel cancels); both sides hold rounding noise there, so those are measured
    /// against the gradient of the same convolution's weight instead.
    /// </summary>
    /// <param name="relative">The tolerance, relative to each tensor's largest gradient.</param>
    /// <returns>The number of gradients compared.</returns>
    public static int AssertGradientsClose(TorchSharp.torch.nn.Module module, StateDictMapping mapping, IReadOnlyDictionary<string, Tensor> io, double relative = 1e-5)
    {
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in parameters)
        {
            var expected = io[$"grad.{mapping.ToPyTorch(name)}"];
            double? scale = null;
            if (BiasBeforeBatchNorm(name))
            {
                using var weightGrad = io[$"grad.{mapping.ToPyTorch(name[..^"bias".Length] + "weight")}"].abs().max();
                scale = weightGrad.item<float>();
            }

            AssertClose(expected, p.grad!, $"gradient of {name} ({mapping.ToPyTorch(name)})", relative, scale);
        }

        return parameters.Count;
    }

    /// <summary>The stem's convolution and every block's conv1 and conv2 feed a batch norm.</summary>
    private static bool BiasBeforeBatchNorm(string name) =>
        name is "b1.0.bias" || name.EndsWith("conv1.bias", StringComparison.Ordinal) || name.EndsWith("conv2.bias", StringComparison.Ordinal);
}
