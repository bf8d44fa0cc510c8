using System.Text.Json.Nodes;
using ResNetNotebooks.Runner;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>The runner's command line, invoked in this process: exit codes, help, bad usage in one line.</summary>
public sealed class RunnerCommandLineTests
{
    private sealed record Outcome(int ExitCode, string Output, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static async Task<Outcome> Invoke(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RunnerCommandLine.InvokeAsync(args, output, error);
        return new Outcome(code, output.ToString(), error.ToString());
    }

    private static void AssertBadUsage(Outcome outcome, string expected)
    {
        Assert.Equal(RunnerCommandLine.BadUsage, outcome.ExitCode);
        var line = Assert.Single(outcome.ErrorLines);
        Assert.Contains(expected, line);
        Assert.DoesNotMatch(@"\bat [\w.]+\(|Exception", outcome.Error); // no stack trace
        Assert.Equal("", outcome.Output);
    }

    /// <summary>A command line that did not parse: one line naming the command by its whole path, the facts a user
    /// needs (the bad value or option, the fix's key word) and a pointer to that command's help.</summary>
    private static void AssertUsage(Outcome outcome, string command, params string[] facts)
    {
        AssertBadUsage(outcome, $"See '{command} --help'.");
        var line = outcome.ErrorLines[0];
        Assert.StartsWith($"{command}: ", line);
        Assert.EndsWith($"See '{command} --help'.", line);
        Assert.All(facts, fact => Assert.Contains(fact, line));
    }

    private static string PresetNotebook(string name, string presets) => Repo.WriteNotebook(name,
        ["var epochs = 10;", "Console.Write(epochs);"],
        JsonNode.Parse("{\"resnet\": {\"presets\": " + presets + "}}")!.AsObject(), parametersCell: 0);

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("run", "--help")]
    [InlineData("exec", "--help")]
    [InlineData("strip", "-h")]
    public async Task Help_on_every_command_exits_0(params string[] args)
    {
        var outcome = await Invoke(args);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("Usage:", outcome.Output);
        Assert.Equal("", outcome.Error);
    }

    [Fact]
    public async Task Run_help_names_the_preset_option_and_the_default_output_folders()
    {
        var outcome = await Invoke("run", "--help");

        Assert.Contains("--preset <NAME>", outcome.Output);
        Assert.Contains("artifacts/notebooks/<preset>/", outcome.Output);
        Assert.Contains("artifacts/notebooks/default/", outcome.Output);
        Assert.DoesNotContain("--profile", outcome.Output);
    }

    [Fact]
    public async Task Version_exits_0_and_prints_the_version()
    {
        var outcome = await Invoke("--version");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", outcome.Output);
    }

    [Theory]
    [InlineData("Infinity")]
    [InlineData("1e300")]
    [InlineData("NaN")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("604801")] // a second over 7 days
    [InlineData("ten")]
    public async Task A_cell_timeout_that_is_not_a_sensible_number_of_seconds_exits_2(string value)
    {
        AssertUsage(await Invoke("run", "--cell-timeout", value), "resnet-notebooks run", "--cell-timeout", $"'{value}'", "0.001", "604800");
    }

    [Fact]
    public async Task An_unknown_preset_exits_2_listing_the_presets_the_notebooks_define()
    {
        var first = PresetNotebook("first.ipynb", """{"ci": {"epochs": 1}, "teacher": {"epochs": 3}}""");
        var second = PresetNotebook("second.ipynb", """{"ci": {"epochs": 2}}""");

        var outcome = await Invoke("run", first, second, "--preset", "nope");

        AssertBadUsage(outcome, "'nope'");
        Assert.Contains("ci, teacher", outcome.Error);
    }

    [Fact]
    public async Task The_name_equals_value_form_is_understood()
    {
        var notebook = PresetNotebook("first.ipynb", """{"ci": {"epochs": 1}}""");

        // Both options reach the runner: the timeout's value is checked, and then the preset's.
        AssertBadUsage(await Invoke("run", notebook, "--cell-timeout=Infinity"), "not 'Infinity'");
        AssertBadUsage(await Invoke("run", notebook, "--cell-timeout=60", "--preset=nope"), "unknown preset 'nope'");
    }

    [Fact]
    public async Task The_name_equals_value_form_runs_a_notebook_with_a_preset_and_a_param()
    {
        var notebook = PresetNotebook("first.ipynb", """{"ci": {"epochs": 1}}""");
        var folder = Directory.CreateTempSubdirectory("resnet-nb-out-").FullName;

        var outcome = await Invoke("run", notebook, "--preset=ci", "--param=epochs=7", "--cell-timeout=120", $"--out={folder}");

        Assert.True(outcome.ExitCode == 0, outcome.Output + outcome.Error);
        Assert.Contains("preset 'ci'", outcome.Output);
        Assert.Contains("1 passed, 0 failed", outcome.Output);
        var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "first.ipynb")))!["cells"]!;
        Assert.Equal("7", executed[2]!["outputs"]![0]!["text"]!.GetValue<string>()); // the preset's 1, then --param's 7
    }

    [Fact]
    public async Task A_mistyped_option_exits_2_and_names_the_closest_one()
    {
        // Before a notebook, among notebooks and after them: never taken for a notebook's file name.
        AssertUsage(await Invoke("run", "--presett", "ci"), "resnet-notebooks run", "--presett", "did you mean --preset?");
        AssertUsage(await Invoke("run", "a.ipynb", "--presett", "ci", "b.ipynb"), "resnet-notebooks run", "--presett", "did you mean --preset?");
        AssertUsage(await Invoke("strip", "a.ipynb", "--fore"), "resnet-notebooks strip", "--fore");
        AssertUsage(await Invoke("run", "--presett=ci"), "resnet-notebooks run", "--presett=ci", "did you mean --preset?");
        AssertUsage(await Invoke("exec", "x.ipynb", "--out", "a", "--result", "b", "--cell-timout", "5"), "resnet-notebooks exec", "--cell-timout", "did you mean --cell-timeout?");
        AssertUsage(await Invoke("rnu"), "resnet-notebooks", "'rnu'", "did you mean run?");
        AssertUsage(await Invoke("translations", "chek"), "resnet-notebooks translations", "'chek'", "did you mean check?");
    }

    [Fact]
    public async Task Other_bad_usage_exits_2_in_one_line()
    {
        AssertUsage(await Invoke(), "resnet-notebooks", "no command", "run", "strip");
        AssertUsage(await Invoke("run", "--param", "epochs"), "resnet-notebooks run", "--param", "NAME=VALUE", "'epochs'");
        AssertUsage(await Invoke("run", "--preset", "../elsewhere"), "resnet-notebooks run", "--preset", "'../elsewhere'", "letters");
        AssertUsage(await Invoke("run", "--preset"), "resnet-notebooks run", "--preset", "value");
        AssertUsage(await Invoke("exec", "x.ipynb"), "resnet-notebooks exec", "--out", "required");
        AssertUsage(await Invoke("strip"), "resnet-notebooks strip", "NOTEBOOK.ipynb");
    }

    [Fact]
    public void The_default_output_folder_is_named_after_the_preset_or_default()
    {
        Assert.Equal(Path.Combine("/repo", "artifacts", "notebooks", "ci"), RunnerCommandLine.DefaultOutputFolder("/repo", "ci"));
        Assert.Equal(Path.Combine("/repo", "artifacts", "notebooks", "default"), RunnerCommandLine.DefaultOutputFolder("/repo", null));
    }

    [Fact]
    public void Translated_lessons_have_their_own_default_output_folder_so_they_never_replace_the_english_copies()
    {
        string[] zh = ["/repo/notebooks-zh/01-residual-block.ipynb", "/repo/notebooks-zh/02-shortcuts.ipynb"];
        string[] en = ["/repo/notebooks/01-residual-block.ipynb"];

        Assert.Equal(Path.Combine("/repo", "artifacts", "notebooks-zh", "default"), RunnerCommandLine.DefaultOutputFolder("/repo", null, zh));
        Assert.Equal(Path.Combine("/repo", "artifacts", "notebooks-zh", "ci"), RunnerCommandLine.DefaultOutputFolder("/repo", "ci", zh));
        Assert.Equal(Path.Combine("/repo", "artifacts", "notebooks", "default"), RunnerCommandLine.DefaultOutputFolder("/repo", null, en));
        // Notebooks from both folders (or from elsewhere) keep the common default.
        Assert.Equal(Path.Combine("/repo", "artifacts", "notebooks", "default"), RunnerCommandLine.DefaultOutputFolder("/repo", null, [.. zh, .. en]));
        Assert.Equal(Path.Combine("/repo", "artifacts", "notebooks", "default"), RunnerCommandLine.DefaultOutputFolder("/repo", null, ["/tmp/notebooks-zh/x.ipynb"]));
    }
}
