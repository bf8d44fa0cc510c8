using System.Diagnostics;
using System.Text.Json.Nodes;
using ResNetNotebooks.Runner;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>The runner, driven as the tests and the README's command drive it: one child process per notebook.</summary>
public sealed class RunnerTests
{
    private static readonly RunOptions TwoMinuteCells = new() { CellTimeout = TimeSpan.FromSeconds(120) };

    private static Task<NotebookResult> Run(string notebook, RunOptions? options = null) =>
        ChildProcessRunner.RunAsync(notebook, options ?? TwoMinuteCells, Path.ChangeExtension(notebook, $".{Guid.NewGuid():N}.out.ipynb"));

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
    public async Task Presets_and_explicit_parameters_override_the_parameters_cell_in_that_order()
    {
        var metadata = JsonNode.Parse("""{"resnet": {"presets": {"ci": {"epochs": 2, "label": "small"}}}}""")!.AsObject();
        var notebook = Repo.WriteNotebook("params.ipynb", [
            "var epochs = 10;\nvar label = \"big\";\ndouble rate = 0.5;",
            "Console.Write($\"{epochs} {label} {rate}\");",
        ], metadata, parametersCell: 0);

        var ci = await Run(notebook, TwoMinuteCells with { Preset = "ci" });
        var overridden = await Run(notebook, TwoMinuteCells with { Preset = "ci", Parameters = new Dictionary<string, string> { ["epochs"] = "3", ["rate"] = "0.25" } });
        var explicitOnly = await Run(notebook, TwoMinuteCells with { Parameters = new Dictionary<string, string> { ["label"] = "mine" } });

        Assert.Equal("2 small 0.5", Outputs(ci, 3)[0]!["text"]!.GetValue<string>()); // cell 2 is the injected one
        Assert.Equal("3 small 0.25", Outputs(overridden, 3)[0]!["text"]!.GetValue<string>());
        Assert.Equal("10 mine 0.5", Outputs(explicitOnly, 3)[0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_preset_or_param_nothing_is_injected_not_even_a_profile()
    {
        // A parameter named profile used to be set to the runner's profile name ("full") behind the notebook's back.
        var metadata = JsonNode.Parse("""{"resnet": {"presets": {"ci": {"epochs": 2}}}}""")!.AsObject();
        var notebook = Repo.WriteNotebook("params.ipynb", [
            "var profile = \"quick\";\nvar epochs = 10;",
            "Console.Write($\"{profile} {epochs}\");",
        ], metadata, parametersCell: 0);

        var result = await Run(notebook);

        Assert.Equal(NotebookStatus.Passed, result.Status);
        Assert.Equal("quick 10", Outputs(result, 2)[0]!["text"]!.GetValue<string>()); // cell 2: nothing was inserted
        var cells = JsonNode.Parse(File.ReadAllText(result.OutputPath!))!["cells"]!.AsArray();
        Assert.Equal(2, cells.Count);
        Assert.DoesNotContain(NotebookParameters.InjectedTag, cells.ToJsonString());
    }

    [Fact]
    public async Task Nullable_parameters_take_null_from_a_preset_and_from_the_command_line()
    {
        var metadata = JsonNode.Parse("""{"resnet": {"presets": {"ci": {"rate": null, "epochs": 4}}}}""")!.AsObject();
        var notebook = Repo.WriteNotebook("nullable.ipynb", [
            "int? epochs = null;\ndouble? rate = 0.5;\nstring? name = \"x\";\nlong? steps = 7;",
            "Console.Write($\"{epochs} {rate?.ToString() ?? \"null\"} {name ?? \"null\"} {steps?.ToString() ?? \"null\"}\");",
        ], metadata, parametersCell: 0);

        var result = await Run(notebook, TwoMinuteCells with
        {
            Preset = "ci", Parameters = new Dictionary<string, string> { ["name"] = "null", ["steps"] = "null" },
        });

        Assert.True(result.Status == NotebookStatus.Passed, result.Describe());
        Assert.Equal("4 null null null", Outputs(result, 3)[0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_notebook_with_parameters_but_without_the_preset_is_refused_and_one_without_parameters_runs_its_defaults()
    {
        var withParameters = Repo.WriteNotebook("params.ipynb", ["var epochs = 10;", "Console.Write(epochs);"], parametersCell: 0);
        var withoutParameters = Repo.WriteNotebook("plain.ipynb", ["Console.Write(\"plain\");"]);

        var refused = await Run(withParameters, TwoMinuteCells with { Preset = "ci" });
        var plain = await Run(withoutParameters, TwoMinuteCells with { Preset = "ci" });

        Assert.Equal(NotebookStatus.Error, refused.Status);
        Assert.Contains("no preset \"ci\"", refused.Error);
        Assert.Equal(NotebookStatus.Passed, plain.Status);
        Assert.Equal("plain", Outputs(plain, 1)[0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_parameter_is_refused_before_any_cell_runs_with_the_known_names()
    {
        var notebook = Repo.WriteNotebook("params.ipynb", ["var epochs = 10;", "Console.Write(epochs);"], parametersCell: 0);

        var result = await Run(notebook, TwoMinuteCells with { Parameters = new Dictionary<string, string> { ["epoch"] = "3" } });

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
        Assert.Equal("null", NotebookParameters.LiteralFromText("null"));
        Assert.Equal("\"null\"", NotebookParameters.LiteralFromText("\"null\""));
        Assert.Equal(["epochs", "lr", "name"], NotebookParameters.Declared("var epochs = 3;\ndouble lr = 0.1; // rate\nstring name = \"x\";\n// var hidden = 1;"));
    }

    [Fact]
    public void Nullable_declarations_are_parameters()
    {
        var source = "int? epochs = null;\ndouble? learningRate = null; // the profile's\nstring? x = null;\n" +
                     "long? n = 3;\nfloat? f = 1f;\nbool? b = null;\nvar seed = 0;\n// int? hidden = null;\nvar? bad = 1;";

        Assert.Equal(["epochs", "learningRate", "x", "n", "f", "b", "seed"], NotebookParameters.Declared(source));
    }
}
