using System.Text.Json.Nodes;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>Paths of the repository these tests run in, and small notebooks written for a test.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Notebooks => Path.Combine(Root, "notebooks");

    public static IEnumerable<string> NotebookFiles => Directory.GetFiles(Notebooks, "*.ipynb").Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ResNetNotebooks.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No ResNetNotebooks.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Writes a notebook of C# code cells ("md:" starts a markdown cell) into a new temporary folder.</summary>
    public static string WriteNotebook(string name, IEnumerable<string> cells, JsonObject? metadata = null, int parametersCell = -1)
    {
        var folder = Directory.CreateTempSubdirectory("resnet-nb-test-").FullName;
        var array = new JsonArray();
        var index = 0;
        foreach (var cell in cells)
        {
            var markdown = cell.StartsWith("md:", StringComparison.Ordinal);
            var cellMetadata = new JsonObject();
            if (index++ == parametersCell)
            {
                cellMetadata["tags"] = new JsonArray("parameters");
            }
            var node = new JsonObject
            {
                ["cell_type"] = markdown ? "markdown" : "code",
                ["metadata"] = cellMetadata,
                ["source"] = markdown ? cell[3..] : cell,
            };
            if (!markdown)
            {
                node["execution_count"] = null;
                node["outputs"] = new JsonArray();
            }
            array.Add(node);
        }
        var notebook = new JsonObject { ["cells"] = array, ["metadata"] = metadata ?? new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 };
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, notebook.ToJsonString());
        return path;
    }
}
