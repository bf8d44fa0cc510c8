using System.Globalization;
using TorchSharp;
using ResNetNotebooks.Models;

namespace ResNetNotebooks.Notebooks;

/// <summary>An expectation written in a notebook cell did not hold.</summary>
public sealed class ExpectationFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExpectationFailedException(string message) : base(message) { }
}

/// <summary>
/// Checks a notebook cell makes about its own result, so that a wrong value fails the run (in VS Code and in the
/// headless runner), not only an exception. Each check returns the checked value, so a cell can end with it and
/// still show it.
/// </summary>
public static class Expect
{
    /// <summary>Checks that <paramref name="tensor"/> has exactly the shape <paramref name="expected"/>.</summary>
    /// <exception cref="ExpectationFailedException">The shapes differ.</exception>
    public static long[] Shape(torch.Tensor tensor, params long[] expected)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return Shape(tensor.shape, expected);
    }

    /// <summary>Checks that <paramref name="actual"/> equals the shape <paramref name="expected"/>.</summary>
    /// <exception cref="ExpectationFailedException">The shapes differ.</exception>
    public static long[] Shape(long[] actual, params long[] expected)
    {
        if (!actual.SequenceEqual(expected))
        {
            throw new ExpectationFailedException($"Expected shape {ShapeText.Of(expected)} but got {ShapeText.Of(actual)}.");
        }
        return actual;
    }

    /// <summary>Checks that <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    /// <param name="expected">The value the seed, the paper or arithmetic gives.</param>
    /// <param name="actual">The value the cell computed.</param>
    /// <param name="what">What the value is, for the message (e.g. "ResNet-18 parameters").</param>
    /// <exception cref="ExpectationFailedException">The values differ.</exception>
    public static T Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new ExpectationFailedException($"Expected {what} = {Show(expected)} but got {Show(actual)}.");
        }
        return actual;
    }

    /// <summary>Checks that <paramref name="actual"/> is at least <paramref name="floor"/>.</summary>
    /// <exception cref="ExpectationFailedException"><paramref name="actual"/> is below the floor (or NaN).</exception>
    public static double AtLeast(double floor, double actual, string what)
    {
        if (!(actual >= floor))
        {
            throw new ExpectationFailedException($"Expected {what} ≥ {Show(floor)} but got {Show(actual)}.");
        }
        return actual;
    }

    /// <summary>Checks a condition, failing with <paramref name="message"/>.</summary>
    /// <exception cref="ExpectationFailedException"><paramref name="condition"/> is false.</exception>
    public static void True(bool condition, string message)
    {
        if (!condition)
        {
            throw new ExpectationFailedException(message);
        }
    }

    private static string Show<T>(T value) => value switch
    {
        null => "null",
        long[] shape => ShapeText.Of(shape),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
