using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ResNetNotebooks.Runner;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>What every committed notebook must be: output-free, set up the same way, on the pinned package versions.</summary>
public sealed partial class NotebookHygieneTests
{
    public static TheoryData<string> Notebooks => new(Repo.NotebookFiles.Select(Path.GetFileName)!);

    private static NotebookDocument Load(string name) => NotebookDocument.Load(Path.Combine(Repo.Notebooks, name));

    private static List<JsonObject> CodeCells(NotebookDocument notebook) =>
        notebook.Cells.OfType<JsonObject>().Where(c => NotebookDocument.CellType(c) == "code").ToList();

    [GeneratedRegex(@"#r\s+""nuget:\s*([^,""\s]+)\s*,\s*([^""\s]+)\s*""")]
    private static partial Regex NugetReference();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Committed_notebook_has_no_outputs_or_execution_counts(string name)
    {
        foreach (var cell in CodeCells(Load(name)))
        {
            Assert.Empty((JsonArray)cell["outputs"]!);
            Assert.Null(cell["execution_count"]);
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_starts_with_the_shared_set_up_cells(string name)
    {
        var reference = CodeCells(Load("00-environment.ipynb")).Take(2).Select(NotebookDocument.Source).ToList();

        var cells = CodeCells(Load(name)).Take(2).Select(NotebookDocument.Source).ToList();

        Assert.Equal(reference, cells);
        Assert.Contains("#r \"../artifacts/notebook-lib/ResNetNotebooks.dll\"", cells[0]); // relative: works from any clone
        Assert.Contains("NotebookSetup.Initialize(", cells[1]);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_references_packages_at_the_versions_pinned_in_Directory_Packages_props(string name)
    {
        var pinned = XDocument.Load(Path.Combine(Repo.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);
        var references = CodeCells(Load(name))
            .SelectMany(c => NugetReference().Matches(NotebookDocument.Source(c)))
            .Select(m => (Package: m.Groups[1].Value, Version: m.Groups[2].Value))
            .ToList();

        Assert.NotEmpty(references);
        foreach (var (package, version) in references)
        {
            Assert.True(pinned.TryGetValue(package, out var expected), $"{name} references {package}, which Directory.Packages.props does not pin.");
            Assert.True(expected == version, $"{name} references {package} {version}, but Directory.Packages.props pins {expected}.");
        }
    }

    [Fact]
    public void The_version_check_sees_a_mismatch()
    {
        var match = NugetReference().Match("#r \"nuget: TorchSharp-cpu, 0.105.0\"");

        Assert.Equal("TorchSharp-cpu", match.Groups[1].Value);
        Assert.Equal("0.105.0", match.Groups[2].Value);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_code_cell_is_CSharp(string name)
    {
        Assert.All(CodeCells(Load(name)), c => Assert.Equal("csharp", NotebookDocument.KernelName(c)));
    }
}
