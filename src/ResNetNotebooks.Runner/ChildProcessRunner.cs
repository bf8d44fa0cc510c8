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
    /// <param name="cancel">Ends the child (and its process tree) at once, then throws <see cref="OperationCanceledException"/>.</param>
    public static async Task<NotebookResult> RunAsync(
        string notebookPath, RunOptions options, string outputPath, IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken cancel = default)
    {
        var name = Path.GetFileName(notebookPath);
        if (!File.Exists(notebookPath))
        {
            return new NotebookResult { Notebook = name, Status = NotebookStatus.Error, Error = $"{notebookPath} does not exist." };
        }
        var resultPath = Path.Combine(Path.GetTempPath(), $"resnet-notebooks-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo(DotnetHost())
        {
            // The child reads its standard input until it closes, which happens when this process ends in any way
            // (even kill -9): so a kernel never outlives its runner (ExitWhenStandardInputCloses).
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(ChildProcessRunner).Assembly.Location);
        foreach (var arg in ExecArguments(notebookPath, options, outputPath, resultPath))
        {
            start.ArgumentList.Add(arg);
        }
        start.ArgumentList.Add(ExitWithParentOption);
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
        using var timeout = new CancellationTokenSource(watchdog);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancel);
        try
        {
            await child.WaitForExitAsync(either.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            File.Delete(resultPath);
            File.Delete(RunningCellPath(resultPath));
            cancel.ThrowIfCancellationRequested();
            return new NotebookResult
            {
                Notebook = name, Status = NotebookStatus.TimedOut, Seconds = clock.Elapsed.TotalSeconds,
                Error = $"the runner did not finish within {watchdog.TotalMinutes:0} min and was killed. Its log:\n{Tail(log)}",
            };
        }
        try
        {
            var running = ReadRunningCell(resultPath);
            if (File.Exists(resultPath) && running is null)
            {
                return JsonSerializer.Deserialize<NotebookResult>(File.ReadAllText(resultPath), NotebookResult.Json)!;
            }
            if (running is { } cell)
            {
                // The process ended while a cell ran (Environment.Exit, a stack overflow, the OOM killer...).
                return new NotebookResult
                {
                    Notebook = name, Status = NotebookStatus.Failed, Cell = cell.Number, CellFirstLine = cell.FirstLine,
                    Seconds = clock.Elapsed.TotalSeconds,
                    Error = $"the kernel process ended while the cell ran: {ExitCause(child.ExitCode, Whole(log))}; no executed copy was written.",
                };
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
            File.Delete(RunningCellPath(resultPath));
        }
    }

    /// <summary>The hidden option of <c>exec</c> that makes it exit when its standard input closes (its runner ended).</summary>
    internal const string ExitWithParentOption = "--exit-with-parent";

    /// <summary>
    /// Reads standard input on a background thread and ends this process when it closes: the runner that started this
    /// child holds the other end and never writes, so the end of input means the runner has ended.
    /// </summary>
    internal static void ExitWhenStandardInputCloses()
    {
        var watcher = new Thread(() =>
        {
            using var input = Console.OpenStandardInput();
            var buffer = new byte[256];
            try
            {
                while (input.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
            }
            Environment.Exit(RunnerCommandLine.NotebookFailed);
        })
        {
            IsBackground = true,
            Name = "exit-with-parent",
        };
        watcher.Start();
    }

    private static string RunningCellPath(string resultPath) => resultPath + ".cell";

    /// <summary>Records, beside the result file, the cell about to run (its number, then its first line).</summary>
    internal static void WriteRunningCell(string resultPath, int cell, string firstLine) =>
        ResNetNotebooks.Native.AtomicFile.WriteAllText(RunningCellPath(resultPath), $"{cell}\n{firstLine}");

    /// <summary>Removes the running-cell record once the result is written.</summary>
    internal static void DeleteRunningCell(string resultPath)
    {
        try
        {
            File.Delete(RunningCellPath(resultPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The runner removes it too.
        }
    }

    private static (int Number, string FirstLine)? ReadRunningCell(string resultPath)
    {
        try
        {
            var lines = File.ReadAllText(RunningCellPath(resultPath)).Split('\n', 2);
            return int.TryParse(lines[0], CultureInfo.InvariantCulture, out var number) ? (number, lines.Length > 1 ? lines[1] : "") : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Why a process ended, from its exit code and the end of its log: on Linux a process killed by signal N reports
    /// 128 + N (137 = SIGKILL, what the kernel's out-of-memory killer sends; 134 = SIGABRT, how .NET ends on a stack
    /// overflow); any other code is the process's own (Environment.Exit).
    /// </summary>
    internal static string ExitCause(int exitCode, string log)
    {
        if (log.Contains("Stack overflow", StringComparison.Ordinal))
        {
            return $"a stack overflow (endless recursion?), exit code {exitCode}";
        }
        if (log.Contains("OutOfMemoryException", StringComparison.Ordinal))
        {
            return $"out of memory (OutOfMemoryException), exit code {exitCode}";
        }
        return exitCode switch
        {
            137 => "killed by SIGKILL, exit code 137 (the system's out-of-memory killer sends it when memory runs out, or kill -9)",
            134 => "aborted (SIGABRT, exit code 134: the runtime ended the process, e.g. on a fatal error)",
            > 128 and < 160 => $"killed by signal {exitCode - 128}, exit code {exitCode}",
            _ => $"the process exited with code {exitCode} (Environment.Exit in the cell, or a crash)",
        };
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
        yield return options.CellTimeout.TotalSeconds.ToString("R", CultureInfo.InvariantCulture);
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

    private static string Whole(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
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
