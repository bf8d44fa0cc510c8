using System.Diagnostics;
using System.Text.Json.Nodes;
using ResNetNotebooks.Runner;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>
/// The runner's commands under hostile use (issue 22): no lesson overwritten, no crash on a bad path, one clear line
/// and exit 1 or 2 for every refusal, and a kernel child that never outlives the runner.
/// </summary>
public sealed class RunnerSafetyTests
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

    /// <summary>The outcome is a refusal: the exit code, one line on stderr saying <paramref name="expected"/>, no stack trace.</summary>
    private static string AssertRefused(Outcome outcome, int exitCode, string expected)
    {
        Assert.True(outcome.ExitCode == exitCode, $"exit code {outcome.ExitCode}, not {exitCode}: {outcome.Output}{outcome.Error}");
        var line = Assert.Single(outcome.ErrorLines);
        Assert.Contains(expected, line);
        Assert.DoesNotMatch(@"\bat [\w.]+\(|Exception", outcome.Error);
        return line;
    }

    private static string Lesson(string name = "lesson.ipynb") => Repo.WriteNotebook(name, ["md:# A lesson", "Console.Write(1 + 1);"]);

    private static string Folder(string prefix = "resnet-nb-safety-") => Directory.CreateTempSubdirectory(prefix).FullName;

    // --- run: never over a lesson ---------------------------------------------------------------------------------

    [Fact]
    public async Task Run_with_out_the_notebooks_own_folder_is_refused_and_the_lesson_is_unchanged()
    {
        var lesson = Lesson();
        var before = File.ReadAllText(lesson);

        var outcome = await Invoke("run", lesson, "--out", Path.GetDirectoryName(lesson)!);

        AssertRefused(outcome, RunnerCommandLine.BadUsage, "holds lesson.ipynb, the notebook being run");
        Assert.Equal(before, File.ReadAllText(lesson));
    }

    [Fact]
    public async Task Run_with_out_the_repositorys_lessons_folder_is_refused()
    {
        var outcome = await Invoke("run", Lesson(), "--out", Repo.Notebooks);

        AssertRefused(outcome, RunnerCommandLine.BadUsage, "is the repository's lessons folder");
    }

    [Fact]
    public async Task Run_that_would_replace_a_never_executed_notebook_of_the_same_name_is_refused()
    {
        var lesson = Lesson();
        var other = Lesson(); // the same lesson in another folder, as committed: no execution counts
        var before = File.ReadAllText(other);

        var outcome = await Invoke("run", lesson, "--out", Path.GetDirectoryName(other)!);

        AssertRefused(outcome, RunnerCommandLine.BadUsage, "a notebook that was never executed");
        Assert.Equal(before, File.ReadAllText(other));
    }

    [Fact]
    public async Task Two_notebooks_with_the_same_name_from_different_folders_are_refused_naming_both()
    {
        var first = Lesson();
        var second = Lesson();

        var outcome = await Invoke("run", first, second, "--out", Folder());

        var line = AssertRefused(outcome, RunnerCommandLine.BadUsage, "have the same name");
        Assert.Contains(first, line);
        Assert.Contains(second, line);
    }

    [Fact]
    public async Task Strip_removes_injected_parameter_cells_that_an_executed_copy_carries()
    {
        var notebook = Repo.WriteNotebook("params.ipynb", ["var epochs = 10;", "Console.Write(epochs);"], parametersCell: 0);
        var document = NotebookDocument.Load(notebook);
        NotebookParameters.Inject(document, null, [("epochs", "7")]);
        NotebookParameters.Inject(document, null, [("epochs", "8")]); // what two runs over the lesson used to leave
        document.Save(notebook);

        var outcome = await Invoke("strip", notebook);

        Assert.Equal(0, outcome.ExitCode);
        var cells = JsonNode.Parse(File.ReadAllText(notebook))!["cells"]!.AsArray();
        Assert.Equal(2, cells.Count);
        Assert.DoesNotContain(NotebookParameters.InjectedTag, cells.ToJsonString());
    }

    [Fact]
    public async Task An_injected_cell_in_the_notebook_given_is_replaced_not_stacked()
    {
        var notebook = Repo.WriteNotebook("params.ipynb", ["var epochs = 10;", "Console.Write(epochs);"], parametersCell: 0);
        var document = NotebookDocument.Load(notebook);
        NotebookParameters.Inject(document, null, [("epochs", "7")]); // an executed copy of an earlier run with epochs=7
        document.Save(notebook);
        var folder = Folder();

        var defaults = await ChildProcessRunner.RunAsync(notebook, new RunOptions { CellTimeout = TimeSpan.FromSeconds(120) }, Path.Combine(folder, "defaults.ipynb"));
        var three = await ChildProcessRunner.RunAsync(notebook, new RunOptions
        {
            CellTimeout = TimeSpan.FromSeconds(120), Parameters = new Dictionary<string, string> { ["epochs"] = "3" },
        }, Path.Combine(folder, "three.ipynb"));

        var defaultCells = JsonNode.Parse(File.ReadAllText(defaults.OutputPath!))!["cells"]!.AsArray();
        var threeCells = JsonNode.Parse(File.ReadAllText(three.OutputPath!))!["cells"]!.AsArray();
        Assert.Equal(2, defaultCells.Count); // the old injected cell is gone: the defaults run
        Assert.Equal("10", defaultCells[1]!["outputs"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(3, threeCells.Count); // one injected cell, this run's
        Assert.Equal("3", threeCells[2]!["outputs"]![0]!["text"]!.GetValue<string>());
    }

    // --- strip: permissions -----------------------------------------------------------------------------------------

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Strip_refuses_a_read_only_notebook_and_leaves_it_as_it_was()
    {
        var notebook = Lesson();
        var document = JsonNode.Parse(File.ReadAllText(notebook))!;
        document["cells"]![1]!["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "2" });
        File.WriteAllText(notebook, document.ToJsonString());
        File.SetUnixFileMode(notebook, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead); // 0444
        var before = File.ReadAllText(notebook);

        var outcome = await Invoke("strip", notebook);

        AssertRefused(outcome, RunnerCommandLine.NotebookFailed, "is read-only (mode 444)");
        Assert.Contains("chmod u+w", outcome.Error);
        Assert.Equal(before, File.ReadAllText(notebook));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(notebook));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Strip_keeps_the_permissions_of_a_writable_notebook()
    {
        var notebook = Lesson();
        File.SetUnixFileMode(notebook, UnixFileMode.UserRead | UnixFileMode.UserWrite); // 0600: private

        var outcome = await Invoke("strip", notebook);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(notebook));
    }

    // --- bad paths: one line, no crash ------------------------------------------------------------------------------

    [Theory]
    [InlineData("run")]
    [InlineData("publish")]
    public async Task An_empty_out_is_bad_usage(string command)
    {
        AssertRefused(await Invoke(command, "--out", ""), RunnerCommandLine.BadUsage, "--out takes a folder, not an empty value");
    }

    [Fact]
    public async Task An_empty_result_for_exec_is_bad_usage()
    {
        AssertRefused(await Invoke("exec", Lesson(), "--out", Path.Combine(Folder(), "x.ipynb"), "--result", ""),
            RunnerCommandLine.BadUsage, "--result takes a file, not an empty value");
    }

    [Fact]
    public async Task Run_with_out_a_file_is_bad_usage()
    {
        var file = Path.Combine(Folder(), "file");
        File.WriteAllText(file, "x");

        AssertRefused(await Invoke("run", Lesson(), "--out", file), RunnerCommandLine.BadUsage, $"--out {file} is a file");
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public async Task Run_with_out_a_folder_that_cannot_be_written_fails_in_one_line_before_any_notebook_runs()
    {
        AssertRefused(await Invoke("run", Lesson(), "--out", "/proc/resnet-out"), RunnerCommandLine.NotebookFailed,
            "cannot write the executed copies to --out /proc/resnet-out");
    }

    [Fact]
    public async Task Exec_with_a_result_in_a_folder_that_cannot_be_written_fails_in_one_line()
    {
        var outcome = await Invoke("exec", Lesson(), "--out", Path.Combine(Folder(), "x.ipynb"), "--result", "/proc/resnet-result.json");

        AssertRefused(outcome, RunnerCommandLine.NotebookFailed, "Could not write /proc/resnet-result.json");
    }

    [Fact]
    public async Task Exec_with_out_the_notebook_itself_is_refused_and_the_notebook_is_unchanged()
    {
        var lesson = Lesson();
        var before = File.ReadAllText(lesson);

        AssertRefused(await Invoke("exec", lesson, "--out", lesson, "--result", Path.Combine(Folder(), "r.json")),
            RunnerCommandLine.BadUsage, "is the notebook being run");
        Assert.Equal(before, File.ReadAllText(lesson));
    }

    [Fact]
    public async Task Publish_with_a_preset_that_is_not_a_name_is_bad_usage()
    {
        // The preset names a folder under artifacts/notebooks/: '../..' would name another.
        AssertRefused(await Invoke("publish", "--preset", "../.."), RunnerCommandLine.BadUsage, "--preset takes a name of letters");
    }

    [Fact]
    public async Task Publish_with_out_the_from_folder_is_refused_in_one_line()
    {
        var from = Folder();

        AssertRefused(await Invoke("publish", "--from", from, "--out", from), RunnerCommandLine.BadUsage,
            "is the executed notebooks' folder (--from)");
    }

    [Fact]
    public async Task Run_with_out_a_folder_inside_the_lessons_folder_says_it_lies_inside_and_makes_nothing()
    {
        var inside = Path.Combine(Repo.Notebooks, "executed");

        AssertRefused(await Invoke("run", Lesson(), "--out", inside), RunnerCommandLine.BadUsage,
            $"--out {inside} lies inside the repository's lessons folder");
        Assert.False(Directory.Exists(inside));
    }

    [Fact]
    public async Task Strip_of_a_folder_names_it_as_a_folder_with_the_glob_to_use()
    {
        var folder = Path.GetDirectoryName(Lesson())!;

        // File.ReadAllText of a folder says "Access to the path is denied", which sent users to chmod.
        var line = AssertRefused(await Invoke("strip", folder), RunnerCommandLine.NotebookFailed, $"{folder} is a folder");
        Assert.Contains(Path.Combine(folder, "*.ipynb"), line);
    }

    [Fact]
    public async Task Run_of_a_notebook_that_does_not_exist_is_bad_usage_before_any_folder_is_made()
    {
        var missing = Path.Combine(Folder(), "01-residual-blok.ipynb");
        var outFolder = Path.Combine(Folder(), "out");

        // With --preset too: the preset check used to answer first, saying the notebooks define "no presets".
        var line = AssertRefused(await Invoke("run", missing, "--preset", "ci", "--out", outFolder), RunnerCommandLine.BadUsage,
            $"{missing} does not exist");

        Assert.Contains("check the path", line);
        Assert.DoesNotContain("preset", line);
        Assert.False(Directory.Exists(outFolder));
    }

    [Fact]
    public async Task A_file_that_is_not_json_is_reported_in_one_line_even_when_its_bad_token_holds_a_line_break()
    {
        var file = Path.Combine(Folder(), "notes.ipynb");
        File.WriteAllText(file, "not json\nsecond line\n"); // System.Text.Json quotes 'not json\n' in its message

        AssertRefused(await Invoke("strip", file), RunnerCommandLine.NotebookFailed, $"{file} is not valid JSON");
        Assert.Equal("not json\nsecond line\n", File.ReadAllText(file));
    }

    // --- advice -----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_folder_given_to_run_is_reported_as_a_folder_with_the_glob_to_use()
    {
        var folder = Path.GetDirectoryName(Lesson())!;

        AssertRefused(await Invoke("run", folder), RunnerCommandLine.BadUsage, $"{folder} is a folder; name the notebooks in it ({folder}/*.ipynb)");
    }

    [Fact]
    public async Task A_cell_timeout_that_rounds_to_zero_is_refused_by_run_itself()
    {
        AssertRefused(await Invoke("run", Lesson(), "--cell-timeout", "1e-300"), RunnerCommandLine.BadUsage,
            "--cell-timeout takes a number of seconds from 0.001 to 604800 (7 days), not '1e-300'");
    }

    [Theory]
    [InlineData("var epochs = 10;", "epochs=abc", "epochs takes a whole number, not 'abc'")]
    [InlineData("int epochs = 10;", "epochs=2.5", "epochs takes a whole number, not '2.5'")]
    [InlineData("double rate = 0.1;", "rate=fast", "rate takes a number, not 'fast'")]
    [InlineData("var verbose = true;", "verbose=yes", "verbose takes true or false, not 'yes'")]
    [InlineData("var epochs = 10;", "epochs=null", "epochs takes a whole number, not 'null'")]
    public async Task A_parameter_value_of_the_wrong_kind_is_bad_usage_naming_the_kind(string declaration, string param, string expected)
    {
        var notebook = Repo.WriteNotebook("params.ipynb", [declaration, "Console.Write(1);"], parametersCell: 0);

        AssertRefused(await Invoke("run", notebook, "--param", param, "--out", Folder()), RunnerCommandLine.BadUsage, expected);
    }

    // --- the kernel child -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("// leave\nEnvironment.Exit(3);", "cell 2 (`// leave`)", "the process exited with code 3")]
    [InlineData("// recurse\nint Down(int n) => Down(n + 1) + 1;\nDown(0);", "cell 2 (`// recurse`)", "a stack overflow")]
    public async Task A_kernel_process_that_ends_mid_cell_is_reported_in_one_line_naming_the_cell_and_the_cause(string cell, string where, string cause)
    {
        var notebook = Repo.WriteNotebook("exits.ipynb", ["var x = 1;", cell, "var y = 2;"]);
        var copy = Path.Combine(Folder(), "exits.ipynb");

        var result = await ChildProcessRunner.RunAsync(notebook, new RunOptions { CellTimeout = TimeSpan.FromSeconds(120) }, copy);

        Assert.Equal(NotebookStatus.Failed, result.Status);
        Assert.Equal(2, result.Cell);
        var line = result.Describe();
        Assert.DoesNotContain('\n', line);
        Assert.Contains(where, line);
        Assert.Contains(cause, line);
    }

    [Theory]
    [InlineData(137, "", "killed by SIGKILL, exit code 137")] // 128 + 9
    [InlineData(134, "Stack overflow.\n   at F()", "a stack overflow")] // 128 + 6 (SIGABRT), .NET's message
    [InlineData(143, "", "killed by signal 15, exit code 143")] // 128 + 15
    [InlineData(1, "System.OutOfMemoryException: Array dimensions", "out of memory")]
    [InlineData(42, "", "exited with code 42")]
    public void The_exit_cause_of_a_kernel_process_is_read_from_its_exit_code_and_log(int exitCode, string log, string expected)
    {
        Assert.Contains(expected, ChildProcessRunner.ExitCause(exitCode, log));
    }

    [Fact]
    public async Task A_cell_that_prints_in_a_loop_is_stopped_by_the_timeout_and_its_copy_is_written()
    {
        // The copy used to be written while the still-running cell appended outputs: "Collection was modified".
        var notebook = Repo.WriteNotebook("prints.ipynb", ["var i = 0;", "while (true) { Console.WriteLine(i++); display(i); }"]);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var copy = Path.Combine(Folder(), "prints.ipynb");

            var result = await ChildProcessRunner.RunAsync(notebook, new RunOptions { CellTimeout = TimeSpan.FromSeconds(3) }, copy);

            Assert.True(result.Status == NotebookStatus.TimedOut, result.Describe());
            Assert.Equal(2, result.Cell);
            var outputs = JsonNode.Parse(File.ReadAllText(copy))!["cells"]![1]!["outputs"]!.AsArray();
            Assert.Equal("Timeout", outputs[^1]!["ename"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("TERM", 143, false)] // 128 + 15
    [InlineData("INT", 130, false)] // 128 + 2
    [InlineData("INT", 130, true)] // Ctrl+C in a terminal: the whole process group, the kernel child included
    [InlineData("KILL", 137, false)] // 128 + 9: the runner cannot clean up, so the child must notice on its own
    public async Task A_signal_to_the_runner_ends_its_kernel_child_too(string signal, int exitCode, bool wholeGroup)
    {
        var folder = Folder();
        var pidFile = Path.Combine(folder, "child.pid");
        var notebook = Repo.WriteNotebook("spins.ipynb", [
            $"System.IO.File.WriteAllText(@\"{pidFile}\", Environment.ProcessId.ToString());",
            "while (true) { }",
        ]);
        // setsid: the runner leads a process group of its own, which a signal can be sent to as a terminal does.
        // env --default-signal: a process started from a background job (`cmd &` in a script, nohup) inherits SIGINT and
        // SIGQUIT ignored, and .NET keeps an inherited "ignore", so the runner would never see the test's SIGINT.
        var start = new ProcessStartInfo("env") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--default-signal=INT,TERM", "setsid", "dotnet", typeof(RunnerCommandLine).Assembly.Location, "run", notebook, "--out", Path.Combine(folder, "out"), "--cell-timeout", "600" })
        {
            start.ArgumentList.Add(arg);
        }
        using var runner = Process.Start(start)!;
        var stderr = runner.StandardError.ReadToEndAsync();
        _ = runner.StandardOutput.ReadToEndAsync();
        var child = await WaitForChild(pidFile, runner);

        using (var kill = Process.Start("kill", $"-{signal} {(wholeGroup ? "-- -" : "")}{runner.Id}"))
        {
            await kill.WaitForExitAsync();
        }
        await runner.WaitForExitAsync();
        var childEnded = await WaitForExit(child);

        Assert.Equal(exitCode, runner.ExitCode);
        Assert.True(childEnded, $"the kernel child {child.Id} still runs after the runner got SIG{signal}");
        if (signal != "KILL")
        {
            var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"stopped by SIG{signal}", line);
            Assert.Contains("while spins.ipynb ran; its kernel process was ended", line);
        }
    }

    /// <summary>The kernel child, once its first cell has written its process id.</summary>
    private static async Task<Process> WaitForChild(string pidFile, Process runner)
    {
        while (!File.Exists(pidFile) || File.ReadAllText(pidFile).Length == 0)
        {
            Assert.False(runner.HasExited, "the runner ended before the notebook's first cell ran");
            await Task.Delay(200);
        }
        return Process.GetProcessById(int.Parse(File.ReadAllText(pidFile), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Waits for a process to end; false if it still runs after a minute (it spins forever otherwise).</summary>
    private static async Task<bool> WaitForExit(Process process)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(patience.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            process.Kill(); // our own test's child: do not leave it spinning
            return false;
        }
    }
}
