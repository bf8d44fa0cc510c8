namespace ResNetNotebooks.Data;

/// <summary>
/// The IDX file format of MNIST and Fashion-MNIST: a 4-byte big-endian magic number (0, 0, type, number of
/// dimensions; type 0x08 = unsigned byte), one big-endian 32-bit size per dimension, then the values in row-major
/// order. Files are often gzip-compressed; the reader detects that by the gzip magic bytes 1f 8b, not by the name.
/// </summary>
public static class IdxFormat
{
    /// <summary>Magic number of an image file: unsigned bytes, 3 dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of a label file: unsigned bytes, 1 dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Bytes before the pixels of an image file: magic and three sizes.</summary>
    public const int ImagesHeaderLength = 16;

    /// <summary>Bytes before the labels of a label file: magic and one size.</summary>
    public const int LabelsHeaderLength = 8;

    /// <summary>The first two bytes of every gzip stream.</summary>
    public static ReadOnlySpan<byte> GzipMagic => [0x1f, 0x8b];

    /// <summary>Describes a magic number for an error message, e.g. "0x00000801 (IDX labels)".</summary>
    /// <param name="magic">The magic number read from a file.</param>
    public static string Describe(int magic) => magic switch
    {
        ImagesMagic => "0x00000803 (IDX images)",
        LabelsMagic => "0x00000801 (IDX labels)",
        _ => $"0x{magic:X8} (not an IDX unsigned-byte file)",
    };
}
