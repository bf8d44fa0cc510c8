using System.IO.Compression;

namespace ResNetNotebooks.Tests.Data;

/// <summary>IDX files assembled byte by byte from the format's description, independent of the reader and writer
/// under test: magic 00 00 08 03 (images) or 00 00 08 01 (labels), then big-endian sizes, then the bytes.</summary>
internal static class IdxBytes
{
    public static readonly byte[] ImagesMagic = [0x00, 0x00, 0x08, 0x03];
    public static readonly byte[] LabelsMagic = [0x00, 0x00, 0x08, 0x01];

    /// <summary>Big-endian 32-bit integer, most significant byte first.</summary>
    public static byte[] BigEndian(int value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    /// <summary>Pixel p of image n in <see cref="Images(int)"/>: (7 n + p) mod 256.</summary>
    public static byte Pixel(int image, int position) => (byte)((7 * image + position) % 256);

    /// <summary>An image file with <paramref name="count"/> 28×28 images whose pixels follow <see cref="Pixel"/>.</summary>
    public static byte[] Images(int count) => Images(count, count, 28, 28);

    /// <summary>An image file whose header declares <paramref name="declared"/> images of rows×columns but that
    /// holds <paramref name="actual"/> images' worth of pixels.</summary>
    public static byte[] Images(int declared, int actual, int rows, int columns)
    {
        var bytes = new List<byte>();
        bytes.AddRange(ImagesMagic);
        bytes.AddRange(BigEndian(declared));
        bytes.AddRange(BigEndian(rows));
        bytes.AddRange(BigEndian(columns));
        for (int n = 0; n < actual; n++)
        {
            for (int p = 0; p < rows * columns; p++)
            {
                bytes.Add(Pixel(n, p));
            }
        }

        return bytes.ToArray();
    }

    /// <summary>A label file holding <paramref name="labels"/>.</summary>
    public static byte[] Labels(params byte[] labels) => [.. LabelsMagic, .. BigEndian(labels.Length), .. labels];

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(raw);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
