using System.Buffers.Binary;
using System.IO.Compression;

namespace ResNetNotebooks.Data;

/// <summary>Reads IDX image and label files, gzip-compressed or raw (see <see cref="IdxFormat"/>).</summary>
public static class IdxReader
{
    private const string DefaultFix = "replace the file with a good copy.";

    /// <summary>Reads an IDX image file (magic 0x00000803).</summary>
    /// <param name="path">The file, gzip-compressed or raw.</param>
    /// <param name="fix">What to tell the user to do if the file is missing or bad.</param>
    /// <exception cref="DataFileException">Missing, not gzip/IDX, wrong magic, or length ≠ the header's sizes.</exception>
    /// <example><code>IdxImages images = IdxReader.ReadImages("data/fashion-mnist/t10k-images-idx3-ubyte.gz");</code></example>
    public static IdxImages ReadImages(string path, string fix = DefaultFix)
    {
        byte[] bytes = ReadContent(path, fix);
        int magic = ReadMagic(path, bytes, IdxFormat.ImagesMagic, fix);
        CheckMagic(path, magic, IdxFormat.ImagesMagic, fix);
        if (bytes.Length < IdxFormat.ImagesHeaderLength)
        {
            throw new DataFileException(path,
                $"truncated header: an IDX image file starts with {IdxFormat.ImagesHeaderLength} header bytes, the file has {bytes.Length}.",
                fix);
        }

        int count = ReadSize(path, bytes, 4, "image count", fix);
        int rows = ReadSize(path, bytes, 8, "row count", fix);
        int columns = ReadSize(path, bytes, 12, "column count", fix);
        long expected = IdxFormat.ImagesHeaderLength + (long)count * rows * columns;
        CheckLength(path, bytes.LongLength, expected, $"{count} images of {rows}×{columns} pixels", IdxFormat.ImagesHeaderLength, fix);
        return new IdxImages(count, rows, columns, bytes.AsSpan(IdxFormat.ImagesHeaderLength).ToArray());
    }

    /// <summary>Reads an IDX label file (magic 0x00000801): one byte per label.</summary>
    /// <param name="path">The file, gzip-compressed or raw.</param>
    /// <param name="fix">What to tell the user to do if the file is missing or bad.</param>
    /// <exception cref="DataFileException">Missing, not gzip/IDX, wrong magic, or length ≠ the header's count.</exception>
    /// <example><code>byte[] labels = IdxReader.ReadLabels("data/fashion-mnist/t10k-labels-idx1-ubyte.gz");</code></example>
    public static byte[] ReadLabels(string path, string fix = DefaultFix)
    {
        byte[] bytes = ReadContent(path, fix);
        int magic = ReadMagic(path, bytes, IdxFormat.LabelsMagic, fix);
        CheckMagic(path, magic, IdxFormat.LabelsMagic, fix);
        if (bytes.Length < IdxFormat.LabelsHeaderLength)
        {
            throw new DataFileException(path,
                $"truncated header: an IDX label file starts with {IdxFormat.LabelsHeaderLength} header bytes, the file has {bytes.Length}.",
                fix);
        }

        int count = ReadSize(path, bytes, 4, "label count", fix);
        CheckLength(path, bytes.LongLength, IdxFormat.LabelsHeaderLength + (long)count, $"{count} labels", IdxFormat.LabelsHeaderLength, fix);
        return bytes.AsSpan(IdxFormat.LabelsHeaderLength).ToArray();
    }

    /// <summary>Whether the file starts with the gzip magic bytes 1f 8b.</summary>
    /// <param name="path">The file to look at.</param>
    public static bool IsGzip(string path)
    {
        Span<byte> head = stackalloc byte[2];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(head, 2, throwOnEndOfStream: false) == 2 && head.SequenceEqual(IdxFormat.GzipMagic);
    }

    /// <summary>The file's bytes, decompressed if it is gzip.</summary>
    private static byte[] ReadContent(string path, string fix)
    {
        if (!File.Exists(path))
        {
            throw new DataFileException(path, "file not found.", fix);
        }

        if (!IsGzip(path))
        {
            return File.ReadAllBytes(path);
        }

        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var content = new MemoryStream();
            gzip.CopyTo(content);
            return content.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(path,
                $"starts like a gzip file (1f 8b) but cannot be decompressed ({e.Message}); it is corrupt or truncated.",
                fix, e);
        }
    }

    private static int ReadMagic(string path, byte[] bytes, int expected, string fix)
    {
        if (bytes.Length < 4)
        {
            throw new DataFileException(path,
                $"too short for an IDX file: expected the magic number {IdxFormat.Describe(expected)} in the first 4 bytes, the file has {bytes.Length} bytes.",
                fix);
        }

        return BinaryPrimitives.ReadInt32BigEndian(bytes);
    }

    private static void CheckMagic(string path, int magic, int expected, string fix)
    {
        if (magic != expected)
        {
            throw new DataFileException(path,
                $"wrong magic number: expected {IdxFormat.Describe(expected)}, found {IdxFormat.Describe(magic)}.",
                fix);
        }
    }

    private static int ReadSize(string path, byte[] bytes, int offset, string what, string fix)
    {
        int size = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset));
        if (size < 0)
        {
            throw new DataFileException(path, $"the header's {what} is negative ({size}); the header is corrupt.", fix);
        }

        return size;
    }

    private static void CheckLength(string path, long actual, long expected, string declared, int headerLength, string fix)
    {
        if (actual < expected)
        {
            throw new DataFileException(path,
                $"truncated: the header declares {declared}, so the content should be {expected} bytes ({headerLength} header + {expected - headerLength} data), but it is {actual} bytes ({expected - actual} missing).",
                fix);
        }

        if (actual > expected)
        {
            throw new DataFileException(path,
                $"too long: the header declares {declared}, so the content should be {expected} bytes, but it is {actual} bytes ({actual - expected} extra).",
                fix);
        }
    }
}
