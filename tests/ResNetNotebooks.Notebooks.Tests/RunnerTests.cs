using System.Diagnostics;
using System.Text.Json.Nodes;
using ResNetNotebooks.Runner;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>The runner, driven as the tests and the README's command drive it: one child process per notebook.</summary>
public sealed class RunnerTests
{
    private static readonly RunOptions Quick = new() { CellTimeout = TimeSpan.FromSeconds(120) };

    private static Task<NotebookResult> Run(string notebook, RunOptions? options = null) =>
        ChildProcessRunner.RunAsync(notebook, options ?? Quick, Path.ChangeExtension(notebook, $".{Guid.NewGuid():N}.out.ipynb"));

    private static JsonArray Outputs(NotebookResult result, int cell) =>
        (JsonArray)JsonNode.Parse(File.ReadAllText(result.OutputPath!))!["cells"]![cell - 1]!["outputs"]!;

    [Fact]
    public async Task A_cell_that_throws_stops_the_run_and_is_named_with_its_number_first_line_and_error()
    {
        var notebook = Repo.WriteNotebook("throws.ipynb", [
            "md:# A notebook",
            "var x = 1 + 1;",
            "// divide\nthrow new InvalidOperationException(\"the batch was empty\");",
            "Console.WriteLine(\"never printed\");",
        ]);

        var result = await Run(notebook);

        Assert.Equal(NotebookStatus.Failed, result.Status);
        Assert.Equal(3, result.Cell);
        Assert.Equal("// divide", result.CellFirstLine);
        Assert.Contains("the batch was empty", result.Error);
        var line = result.Describe();
        Assert.Contains("throws.ipynb", line);
        Assert.Contains("cell 3", line);
        Assert.Contains("the batch was empty", line);
        Assert.Contains(Outputs(result, 3), o => o!["output_type"]!.GetValue<string>() == "error");
        Assert.Empty(Outputs(result, 4)); // the run stopped at cell 3
    }

    [Fact]
    public async Task A_cell_that_loops_forever_fails_within_the_timeout_and_is_named()
    {
        var notebook = Repo.WriteNotebook("hangs.ipynb", ["var ready = true;", "while (ready) { }", "var after = 1;"]);
        var clock = Stopwatch.StartNew();

        // 5 s is enough for cell 1 on any machine because the runner warms the kernel up first (the kernel's first
        // compilation, several seconds on a cold machine, used to be charged to cell 1 and time it out).
        var result = await Run(notebook, new RunOptions { CellTimeout = TimeSpan.FromSeconds(5) });

        Assert.Equal(NotebookStatus.TimedOut, result.Status);
        Assert.Equal(2, result.Cell);
        Assert.Equal("while (ready) { }", result.CellFirstLine);
        Assert.Contains("hangs.ipynb", result.Describe());
        Assert.Contains("timed out", result.Describe());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_compile_error_is_reported_with_the_compilers_message()
    {
        var notebook = Repo.WriteNotebook("typo.ipynb", ["int count = \"three\";"]);

        var result = await Run(notebook);

        Assert.Equal(NotebookStatus.Failed, result.Status);
        Assert.Equal(1, result.Cell);
        Assert.Contains("CS0029", result.Error);
    }

    [Fact]
    public async Task A_failed_expectation_fails_the_run_even_without_an_exception_of_the_cell_itself()
    {
        var library = Path.Combine(Repo.Root, "artifacts", "notebook-lib", "ResNetNotebooks.dll");
        var notebook = Repo.WriteNotebook("expect.ipynb", [
            $"#r \"nuget: TorchSharp-cpu, 0.107.0\"\n#r \"{library}\"",
            "ResNetNotebooks.Notebooks.Expect.Equal(4L, 2L + 1L, \"2 + 2\")",
        ]);

        var result = await Run(notebook);

        Assert.Equal(NotebookStatus.Failed, result.Status);
        Assert.Equal(2, result.Cell);
        Assert.Contains("Expected 2 + 2 = 4 but got 3.", result.Error);
    }

    [Fact]
    public async Task Profiles_and_explicit_parameters_override_the_parameters_cell_in_that_order()
    {
        var metadata = JsonNode.Parse("""{"resnet": {"profiles": {"quick": {"epochs": 2, "label": "small"}}}}""")!.AsObject();
        var notebook = Repo.WriteNotebook("params.ipynb", [
            "var profile = \"full\";\nvar epochs = 10;\nvar label = \"big\";\ndouble rate = 0.5;",
            "Console.Write($\"{profile} {epochs} {label} {rate}\");",
        ], metadata, parametersCell: 0);

        var full = await Run(notebook);
        var quick = await Run(notebook, Quick with { Profile = "quick" });
        var overridden = await Run(notebook, Quick with { Profile = "quick", Parameters = new Dictionary<string, string> { ["epochs"] = "3", ["rate"] = "0.25" } });

        Assert.Equal("full 10 big 0.5", Outputs(full, 3)[0]!["text"]!.GetValue<string>()); // cell 2: profile = "full" injected
        Assert.Equal("quick 2 small 0.5", Outputs(quick, 3)[0]!["text"]!.GetValue<string>()); // cell 2 is the injected one
        Assert.Equal("quick 3 small 0.25", Outputs(overridden, 3)[0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_parameter_is_refused_before_any_cell_runs_with_the_known_names()
    {
        var notebook = Repo.WriteNotebook("params.ipynb", ["var epochs = 10;", "Console.Write(epochs);"], parametersCell: 0);

        var result = await Run(notebook, Quick with { Parameters = new Dictionary<string, string> { ["epoch"] = "3" } });

        Assert.Equal(NotebookStatus.Error, result.Status);
        Assert.Contains("has no parameter epoch", result.Error);
        Assert.Contains("declares epochs", result.Error);
    }

    [Fact]
    public async Task The_executed_copy_keeps_outputs_and_updates_a_displayed_value_in_place()
    {
        var notebook = Repo.WriteNotebook("display.ipynb", [
            "var shown = display(\"step 1\");\nfor (var i = 2; i <= 50; i++) shown.Update($\"step {i}\");",
            "Console.WriteLine(\"done\");",
        ]);

        var result = await Run(notebook);

        Assert.Equal(NotebookStatus.Passed, result.Status);
        var displays = Outputs(result, 1);
        var display = Assert.Single(displays);
        Assert.Contains("step 50", display!["data"]!.ToJsonString());
        Assert.Equal("done\n", Outputs(result, 2)[0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Parameter_values_from_the_command_line_become_CSharp_literals()
    {
        Assert.Equal("3", NotebookParameters.LiteralFromText("3"));
        Assert.Equal("0.05", NotebookParameters.LiteralFromText("0.05"));
        Assert.Equal("true", NotebookParameters.LiteralFromText("true"));
        Assert.Equal("\"tuned\"", NotebookParameters.LiteralFromText("tuned"));
        Assert.Equal("\"a \\\"b\\\"\"", NotebookParameters.LiteralFromText("a \"b\""));
        Assert.Equal(["epochs", "lr", "name"], NotebookParameters.Declared("var epochs = 3;\ndouble lr = 0.1; // rate\nstring name = \"x\";\n// var hidden = 1;"));
    }
}
