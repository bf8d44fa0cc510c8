namespace ResNetNotebooks.Models;

/// <summary>Writes tensor shapes as PyTorch prints them, e.g. <c>(4, 3, 6, 6)</c>: the library's one shape formatter.</summary>
public static class ShapeText
{
    /// <summary>The shape as <c>(d0, d1, …)</c>.</summary>
    public static string Of(IEnumerable<long> shape) => "(" + string.Join(", ", shape ?? throw new ArgumentNullException(nameof(shape))) + ")";
}
