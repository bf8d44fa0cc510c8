namespace ResNetNotebooks.Data;

/// <summary>The hash functions a <see cref="FileChecksum"/> can use.</summary>
public enum ChecksumAlgorithm
{
    /// <summary>MD5: the official Fashion-MNIST downloads publish these.</summary>
    Md5,

    /// <summary>SHA-256, as printed by <c>sha256sum</c>.</summary>
    Sha256,
}
