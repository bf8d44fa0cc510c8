using System.Text.Json;
using ResNetNotebooks.Native;
using System.Text.Json.Nodes;

namespace ResNetNotebooks.Runner;

/// <summary>
/// A Jupyter notebook (.ipynb, nbformat 4) as JSON, kept whole so that an executed copy keeps every field of the
/// original: only <c>outputs</c> and <c>execution_count</c> of code cells change, and an injected parameters cell
/// may be added.
/// </summary>
public sealed class NotebookDocument
{
    private readonly JsonObject _root;

    private NotebookDocument(string path, JsonObject root)
    {
        Path = path;
        _root = root;
    }

    /// <summary>Where the notebook was read from.</summary>
    public string Path { get; }

    /// <summary>The file name, e.g. <c>01-residual-block.ipynb</c>.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>The cells in order.</summary>
    public JsonArray Cells => (JsonArray)_root["cells"]!;

    /// <summary>The notebook-level metadata.</summary>
    public JsonObject Metadata => _root["metadata"] as JsonObject ?? (JsonObject)(_root["metadata"] = new JsonObject());

    /// <summary>Reads and checks a notebook file.</summary>
    /// <exception cref="InvalidDataException">The file is not a notebook (the message names the file and the problem).</exception>
    public static NotebookDocument Load(string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            // The message quotes the bad token, which may hold a line break: the refusal stays one line.
            throw new InvalidDataException($"{path} is not valid JSON ({e.Message.ReplaceLineEndings(" ")}); a notebook is an nbformat-4 JSON file.", e);
        }
        if (node is not JsonObject root || root["cells"] is not JsonArray)
        {
            throw new InvalidDataException($"{path} has no \"cells\" array; is it an .ipynb notebook (nbformat 4)?");
        }
        return new NotebookDocument(path, root);
    }

    /// <summary>The cell's source as one string (nbformat allows a string or a list of lines).</summary>
    public static string Source(JsonObject cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
        JsonValue v => v.GetValue<string>(),
        _ => "",
    };

    /// <summary>The cell type: code, markdown or raw.</summary>
    public static string CellType(JsonObject cell) => cell["cell_type"]?.GetValue<string>() ?? "";

    /// <summary>The kernel a code cell runs in (Polyglot Notebooks metadata), "csharp" when unspecified.</summary>
    public static string KernelName(JsonObject cell)
    {
        var metadata = cell["metadata"] as JsonObject;
        var name = metadata?["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
                   ?? metadata?["dotnet_interactive"]?["language"]?.GetValue<string>();
        return name ?? "csharp";
    }

    /// <summary>The cell's tags (papermill's <c>parameters</c> tag among them).</summary>
    public static IReadOnlyList<string> Tags(JsonObject cell) =>
        (cell["metadata"]?["tags"] as JsonArray)?.Select(t => t?.GetValue<string>() ?? "").ToList() ?? [];

    /// <summary>Splits a source into nbformat's list-of-lines form.</summary>
    public static JsonArray SourceLines(string source)
    {
        var lines = new JsonArray();
        var start = 0;
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] == '\n')
            {
                lines.Add(source[start..(i + 1)]);
                start = i + 1;
            }
        }
        if (start < source.Length)
        {
            lines.Add(source[start..]);
        }
        return lines;
    }

    /// <summary>Removes every output, execution count and the run record (the committed form of a notebook).</summary>
    public void ClearOutputs()
    {
        foreach (var cell in Cells.OfType<JsonObject>().Where(c => CellType(c) == "code"))
        {
            cell["outputs"] = new JsonArray();
            cell["execution_count"] = null;
        }
        RunRecord.RemoveFrom(this);
    }

    /// <summary>
    /// Removes the cells the runner injects (tagged <see cref="NotebookParameters.InjectedTag"/>): they belong to one
    /// executed copy, never to the lesson.
    /// </summary>
    /// <returns>How many cells were removed.</returns>
    public int RemoveInjectedParameters()
    {
        var injected = Cells.OfType<JsonObject>().Where(c => Tags(c).Contains(NotebookParameters.InjectedTag)).ToList();
        foreach (var cell in injected)
        {
            Cells.Remove(cell);
        }
        return injected.Count;
    }

    /// <summary>The notebook as indented JSON (one space, as Jupyter and VS Code write it).</summary>
    public string ToJson() => _root.ToJsonString(WriteOptions) + "\n";

    // Keep text readable in diffs: '·', '→' and quotes stay as they are instead of \u escapes (JSON allows both).
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the notebook to <paramref name="path"/> atomically (a temporary file, then a rename).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="keepModeOf">On Unix, a file whose permissions the written file takes (the file being replaced).</param>
    public void Save(string path, string? keepModeOf = null) =>
        AtomicFile.WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(ToJson()), keepModeOf);
}
