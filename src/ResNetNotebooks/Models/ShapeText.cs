namespace ResNetNotebooks.Models;

/// <summary>
/// Writes tensor shapes the way PyTorch prints them, e.g. <c>(4, 3, 6, 6)</c>: the one shape formatter of the library,
/// used by the models' error messages, the inspection tools, the tables and the notebooks' checks. It lives with the
/// models because their own error messages need it and <c>Models</c> depends on nothing else.
/// </summary>
public static class ShapeText
{
    /// <summary>The shape as <c>(d0, d1, …)</c>.</summary>
    /// <param name="shape">The sizes of the dimensions.</param>
    /// <returns>The parenthesised, comma-separated sizes.</returns>
    public static string Of(IEnumerable<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return "(" + string.Join(", ", shape) + ")";
    }
}
