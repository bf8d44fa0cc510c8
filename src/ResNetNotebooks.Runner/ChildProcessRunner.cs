using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ResNetNotebooks.Runner;

/// <summary>
/// Runs each notebook in a child process of this runner (<c>exec</c>), so that every notebook gets a fresh kernel
/// and torch state, and a hung cell ends with its process. The child writes its result as JSON; a watchdog here
/// kills a child that stops answering altogether.
/// </summary>
public static class ChildProcessRunner
{
    /// <summary>Runs <paramref name="notebookPath"/> in a child process and returns its result.</summary>
    /// <param name="notebookPath">The notebook.</param>
    /// <param name="options">Preset, parameters and timeout.</param>
    /// <param name="outputPath">Where the executed copy goes.</param>
    /// <param name="environment">Extra environment variables for the child (tests use it).</param>
    public static async Task<NotebookResult> RunAsync(
        string notebookPath, RunOptions options, string outputPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var name = Path.GetFileName(notebookPath);
        if (!File.Exists(notebookPath))
        {
            return new NotebookResult { Notebook = name, Status = NotebookStatus.Error, Error = $"{notebookPath} does not exist." };
        }
        var resultPath = Path.Combine(Path.GetTempPath(), $"resnet-notebooks-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(ChildProcessRunner).Assembly.Location);
        foreach (var arg in ExecArguments(notebookPath, options, outputPath, resultPath))
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var log = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var child = Process.Start(start)!;
        child.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();

        // The child enforces the per-cell timeout itself; this only catches a child that never reaches a cell: the
        // kernel's start, every cell and one more for writing. (Capped at about 24 days, the longest a
        // CancellationTokenSource waits.)
        var watchdog = TimeSpan.FromMilliseconds(Math.Min(
            RunOptions.KernelStartTimeout.TotalMilliseconds + (options.CellTimeout.TotalMilliseconds * (CodeCellCount(notebookPath) + 1)),
            int.MaxValue - 1));
        using var cancel = new CancellationTokenSource(watchdog);
        try
        {
            await child.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            return new NotebookResult
            {
                Notebook = name, Status = NotebookStatus.TimedOut, Seconds = clock.Elapsed.TotalSeconds,
                Error = $"the runner did not finish within {watchdog.TotalMinutes:0} min and was killed. Its log:\n{Tail(log)}",
            };
        }
        try
        {
            if (File.Exists(resultPath))
            {
                return JsonSerializer.Deserialize<NotebookResult>(File.ReadAllText(resultPath), NotebookResult.Json)!;
            }
            return new NotebookResult
            {
                Notebook = name, Status = NotebookStatus.Error, Seconds = clock.Elapsed.TotalSeconds,
                Error = $"the runner exited with code {child.ExitCode} without a result. Its log:\n{Tail(log)}",
            };
        }
        finally
        {
            File.Delete(resultPath);
        }
    }

    /// <summary>The arguments of the child's <c>exec</c> command.</summary>
    internal static IEnumerable<string> ExecArguments(string notebookPath, RunOptions options, string outputPath, string resultPath)
    {
        yield return "exec";
        yield return Path.GetFullPath(notebookPath);
        yield return "--out";
        yield return Path.GetFullPath(outputPath);
        yield return "--result";
        yield return resultPath;
        if (options.Preset is not null)
        {
            yield return "--preset";
            yield return options.Preset;
        }
        yield return "--cell-timeout";
        yield return options.CellTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in options.Parameters)
        {
            yield return "--param";
            yield return $"{key}={value}";
        }
    }

    private static int CodeCellCount(string notebookPath)
    {
        try
        {
            return NotebookDocument.Load(notebookPath).Cells.OfType<JsonObject>().Count(c => NotebookDocument.CellType(c) == "code");
        }
        catch (InvalidDataException)
        {
            return 1;
        }
    }

    /// <summary>The dotnet executable running this process (the test host sets DOTNET_HOST_PATH).</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static string Tail(StringBuilder log)
    {
        lock (log)
        {
            var lines = log.ToString().Split('\n');
            return string.Join('\n', lines.TakeLast(30));
        }
    }
}
