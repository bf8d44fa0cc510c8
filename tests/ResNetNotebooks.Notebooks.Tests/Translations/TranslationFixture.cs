using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ResNetNotebooks.Notebooks.Tests.Translations;

/// <summary>Small notebooks and translation files written for the translation tests.</summary>
internal static class TranslationFixture
{
    /// <summary>
    /// The hash a marker records, computed here from its definition in translations/zh/README.md (the first 16 hex digits
    /// of the SHA-256 of the source as UTF-8), not by the code under test.
    /// </summary>
    public static string Hash(string source) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..16];

    /// <summary>A marker line, written out as the README shows it.</summary>
    public static string Marker(string id, string hash) => $"<!-- cell: {id} · en-sha256: {hash} -->";

    /// <summary>A notebook of three markdown cells around a code cell.</summary>
    public static readonly IReadOnlyList<(string Id, string CellType, string Source)> Cells =
    [
        ("aaaa0001", "markdown", "# 01 · The residual block\n\nStacking more layers should never make a network worse."),
        ("cccc0001", "code", "var blk = new Residual(3, 3);"),
        ("aaaa0002", "markdown", "See [§7.6](https://classic.d2l.ai/chapter_convolutional-modern/resnet.html) and\n\n$$y = f(x) + x$$\n"),
        ("aaaa0003", "markdown", "## Summary\n\nA residual block learns the residual."),
    ];

    /// <summary>A complete, current Chinese translation of <see cref="Cells"/>.</summary>
    public static readonly IReadOnlyList<(string Id, string Text)> Chinese =
    [
        ("aaaa0001", "# 01 · 残差块\n\n堆叠更多的层不应让网络变差。"),
        ("aaaa0002", "参见 [§7.6](https://classic.d2l.ai/chapter_convolutional-modern/resnet.html)，以及\n\n$$y = f(x) + x$$"),
        ("aaaa0003", "## 小结\n\n残差块学习的是残差。"),
    ];

    /// <summary>A translation file: the title, then each block under its marker (the hash of the cell's current English
    /// unless <paramref name="hashes"/> gives another).</summary>
    public static string File(IEnumerable<(string Id, string Text)> blocks, IReadOnlyDictionary<string, string>? hashes = null)
    {
        var text = new StringBuilder("# test.ipynb · 中文译文\n");
        foreach (var (id, body) in blocks)
        {
            var hash = hashes?.GetValueOrDefault(id) ?? Hash(Cells.First(c => c.Id == id).Source);
            text.Append('\n').Append(Marker(id, hash)).Append('\n').Append(body).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A new temporary repository with a <c>notebooks/</c> folder holding <c>test.ipynb</c> (all of <see cref="Cells"/>)
    /// and <c>other.ipynb</c> (the first cell only), and an empty <c>translations/zh/</c>.</summary>
    public static (string Root, string Notebooks, string Zh) NewRepository()
    {
        var root = Directory.CreateTempSubdirectory("resnet-tr-test-").FullName;
        var (notebooks, zh) = (Path.Combine(root, "notebooks"), Path.Combine(root, "translations", "zh"));
        Directory.CreateDirectory(notebooks);
        Directory.CreateDirectory(zh);
        WriteNotebook(Path.Combine(notebooks, "test.ipynb"), Cells);
        WriteNotebook(Path.Combine(notebooks, "other.ipynb"), [Cells[0]]);
        return (root, notebooks, zh);
    }

    /// <summary>Writes a notebook with these cells (each with its id) as <paramref name="path"/>.</summary>
    public static void WriteNotebook(string path, IEnumerable<(string Id, string CellType, string Source)> cells)
    {
        var array = new JsonArray();
        foreach (var (id, type, source) in cells)
        {
            var cell = new JsonObject { ["cell_type"] = type, ["id"] = id, ["metadata"] = new JsonObject(), ["source"] = source };
            if (type == "code")
            {
                cell["execution_count"] = null;
                cell["outputs"] = new JsonArray();
            }
            array.Add(cell);
        }
        var notebook = new JsonObject { ["cells"] = array, ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 };
        System.IO.File.WriteAllText(path, notebook.ToJsonString());
    }
}
