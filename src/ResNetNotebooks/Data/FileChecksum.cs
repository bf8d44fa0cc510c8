using System.Security.Cryptography;

namespace ResNetNotebooks.Data;

/// <summary>The expected hash of a file's bytes (as stored, e.g. the <c>.gz</c> file itself, not its content).</summary>
/// <param name="Algorithm">The hash function.</param>
/// <param name="Hex">The expected hash as lower-case hexadecimal digits.</param>
public sealed record FileChecksum(ChecksumAlgorithm Algorithm, string Hex)
{
    /// <summary>An expected SHA-256, as printed by <c>sha256sum</c>.</summary>
    /// <param name="hex">64 hexadecimal digits.</param>
    public static FileChecksum Sha256(string hex) => new(ChecksumAlgorithm.Sha256, hex.ToLowerInvariant());

    /// <summary>An expected MD5, as printed by <c>md5sum</c>.</summary>
    /// <param name="hex">32 hexadecimal digits.</param>
    public static FileChecksum Md5(string hex) => new(ChecksumAlgorithm.Md5, hex.ToLowerInvariant());

    /// <summary>Computes the SHA-256 of a file, as lower-case hexadecimal digits (what <c>sha256sum</c> prints).</summary>
    /// <param name="path">The file to hash.</param>
    public static string ComputeSha256(string path) => Compute(ChecksumAlgorithm.Sha256, path);

    /// <summary>Computes the hash of a file with <paramref name="algorithm"/>, as lower-case hexadecimal digits.</summary>
    /// <param name="algorithm">The hash function.</param>
    /// <param name="path">The file to hash.</param>
    public static string Compute(ChecksumAlgorithm algorithm, string path)
    {
        using var stream = File.OpenRead(path);
        byte[] hash = algorithm switch
        {
            ChecksumAlgorithm.Md5 => MD5.HashData(stream),
            ChecksumAlgorithm.Sha256 => SHA256.HashData(stream),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown checksum algorithm."),
        };
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Whether the file at <paramref name="path"/> has this checksum.</summary>
    /// <param name="path">The file to hash.</param>
    public bool Matches(string path) => Compute(Algorithm, path) == Hex;

    /// <summary>Throws a <see cref="DataFileException"/> unless the file at <paramref name="path"/> has this checksum.</summary>
    /// <param name="path">The file to hash.</param>
    /// <param name="fix">What the user should do when it does not match, as a sentence.</param>
    /// <exception cref="DataFileException">The checksum does not match.</exception>
    public void Verify(string path, string fix)
    {
        string found = Compute(Algorithm, path);
        if (found != Hex)
        {
            throw new DataFileException(path,
                $"checksum mismatch: expected {Name} {Hex}, found {found}; the file is corrupt, incomplete or was changed.",
                fix);
        }
    }

    /// <summary>The algorithm's usual name: <c>MD5</c> or <c>SHA-256</c>.</summary>
    public string Name => Algorithm == ChecksumAlgorithm.Md5 ? "MD5" : "SHA-256";

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Hex}";
}
