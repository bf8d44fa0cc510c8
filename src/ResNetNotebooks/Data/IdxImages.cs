namespace ResNetNotebooks.Data;

/// <summary>The content of an IDX image file: <see cref="Count"/> images of <see cref="Rows"/> × <see cref="Columns"/>
/// unsigned-byte pixels, stored image after image, row after row.</summary>
public sealed class IdxImages
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied).</summary>
    /// <param name="count">Number of images.</param>
    /// <param name="rows">Height of each image.</param>
    /// <param name="columns">Width of each image.</param>
    /// <param name="pixels">count × rows × columns bytes.</param>
    /// <exception cref="ArgumentException">The pixel count does not match the sizes.</exception>
    public IdxImages(int count, int rows, int columns, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (pixels.LongLength != (long)count * rows * columns)
        {
            throw new ArgumentException(
                $"{count} images of {rows}×{columns} need {(long)count * rows * columns} pixel bytes, got {pixels.LongLength}.",
                nameof(pixels));
        }

        Count = count;
        Rows = rows;
        Columns = columns;
        Pixels = pixels;
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Height of each image in pixels.</summary>
    public int Rows { get; }

    /// <summary>Width of each image in pixels.</summary>
    public int Columns { get; }

    /// <summary>Bytes per image: <see cref="Rows"/> × <see cref="Columns"/>.</summary>
    public int ImageLength => Rows * Columns;

    /// <summary>All pixels, image after image, row after row (0 = background, 255 = full intensity).</summary>
    public byte[] Pixels { get; }

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    /// <param name="index">0-based image index.</param>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageLength, ImageLength);
}
