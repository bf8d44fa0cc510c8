using System.Buffers.Binary;
using System.IO.Compression;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Data;

/// <summary>
/// Writes gzip-compressed IDX image and label files (see <see cref="IdxFormat"/>) through <see cref="AtomicFile"/>:
/// a temporary file in the same folder, renamed when complete.
/// </summary>
public static class IdxWriter
{
    /// <summary>Writes an IDX image file (magic 0x00000803), gzip-compressed.</summary>
    /// <param name="path">The file to create or replace, e.g. <c>train-images-idx3-ubyte.gz</c>.</param>
    /// <param name="images">The images.</param>
    /// <example><code>IdxWriter.WriteImages("out/t10k-images-idx3-ubyte.gz", new IdxImages(2, 28, 28, pixels));</code></example>
    public static void WriteImages(string path, IdxImages images)
    {
        Span<byte> header = stackalloc byte[IdxFormat.ImagesHeaderLength];
        BinaryPrimitives.WriteInt32BigEndian(header, IdxFormat.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], images.Count);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], images.Rows);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], images.Columns);
        WriteGzip(path, header.ToArray(), images.Pixels);
    }

    /// <summary>Writes an IDX label file (magic 0x00000801), gzip-compressed.</summary>
    /// <param name="path">The file to create or replace, e.g. <c>train-labels-idx1-ubyte.gz</c>.</param>
    /// <param name="labels">One byte per label.</param>
    /// <example><code>IdxWriter.WriteLabels("out/t10k-labels-idx1-ubyte.gz", new byte[] { 9, 2 });</code></example>
    public static void WriteLabels(string path, byte[] labels)
    {
        Span<byte> header = stackalloc byte[IdxFormat.LabelsHeaderLength];
        BinaryPrimitives.WriteInt32BigEndian(header, IdxFormat.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], labels.Length);
        WriteGzip(path, header.ToArray(), labels);
    }

    private static void WriteGzip(string path, byte[] header, byte[] data) =>
        AtomicFile.Write(path, stream =>
        {
            using var gzip = new GZipStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
            gzip.Write(header);
            gzip.Write(data);
        });
}
