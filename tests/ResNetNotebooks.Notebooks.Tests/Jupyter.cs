using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ResNetNotebooks.Runner;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>
/// Runs notebooks through the Jupyter protocol: Debian's nbclient (python3-nbclient, the library under
/// <c>jupyter nbconvert --execute</c>) drives the pinned dotnet-interactive kernel (<c>.net-csharp</c>), as VS Code's
/// Jupyter extension and JupyterLab do. See <c>jupyter_execute.py</c> beside this file.
/// </summary>
internal static class Jupyter
{
    /// <summary>The kernel name <c>dotnet interactive jupyter install</c> registers for C#.</summary>
    public const string KernelName = ".net-csharp";

    /// <summary>Debian's Python (which has python3-nbclient), else the first python3 on PATH.</summary>
    public static string Python { get; } = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private static string Script => Path.Combine(Repo.Root, "tests", "ResNetNotebooks.Notebooks.Tests", "jupyter_execute.py");

    /// <summary>Null when nbclient and the <c>.net-csharp</c> kernel are installed; otherwise what is missing and how to install it.</summary>
    public static string? Missing => MissingOnce.Value;

    private static readonly Lazy<string?> MissingOnce = new(FindMissing);

    private static string? FindMissing()
    {
        const string probe =
            "import sys\n" +
            "try:\n    import nbclient, nbformat\nexcept ImportError:\n    print('nbclient'); sys.exit(0)\n" +
            "from jupyter_client.kernelspec import KernelSpecManager\n" +
            $"print('' if '{KernelName}' in KernelSpecManager().find_kernel_specs() else 'kernel')\n";
        string output;
        try
        {
            output = Run(Python, ["-c", probe], Repo.Root, TimeSpan.FromSeconds(60)).Output.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            output = "python";
        }
        return output switch
        {
            "" => null,
            "kernel" => $"the Jupyter kernel {KernelName} is not installed: run 'dotnet tool restore && dotnet tool run dotnet-interactive jupyter install' in the repository (as .ci/run does)",
            _ => "Jupyter's nbclient is not installed: apt-get install -y jupyter-nbconvert python3-nbclient (as .ci/run does)",
        };
    }

    /// <summary>The result line <c>jupyter_execute.py</c> prints.</summary>
    public sealed record Result(string Status, int? Cell, string? FirstLine, string? Error, double Seconds, string Log)
    {
        public bool Passed => Status == "passed";

        public string Describe(string notebook) => Passed
            ? $"PASS {notebook} ({Seconds:0} s)"
            : $"FAIL {notebook}{(Cell is null ? "" : $", cell {Cell} ({FirstLine})")}: {Error}\n--- log (last lines) ---\n{Tail(Log, 30)}";

        private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));
    }

    /// <summary>
    /// Writes a copy of <paramref name="notebook"/> with the preset's parameters injected (the runner's own
    /// <see cref="NotebookParameters"/>, so both front-ends run the same cells) to <paramref name="output"/>'s folder,
    /// executes it under Jupyter with the kernel in the repository's notebooks/ folder, and writes the executed copy
    /// to <paramref name="output"/>.
    /// </summary>
    public static Result Execute(string notebook, string? preset, string output, TimeSpan cellTimeout)
    {
        var document = NotebookDocument.Load(notebook);
        var overrides = NotebookParameters.Resolve(document, preset, new Dictionary<string, string>());
        document.ClearOutputs();
        NotebookParameters.Inject(document, preset, overrides);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        var input = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, "input", Path.GetFileName(output));
        Directory.CreateDirectory(Path.GetDirectoryName(input)!);
        document.Save(input);

        // The kernel process (dotnet interactive) gets a clock of its own for the start: a cold NuGet restore of the
        // first cell is charged to that cell, as in the runner's tests.
        var (code, log) = Run(Python,
            [Script, input, output, "--cwd", Repo.Notebooks, "--kernel", KernelName,
             "--timeout", ((int)cellTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "--startup-timeout", "300"],
            Repo.Notebooks, TimeSpan.FromHours(1));
        var last = log.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("{\"status\"", StringComparison.Ordinal));
        if (last is null)
        {
            return new Result("error", null, null, $"jupyter_execute.py exited with {code} without a result", 0, log);
        }
        var json = JsonNode.Parse(last)!;
        return new Result(
            json["status"]!.GetValue<string>(), json["cell"]?.GetValue<int>(), json["first_line"]?.GetValue<string>(),
            json["error"]?.GetValue<string>(), json["seconds"]?.GetValue<double>() ?? 0, log);
    }

    /// <summary>The outputs of an executed notebook's cells, in order (each a JSON array).</summary>
    public static List<JsonArray> Outputs(string executed) =>
        ((JsonArray)JsonNode.Parse(File.ReadAllText(executed))!["cells"]!)
        .Select(c => c!["outputs"] as JsonArray ?? [])
        .ToList();

    private static (int Code, string Output) Run(string file, IEnumerable<string> arguments, string folder, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            lock (output) { output.AppendLine($"stopped after {timeout.TotalMinutes:0} min"); }
        }
        process.WaitForExit();
        lock (output)
        {
            return (process.HasExited ? process.ExitCode : -1, output.ToString());
        }
    }
}

/// <summary>A test that needs Jupyter (nbclient) and the <c>.net-csharp</c> kernel: reported as skipped, never passed, without them.</summary>
public sealed class JupyterFactAttribute : FactAttribute
{
    /// <summary>Skips the test, naming what is missing, when Jupyter or the kernel is not installed.</summary>
    public JupyterFactAttribute()
    {
        if (Jupyter.Missing is { } missing)
        {
            Skip = missing;
        }
    }
}

/// <summary>A theory that needs Jupyter (nbclient) and the <c>.net-csharp</c> kernel: reported as skipped, never passed, without them.</summary>
public sealed class JupyterTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips the theory, naming what is missing, when Jupyter or the kernel is not installed.</summary>
    public JupyterTheoryAttribute()
    {
        if (Jupyter.Missing is { } missing)
        {
            Skip = missing;
        }
    }
}
