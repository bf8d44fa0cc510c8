using ResNetNotebooks.Data;

namespace ResNetNotebooks.Tests.Data;

/// <summary>
/// A generator of corrupt data files: each shipped subset file truncated at many offsets and with one bit flipped at
/// many positions. With the checksums every case is refused; without them (a folder with no <c>SHA256SUMS</c>) every
/// case is refused by the reader or, where the flipped bit is one gzip ignores (its time stamp, its OS byte), loads
/// exactly the original images and labels. Every refusal is a <see cref="DataFileException"/> naming the file.
/// </summary>
public sealed class DataCorruptionTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly string subset;

    public DataCorruptionTests()
    {
        subset = folder.Combine("data", FashionMnistSubset.FolderName);
        Directory.CreateDirectory(subset);
        foreach (var file in Directory.GetFiles(Path.Combine(DataFolder.Find(AppContext.BaseDirectory), FashionMnistSubset.FolderName)))
        {
            File.Copy(file, Path.Combine(subset, Path.GetFileName(file)));
        }
    }

    public void Dispose() => folder.Dispose();

    public static TheoryData<string, FashionMnistSplit> Files => new()
    {
        { "train-images-idx3-ubyte.gz", FashionMnistSplit.Train },
        { "train-labels-idx1-ubyte.gz", FashionMnistSplit.Train },
        { "t10k-images-idx3-ubyte.gz", FashionMnistSplit.Test },
        { "t10k-labels-idx1-ubyte.gz", FashionMnistSplit.Test },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_truncation_and_bit_flip_of_a_shipped_file_is_refused_by_its_checksum(string name, FashionMnistSplit split)
    {
        var failures = ForEachCase(name, path =>
        {
            using var loaded = FashionMnist.LoadSubset(split, folder.Combine("data"));
            return "loaded";
        });

        var accepted = failures.Where(f => !f.Refused).Select(f => $"{f.Case}: {f.Message}").ToList();
        Assert.Empty(accepted);
        Assert.All(failures, f => Assert.Contains("checksum mismatch: expected SHA-256", f.Message));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Without_checksums_every_truncation_and_bit_flip_is_refused_by_the_reader_or_changes_nothing(string name, FashionMnistSplit split)
    {
        File.Delete(Path.Combine(subset, ChecksumManifest.FileName));
        var noChecksums = new Dictionary<string, FileChecksum>();
        long[] goodLabels;
        byte[] goodImages;
        using (var good = FashionMnist.Load(subset, split, noChecksums))
        {
            (goodImages, goodLabels) = (good.Images.data<byte>().ToArray(), good.Labels.data<long>().ToArray());
        }

        var failures = ForEachCase(name, path =>
        {
            using var loaded = FashionMnist.Load(subset, split, noChecksums);
            return loaded.Images.data<byte>().ToArray().SequenceEqual(goodImages) && loaded.Labels.data<long>().ToArray().SequenceEqual(goodLabels)
                ? null
                : "loaded different images or labels without an error";
        });

        var wrong = failures.Where(f => !f.Refused).Select(f => $"{f.Case}: {f.Message}").ToList();
        Assert.Empty(wrong);
        Assert.True(failures.Count > 30, $"{failures.Count} refusals");
    }

    /// <summary>Runs <paramref name="load"/> on every corruption of <paramref name="name"/>: returns one entry per case
    /// that did not load the original data (null from <paramref name="load"/> means it did); Refused: the case ended in
    /// a <see cref="DataFileException"/> naming the file.</summary>
    private List<(string Case, bool Refused, string Message)> ForEachCase(string name, Func<string, string?> load)
    {
        var path = Path.Combine(subset, name);
        var good = File.ReadAllBytes(path);
        var results = new List<(string, bool, string)>();
        foreach (var (label, bytes) in Corruptions(good))
        {
            File.WriteAllBytes(path, bytes);
            try
            {
                if (load(path) is { } problem)
                {
                    results.Add((label, false, problem));
                }
            }
            catch (DataFileException e) when (e.FilePath == path && e.Message.StartsWith(path, StringComparison.Ordinal))
            {
                results.Add((label, true, e.Message));
            }
            catch (Exception e)
            {
                results.Add((label, false, $"{e.GetType().Name}: {e.Message}"));
            }
        }

        File.WriteAllBytes(path, good);
        return results;
    }

    private static IEnumerable<(string Case, byte[] Bytes)> Corruptions(byte[] good)
    {
        var length = good.Length;
        int[] offsets = [0, 1, 2, 3, 4, 9, 10, .. Enumerable.Range(1, 16).Select(i => (int)((long)length * i / 17)), length - 8, length - 4, length - 1];
        foreach (var offset in offsets.Where(o => o >= 0 && o < length).Distinct())
        {
            yield return ($"truncated to {offset} bytes", good[..offset]);
        }

        int[] positions = [.. Enumerable.Range(0, Math.Min(length, 24)), .. Enumerable.Range(1, 24).Select(i => (int)((long)length * i / 25)), length - 1];
        foreach (var position in positions.Distinct())
        {
            var copy = good.ToArray();
            copy[position] ^= (byte)(1 << (position % 8));
            yield return ($"bit {position % 8} of byte {position} flipped", copy);
        }
    }
}
