using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace ResNetNotebooks.Runner;

/// <summary>
/// Executes one notebook in this process, in a fresh C# kernel built from the same .NET Interactive packages
/// (1.0.0-beta.26120.1) as the kernel VS Code runs: code cells in order, with the notebook's folder as the current
/// directory (as VS Code does), stopping at the first failing cell and writing the executed copy with its outputs.
/// The kernel is warmed up before the first cell (<see cref="WarmUpCode"/>), so that the per-cell timeout and the cell
/// timings measure each cell's own work, not the kernel's start.
/// A cell that outlives the timeout cannot be cancelled in-process, so the caller runs this in a child process
/// (<see cref="ChildProcessRunner"/>) and the process exits after reporting it.
/// </summary>
public static class NotebookExecutor
{
    /// <summary>Runs the notebook and writes its executed copy to <paramref name="outputPath"/>.</summary>
    /// <param name="notebookPath">The notebook.</param>
    /// <param name="options">Preset, parameters and timeout.</param>
    /// <param name="outputPath">Where the executed copy goes.</param>
    /// <param name="cellStarting">Called with the cell's number and first line before each code cell runs (the child
    /// process records it, so that the runner can name the cell if the process dies).</param>
    /// <returns>The result; <see cref="NotebookStatus.TimedOut"/> leaves the hung cell running (end the process).</returns>
    public static async Task<NotebookResult> ExecuteAsync(string notebookPath, RunOptions options, string outputPath,
        Action<int, string>? cellStarting = null)
    {
        var clock = Stopwatch.StartNew();
        var notebook = NotebookDocument.Load(notebookPath);
        var name = notebook.Name;
        IReadOnlyList<(string Name, string Literal)> overrides;
        try
        {
            overrides = NotebookParameters.Resolve(notebook, options.Preset, options.Parameters);
        }
        catch (ArgumentException e)
        {
            return new NotebookResult { Notebook = name, Status = NotebookStatus.Error, Error = e.Message };
        }
        notebook.ClearOutputs();
        // An executed copy given as the notebook carries the cell injected into it: drop it, so that this run's
        // parameters (or the defaults) apply and injected cells never stack up.
        notebook.RemoveInjectedParameters();
        NotebookParameters.Inject(notebook, options.Preset, overrides);
        var folder = Path.GetDirectoryName(Path.GetFullPath(notebookPath))!;
        string Save(NotebookDocument notebook, string outputPath)
        {
            RunRecord.Now(options, folder).WriteTo(notebook);
            notebook.Save(outputPath);
            return Path.GetFullPath(outputPath);
        }

        Directory.SetCurrentDirectory(Path.GetDirectoryName(Path.GetFullPath(notebookPath))!);
        using var kernel = CreateKernel();
        if (await WarmUpAsync(kernel, options.CellTimeout) is { } notStarted)
        {
            return new NotebookResult { Notebook = name, Status = NotebookStatus.Error, Error = notStarted, Seconds = clock.Elapsed.TotalSeconds };
        }
        var timings = new List<CellTiming>();
        var executionCount = 0;
        var cells = notebook.Cells.OfType<JsonObject>().ToList();
        for (var index = 0; index < cells.Count; index++)
        {
            var cell = cells[index];
            if (NotebookDocument.CellType(cell) != "code")
            {
                continue;
            }
            var number = index + 1;
            var source = NotebookDocument.Source(cell);
            var firstLine = source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
            NotebookResult Stop(NotebookStatus status, string error) => new()
            {
                Notebook = name, Status = status, Cell = number, CellFirstLine = firstLine, Error = error,
                OutputPath = Save(notebook, outputPath), Seconds = clock.Elapsed.TotalSeconds, CellTimings = timings,
            };

            var kernelName = NotebookDocument.KernelName(cell);
            if (kernelName is not ("csharp" or "C#" or "c#"))
            {
                return Stop(NotebookStatus.Failed, $"the cell is in {kernelName}; this runner executes C# cells only.");
            }
            cellStarting?.Invoke(number, firstLine);
            cell["execution_count"] = ++executionCount;
            var outputs = (JsonArray)cell["outputs"]!;
            var cellClock = Stopwatch.StartNew();
            using var capture = new OutputCapture(kernel, outputs, executionCount);
            var run = kernel.SendAsync(new SubmitCode(source, "csharp"));
            if (await Task.WhenAny(run, Task.Delay(options.CellTimeout)) != run)
            {
                timings.Add(new CellTiming(number, cellClock.Elapsed.TotalSeconds));
                // The cell still runs and may still print: stop recording its outputs before the copy is written
                // (writing while a kernel thread appends failed with "Collection was modified").
                capture.Close();
                capture.AddError("Timeout", $"The cell was stopped after {options.CellTimeout.TotalSeconds:0} s (the per-cell timeout).");
                return Stop(NotebookStatus.TimedOut, $"still running after {options.CellTimeout.TotalSeconds:0} s (the per-cell timeout: --cell-timeout, or NOTEBOOK_CELL_TIMEOUT in the tests)");
            }
            var result = await run;
            timings.Add(new CellTiming(number, cellClock.Elapsed.TotalSeconds));
            if (result.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
            {
                capture.AddError(failed.Exception?.GetType().Name ?? "Error", failed.Message);
                return Stop(NotebookStatus.Failed, OneLine(failed.Message));
            }
        }
        return new NotebookResult
        {
            Notebook = name, Status = NotebookStatus.Passed, OutputPath = Save(notebook, outputPath),
            Seconds = clock.Elapsed.TotalSeconds, CellTimings = timings,
        };
    }

    /// <summary>The statement the kernel compiles and runs before the first cell (it declares nothing).</summary>
    internal const string WarmUpCode = "_ = 0;";

    /// <summary>
    /// Runs <see cref="WarmUpCode"/> before the first cell, outside every cell's clock: the kernel's first submission
    /// loads and JIT-compiles Roslyn's scripting, several seconds on a cold or busy machine, which would otherwise be
    /// charged to cell 1 and could time it out. So a cell's timeout and timing cover the cell's own work. The warm-up
    /// may take as long as one cell may, or <see cref="RunOptions.KernelStartTimeout"/> if that is longer; it produces
    /// no output and is not written to the executed copy.
    /// </summary>
    /// <returns>Null when the kernel is ready; otherwise why it is not.</returns>
    private static async Task<string?> WarmUpAsync(Kernel kernel, TimeSpan cellTimeout)
    {
        var timeout = cellTimeout > RunOptions.KernelStartTimeout ? cellTimeout : RunOptions.KernelStartTimeout;
        var run = kernel.SendAsync(new SubmitCode(WarmUpCode, "csharp"));
        if (await Task.WhenAny(run, Task.Delay(timeout)) != run)
        {
            return $"the kernel did not start: its warm-up ({WarmUpCode}) was still running after {timeout.TotalSeconds:0} s.";
        }
        return (await run).Events.OfType<CommandFailed>().FirstOrDefault() is { } failed
            ? $"the kernel did not start: its warm-up ({WarmUpCode}) failed: {OneLine(failed.Message)}"
            : null;
    }

    /// <summary>The kernel: C# with #r "nuget:", the kernel helpers (display, HTML) and value sharing, as in VS Code.</summary>
    internal static CompositeKernel CreateKernel()
    {
        // VS Code's kernel loads FSharp.Core 10.0.0.0 at start (it hosts an F# kernel too). Load it here as well,
        // so that notebooks meet the same FSharp.Core conflict in this runner as in VS Code (see FSharpCoreRedirect).
        Assembly.Load("FSharp.Core");
        var csharp = new CSharpKernel()
            .UseNugetDirective(
                // As VS Code's kernel does: reference the restored packages' assemblies. (It also loads packages'
                // interactive-extensions; no package these notebooks use has one, and the library registers its
                // own formatters instead.)
                (kernel, packages) =>
                {
                    kernel.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                    return Task.CompletedTask;
                },
                forceRestore: false)
            .UseKernelHelpers()
            .UseValueSharing()
            .UseWho();
        var kernel = new CompositeKernel { csharp };
        kernel.DefaultKernelName = csharp.Name;
        return kernel;
    }

    private static string OneLine(string message)
    {
        // The exception's message lines, without the stack trace (the executed copy keeps the whole text).
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("at ", StringComparison.Ordinal) && !l.StartsWith("--- ", StringComparison.Ordinal));
        return string.Join(" | ", lines.Take(6));
    }

    /// <summary>Turns the kernel's events during one cell into nbformat outputs, updating displayed values in place.</summary>
    private sealed class OutputCapture : IDisposable
    {
        private readonly JsonArray _outputs;
        private readonly int _executionCount;
        private readonly IDisposable _subscription;
        private readonly Dictionary<string, JsonObject> _displays = [];
        private readonly List<JsonObject> _unbound = [];
        private readonly Lock _gate = new();
        private bool _closed;

        public OutputCapture(Kernel kernel, JsonArray outputs, int executionCount)
        {
            _outputs = outputs;
            _executionCount = executionCount;
            _subscription = kernel.KernelEvents.Subscribe(new Observer(this));
        }

        /// <summary>Stops recording: events that arrive later (from a cell still running) change nothing.</summary>
        public void Close()
        {
            lock (_gate)
            {
                _closed = true;
            }
            _subscription.Dispose();
        }

        /// <summary>Adds an error output (also after <see cref="Close"/>).</summary>
        public void AddError(string name, string message)
        {
            lock (_gate)
            {
                _outputs.Add(new JsonObject
                {
                    ["output_type"] = "error",
                    ["ename"] = name,
                    ["evalue"] = message,
                    ["traceback"] = new JsonArray(message.Split('\n').Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
                });
            }
        }

        private void On(KernelEvent e)
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }
                switch (e)
                {
                    case DisplayedValueUpdated updated when updated.ValueId is { } id && Bind(id) is { } shown:
                        shown["data"] = Data(updated.FormattedValues);
                        break;
                    case ReturnValueProduced value:
                        _outputs.Add(new JsonObject
                        {
                            ["output_type"] = "execute_result",
                            ["execution_count"] = _executionCount,
                            ["data"] = Data(value.FormattedValues),
                            ["metadata"] = new JsonObject(),
                        });
                        break;
                    case StandardOutputValueProduced stdout:
                        Stream("stdout", stdout.FormattedValues);
                        break;
                    case StandardErrorValueProduced stderr:
                        Stream("stderr", stderr.FormattedValues);
                        break;
                    case DisplayEvent display when display is DisplayedValueProduced or DisplayedValueUpdated:
                        var output = new JsonObject
                        {
                            ["output_type"] = "display_data",
                            ["data"] = Data(display.FormattedValues),
                            ["metadata"] = new JsonObject(),
                        };
                        _outputs.Add(output);
                        _unbound.Add(output);
                        if (display.ValueId is { } valueId)
                        {
                            _displays[valueId] = output;
                        }
                        break;
                }
            }
        }

        /// <summary>
        /// The output a <c>DisplayedValue.Update</c> belongs to. In Microsoft.DotNet.Interactive 1.0.0-beta.26120.1 the
        /// updates of <c>display(x)</c> carry another value id than the display itself, so an unknown id is bound to
        /// the earliest display of this cell that no update has claimed yet: <c>var d = display(x); d.Update(y);</c>
        /// then updates in place, as it does in VS Code, instead of appending one output per update.
        /// </summary>
        private JsonObject? Bind(string valueId)
        {
            if (_displays.TryGetValue(valueId, out var known) && !_unbound.Contains(known))
            {
                return known;
            }
            var target = known ?? _unbound.FirstOrDefault();
            if (target is not null)
            {
                _unbound.Remove(target);
                _displays[valueId] = target;
            }
            return target;
        }

        private void Stream(string name, IReadOnlyCollection<Microsoft.DotNet.Interactive.Formatting.FormattedValue> values)
        {
            var text = values.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? values.FirstOrDefault()?.Value ?? "";
            // Consecutive writes to the same stream are merged, as Jupyter does.
            if (_outputs.Count > 0 && _outputs[^1] is JsonObject last && last["output_type"]?.GetValue<string>() == "stream" &&
                last["name"]?.GetValue<string>() == name)
            {
                last["text"] = last["text"]!.GetValue<string>() + text;
                return;
            }
            _outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = text });
        }

        private static JsonObject Data(IReadOnlyCollection<Microsoft.DotNet.Interactive.Formatting.FormattedValue> values)
        {
            var data = new JsonObject();
            foreach (var value in values.Where(v => !v.SuppressDisplay))
            {
                data[value.MimeType] = value.Value;
            }
            return data;
        }

        public void Dispose() => Close();

        private sealed class Observer(OutputCapture owner) : IObserver<KernelEvent>
        {
            public void OnNext(KernelEvent value) => owner.On(value);
            public void OnError(Exception error) { }
            public void OnCompleted() { }
        }
    }
}
