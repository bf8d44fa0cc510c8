using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ResNetNotebooks.CommandLine;
using ResNetNotebooks.Runner;
using ResNetNotebooks.Runner.Publish;

// resnet-notebooks: the headless notebook runner. See README.md, "Running notebooks headlessly".
return await RunnerCommandLine.InvokeAsync(args);

namespace ResNetNotebooks.Runner
{
    /// <summary>
    /// The runner's command line (System.CommandLine): <c>run</c>, <c>exec</c> and <c>strip</c>. Exit codes: 0 when
    /// every notebook passed, 1 when one failed, 2 for bad usage (one line on stderr naming the problem).
    /// </summary>
    public static partial class RunnerCommandLine
    {
        /// <summary>Exit code: every notebook passed (or the command succeeded).</summary>
        public const int Success = 0;

        /// <summary>Exit code: a notebook failed, timed out or could not be run.</summary>
        public const int NotebookFailed = 1;

        /// <summary>Exit code: bad usage (an unknown option, a bad value, an unknown preset).</summary>
        public const int BadUsage = UsageError.ExitCode;

        private const string ProgramName = "resnet-notebooks";

        /// <summary>Runs the command line on the console; returns the process exit code.</summary>
        public static Task<int> InvokeAsync(string[] args) => InvokeAsync(args, Console.Out, Console.Error);

        /// <summary>Runs the command line writing to <paramref name="output"/> and <paramref name="error"/>; returns the exit code.</summary>
        public static async Task<int> InvokeAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
        {
            var commands = new Commands();
            var parse = commands.Root.Parse(args);
            if (parse.Action is ParseErrorAction)
            {
                // System.CommandLine would print every error, then the help, and exit 1; bad usage here is one line and 2.
                return UsageError.Write(error, ProgramName, parse);
            }
            // 'run' handles SIGINT and SIGTERM itself: it ends its kernel child, says what was kept and exits with 130 or
            // 143. (System.CommandLine's termination handler, ProcessTerminationTimeout, would cancel the action too, but
            // cannot tell it which signal came, and which of the two handlers runs first is not defined: it stays off.)
            using var interruption = parse.CommandResult.Command.Name == "run" ? new Interruption() : null;
            commands.Interruption = interruption;
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                // The other commands end at once on Ctrl+C, as .NET does by default; an 'exec' child started by 'run'
                // also ends when the runner does (ExitWhenStandardInputCloses).
                ProcessTerminationTimeout = null,
            });
        }

        /// <summary>The commands, their options and their actions.</summary>
        private sealed class Commands
        {
            public RootCommand Root { get; }

            /// <summary>SIGINT and SIGTERM for 'run' (set for 'run' only).</summary>
            public Interruption? Interruption { get; set; }

            private readonly Option<string?> _preset = new("--preset")
            {
                HelpName = "NAME",
                Description = "Parameter overrides from the notebooks' metadata (resnet.presets.NAME), e.g. ci (what the " +
                              "tests and CI run). Without it the notebooks run with their own defaults.",
            };

            private readonly Option<string[]> _param = new("--param")
            {
                HelpName = "NAME=VALUE",
                Description = "Sets a parameter of the notebook's parameters cell, after the preset's (repeatable). " +
                              "VALUE: a number, true, false, null, or text (a string).",
            };

            private readonly Option<double> _cellTimeout = new("--cell-timeout")
            {
                HelpName = "SECONDS",
                Description = "Stops a cell that runs longer and reports it (at most 7 days).",
                DefaultValueFactory = _ => RunOptions.DefaultCellTimeout.TotalSeconds,
                CustomParser = ParseSeconds,
            };

            public Commands()
            {
                _preset.Validators.Add(ValidatePresetName);
                _param.Validators.Add(result =>
                {
                    foreach (var pair in result.GetValueOrDefault<string[]>() ?? [])
                    {
                        if (pair.IndexOf('=', StringComparison.Ordinal) <= 0)
                        {
                            result.AddError($"--param takes NAME=VALUE, not '{pair}'.");
                            return;
                        }
                    }
                });
                Root = new RootCommand(
                    "Runs the ResNet notebooks headlessly in the kernel VS Code runs, one process per notebook, and " +
                    "stops a notebook at its first failing cell.")
                {
                    Run(), Exec(), Strip(), Publish(), Translations.TranslationsCommand.Create(),
                };
            }

            private Command Run()
            {
                var notebooks = new Argument<string[]>("NOTEBOOK.ipynb")
                {
                    Arity = ArgumentArity.ZeroOrMore,
                    Description = "The notebooks to run (default: every notebook in the repository's notebooks/ folder).",
                };
                var outFolder = NotEmpty(new Option<string?>("--out")
                {
                    HelpName = "FOLDER",
                    Description = "Where the executed copies with their outputs go; never a folder of the notebooks being run " +
                                  "(default: artifacts/notebooks/<preset>/, or artifacts/notebooks/default/ without a preset).",
                });
                var command = new Command("run",
                    "Executes notebooks, each in its own kernel, and prints one line per notebook. " +
                    "Exit code 0 when every notebook passed, 1 otherwise, 2 for bad usage.")
                {
                    notebooks, _preset, _param, _cellTimeout, outFolder,
                };
                UsageError.LeaveOptionsUnmatched(notebooks);
                command.SetAction((parse, cancel) => RunAsync(parse, parse.GetValue(notebooks) ?? [], parse.GetValue(outFolder), cancel));
                return command;
            }

            private Command Exec()
            {
                var notebook = new Argument<string>("NOTEBOOK.ipynb") { Description = "The notebook to run." };
                var outFile = NotEmpty(new Option<string>("--out") { Required = true, HelpName = "FILE", Description = "Where the executed copy goes." });
                var result = NotEmpty(new Option<string>("--result") { Required = true, HelpName = "FILE", Description = "Where the result goes (JSON)." });
                var withParent = new Option<bool>(ChildProcessRunner.ExitWithParentOption)
                {
                    Hidden = true,
                    Description = "Exit when standard input closes: 'run' passes it, so that the child ends with the runner.",
                };
                var command = new Command("exec", "Executes one notebook in this process (what 'run' starts per notebook; the tests use it too).")
                {
                    notebook, outFile, result, _preset, _param, _cellTimeout, withParent,
                };
                command.SetAction((parse, _) => ExecAsync(Options(parse), parse.GetValue(notebook)!, parse.GetValue(outFile)!, parse.GetValue(result)!,
                    parse.GetValue(withParent), parse.InvocationConfiguration.Error));
                return command;
            }

            private static Command Strip()
            {
                var notebooks = new Argument<string[]>("NOTEBOOK.ipynb")
                {
                    Arity = ArgumentArity.OneOrMore,
                    Description = "The notebooks to clean in place.",
                };
                var command = new Command("strip", "Removes outputs and execution counts, the form in which notebooks are committed.")
                {
                    notebooks,
                };
                UsageError.LeaveOptionsUnmatched(notebooks);
                command.SetAction(parse => StripNotebooks(parse.GetValue(notebooks) ?? [], parse.InvocationConfiguration.Error));
                return command;
            }

            private static Command Publish()
            {
                var preset = new Option<string?>("--preset")
                {
                    HelpName = "NAME",
                    Description = "Publishes what 'run --preset NAME' wrote, artifacts/notebooks/NAME/ (ci: what dotnet test wrote).",
                };
                preset.Validators.Add(ValidatePresetName);
                var from = NotEmpty(new Option<string?>("--from")
                {
                    HelpName = "FOLDER",
                    Description = "The executed notebooks to publish (default: artifacts/notebooks/<preset>/, or " +
                                  "artifacts/notebooks/default/ without --preset: what 'run' wrote).",
                });
                var outFolder = NotEmpty(new Option<string?>("--out")
                {
                    HelpName = "FOLDER",
                    Description = "Where the site goes (default: artifacts/site/). It is replaced once the new site is complete, " +
                                  "so it must be a new or empty folder, or a site publish wrote before.",
                });
                var command = new Command("publish",
                    "Turns the executed notebooks into a static web book that works offline: an index, one page per lesson " +
                    "with every output, the library's source files. Needs npm once (npm ci in site/).")
                {
                    preset, from, outFolder,
                };
                command.SetAction(parse =>
                {
                    var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
                    var repo = RepositoryRoot();
                    if (repo is null)
                    {
                        error.WriteLine($"{ProgramName} publish: no repository found above the current folder (looked for " +
                                        "ResNetNotebooks.sln); run it inside the repository.");
                        return BadUsage;
                    }
                    var source = Path.GetFullPath(parse.GetValue(from) ?? DefaultOutputFolder(repo, parse.GetValue(preset)));
                    var site = Path.GetFullPath(parse.GetValue(outFolder) ?? Path.Combine(repo, "artifacts", "site"));
                    try
                    {
                        SitePublisher.Publish(repo, source, site, output);
                        output.WriteLine($"Open {Path.Combine(site, "index.html")}");
                        return Success;
                    }
                    catch (PublishException e)
                    {
                        // A refused --out or --from is bad usage; anything else is what the executed copies or the disk hold.
                        error.WriteLine($"{ProgramName} {e.Message}");
                        return e is PublishFolderRefusedException ? BadUsage : NotebookFailed;
                    }
                });
                return command;
            }

            private static void ValidatePresetName(OptionResult result)
            {
                if (result.GetValueOrDefault<string?>() is { } name && !PresetName().IsMatch(name))
                {
                    result.AddError($"--preset takes a name of letters, digits, '.', '_' and '-', not '{name}'.");
                }
            }

            private RunOptions Options(ParseResult parse)
            {
                var parameters = new Dictionary<string, string>();
                foreach (var pair in parse.GetValue(_param) ?? [])
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    parameters[pair[..eq]] = pair[(eq + 1)..];
                }
                return new RunOptions
                {
                    Preset = parse.GetValue(_preset),
                    Parameters = parameters,
                    CellTimeout = TimeSpan.FromSeconds(parse.GetValue(_cellTimeout)),
                };
            }

            private async Task<int> RunAsync(ParseResult parse, string[] files, string? outFolder, CancellationToken cancel)
            {
                var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
                var options = Options(parse);
                var repo = RepositoryRoot();
                List<string> notebooks;
                if (files.Length > 0)
                {
                    // The same file named twice runs once.
                    notebooks = files.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
                    if (notebooks.FirstOrDefault(Directory.Exists) is { } folderGiven)
                    {
                        error.WriteLine($"{ProgramName} run: {folderGiven} is a folder; name the notebooks in it " +
                                        $"({Path.Combine(folderGiven, "*.ipynb")}), or give no notebook to run the repository's lessons.");
                        return BadUsage;
                    }
                    // Before the preset check, which would call a missing notebook's presets "no presets".
                    if (notebooks.FirstOrDefault(n => !File.Exists(n)) is { } missing)
                    {
                        error.WriteLine($"{ProgramName} run: {missing} does not exist; check the path (the lessons are " +
                                        $"{Path.Combine(repo ?? ".", "notebooks", "NN-*.ipynb")}).");
                        return BadUsage;
                    }
                }
                else if (repo is not null)
                {
                    notebooks = Directory.GetFiles(Path.Combine(repo, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal).ToList();
                }
                else
                {
                    error.WriteLine($"{ProgramName} run: no notebooks given and no repository found above the current folder " +
                                    "(looked for ResNetNotebooks.sln); name the notebooks to run.");
                    return BadUsage;
                }

                if (options.Preset is { } preset)
                {
                    // A notebook that cannot be read is reported by its own run below.
                    var known = notebooks.SelectMany(PresetsOrNone).Distinct().Order(StringComparer.Ordinal).ToList();
                    if (!known.Contains(preset))
                    {
                        error.WriteLine($"{ProgramName} run: unknown preset '{preset}'; the notebooks being run define " +
                                        $"{(known.Count == 0 ? "no presets" : string.Join(", ", known))}.");
                        return BadUsage;
                    }
                }
                if (ParameterProblem(notebooks, options) is { } parameterProblem)
                {
                    error.WriteLine($"{ProgramName} run: {parameterProblem}");
                    return BadUsage;
                }

                var folder = Path.GetFullPath(outFolder ?? DefaultOutputFolder(repo, options.Preset, notebooks));
                if (OutputFolderProblem(folder, notebooks, repo) is { } refused)
                {
                    error.WriteLine($"{ProgramName} run: {refused.Problem}");
                    return refused.Code;
                }
                output.WriteLine($"Running {notebooks.Count} notebook(s), " +
                                 $"{(options.Preset is null ? "their own defaults" : $"preset '{options.Preset}'")}, " +
                                 $"cell timeout {FormatSeconds(options.CellTimeout.TotalSeconds)} s.");
                var results = new List<NotebookResult>();
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel, Interruption?.Token ?? CancellationToken.None);
                foreach (var notebook in notebooks)
                {
                    NotebookResult? result;
                    try
                    {
                        result = await ChildProcessRunner.RunAsync(notebook, options, Path.Combine(folder, Path.GetFileName(notebook)), cancel: stop.Token);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        result = null;
                    }
                    // Ctrl+C in a terminal reaches the kernel child too, which may end before the runner hears of it.
                    if (result is null || stop.IsCancellationRequested)
                    {
                        var finished = results.Count == 0 ? "no notebook had finished" : $"the executed copies of the {results.Count} finished notebook(s) are in {folder}";
                        error.WriteLine($"{ProgramName} run: stopped by {Interruption?.Name ?? "a cancellation"} while {Path.GetFileName(notebook)} ran; its kernel " +
                                        $"process was ended and {finished}.");
                        return Interruption?.ExitCode ?? NotebookFailed;
                    }
                    results.Add(result);
                    output.WriteLine(result.Describe());
                }
                var passed = results.Count(r => r.Status == NotebookStatus.Passed);
                output.WriteLine($"Executed notebooks with their outputs: {folder}");
                output.WriteLine($"{passed} passed, {results.Count - passed} failed");
                return passed == results.Count ? Success : NotebookFailed;
            }

            /// <summary>
            /// Why the executed copies cannot go to <paramref name="folder"/>, with the exit code, or null: it is a file,
            /// it would overwrite a notebook being run or a lesson (a notebook that was never executed), two notebooks
            /// would write the same copy, or it cannot be written.
            /// </summary>
            private static (string Problem, int Code)? OutputFolderProblem(string folder, IReadOnlyList<string> notebooks, string? repo)
            {
                if (File.Exists(folder))
                {
                    return ($"--out {folder} is a file; give the folder the executed copies go to.", BadUsage);
                }
                if (repo is not null && SitePublisher.IsSameOrInside(Path.TrimEndingDirectorySeparator(folder), Path.Combine(repo, "notebooks")))
                {
                    var relation = Path.TrimEndingDirectorySeparator(folder) == Path.Combine(repo, "notebooks") ? "is" : "lies inside";
                    return ($"--out {folder} {relation} the repository's lessons folder; the executed copies would replace the lessons. " +
                            "Give another folder (the default is artifacts/notebooks/<preset>/).", BadUsage);
                }
                var clash = notebooks.GroupBy(n => Path.GetFileName(n), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
                if (clash is not null)
                {
                    return ($"{string.Join(" and ", clash)} have the same name, so their executed copies would both be " +
                            $"{Path.Combine(folder, clash.Key)}; run them with different --out folders.", BadUsage);
                }
                foreach (var notebook in notebooks)
                {
                    var copy = Path.Combine(folder, Path.GetFileName(notebook));
                    if (copy == notebook)
                    {
                        return ($"--out {folder} holds {Path.GetFileName(notebook)}, the notebook being run: its executed copy " +
                                "would replace it. Give another folder (the default is artifacts/notebooks/<preset>/).", BadUsage);
                    }
                    if (File.Exists(copy) && IsNeverExecuted(copy))
                    {
                        return ($"--out {folder} holds {Path.GetFileName(notebook)}, a notebook that was never executed (no execution " +
                                "counts), which the executed copy would replace; give another folder, or move that notebook away.", BadUsage);
                    }
                }
                try
                {
                    Directory.CreateDirectory(folder);
                    var probe = Path.Combine(folder, $".resnet-notebooks-probe-{Guid.NewGuid():N}");
                    File.WriteAllText(probe, "");
                    File.Delete(probe);
                    return null;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return ($"cannot write the executed copies to --out {folder} ({e.Message.TrimEnd('.')}); give a folder you can write.", NotebookFailed);
                }
            }

            /// <summary>A notebook with code and no execution count at all: a lesson as committed, not an executed copy.</summary>
            private static bool IsNeverExecuted(string path)
            {
                try
                {
                    var code = NotebookDocument.Load(path).Cells.OfType<System.Text.Json.Nodes.JsonObject>()
                        .Where(c => NotebookDocument.CellType(c) == "code" && !string.IsNullOrWhiteSpace(NotebookDocument.Source(c)))
                        .ToList();
                    return code.Count > 0 && code.All(c => c["execution_count"] is null);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    return false; // not a notebook anyone could lose: the copy replaces it
                }
            }

            /// <summary>The first notebook whose preset or --param values do not fit its parameters cell, or null.</summary>
            private static string? ParameterProblem(IEnumerable<string> notebooks, RunOptions options)
            {
                foreach (var notebook in notebooks)
                {
                    NotebookDocument document;
                    try
                    {
                        document = NotebookDocument.Load(notebook);
                    }
                    catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                    {
                        continue; // reported by its own run
                    }
                    try
                    {
                        NotebookParameters.Resolve(document, options.Preset, options.Parameters);
                    }
                    catch (ArgumentException e)
                    {
                        return e.Message;
                    }
                }
                return null;
            }

            private static IReadOnlyList<string> PresetsOrNone(string notebook)
            {
                try
                {
                    return NotebookParameters.Presets(NotebookDocument.Load(notebook));
                }
                catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    return [];
                }
            }

            private static async Task<int> ExecAsync(RunOptions options, string notebook, string outFile, string resultFile, bool exitWithParent, TextWriter error)
            {
                if (exitWithParent)
                {
                    ChildProcessRunner.ExitWhenStandardInputCloses();
                }
                notebook = Path.GetFullPath(notebook);
                if (Path.GetFullPath(outFile) == notebook)
                {
                    error.WriteLine($"{ProgramName} exec: --out {outFile} is the notebook being run; its executed copy would replace it. Give another file.");
                    return BadUsage;
                }
                // Where the result goes must be writable before the notebook runs for minutes.
                if (TryWriteResult(resultFile, new NotebookResult { Notebook = Path.GetFileName(notebook), Status = NotebookStatus.Error }, error) is false)
                {
                    return NotebookFailed;
                }
                File.Delete(resultFile);
                NotebookResult result;
                try
                {
                    result = await NotebookExecutor.ExecuteAsync(notebook, options, outFile,
                        (cell, firstLine) => ChildProcessRunner.WriteRunningCell(resultFile, cell, firstLine));
                }
                catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    result = new NotebookResult { Notebook = Path.GetFileName(notebook), Status = NotebookStatus.Error, Error = e.Message };
                }
                var written = TryWriteResult(resultFile, result, error);
                ChildProcessRunner.DeleteRunningCell(resultFile);
                // A timed-out cell is still running on a kernel thread: leave the process at once.
                Environment.Exit(written && result.Status == NotebookStatus.Passed ? Success : NotebookFailed);
                return Success;
            }

            private static bool TryWriteResult(string resultFile, NotebookResult result, TextWriter error)
            {
                try
                {
                    ResNetNotebooks.Native.AtomicFile.WriteAllText(resultFile, JsonSerializer.Serialize(result, NotebookResult.Json));
                    return true;
                }
                catch (IOException e)
                {
                    error.WriteLine($"{ProgramName} exec: --result: {e.Message} Give a --result in a folder you can write.");
                    return false;
                }
            }

            private static int StripNotebooks(string[] files, TextWriter error)
            {
                var code = Success;
                foreach (var file in files)
                {
                    try
                    {
                        if (Directory.Exists(file))
                        {
                            // Not "Access to the path is denied", which File.ReadAllText says of a folder.
                            error.WriteLine($"{ProgramName} strip: {file} is a folder; name the notebooks in it ({Path.Combine(file, "*.ipynb")}).");
                            code = NotebookFailed;
                            continue;
                        }
                        if (!OperatingSystem.IsWindows() && File.Exists(file) &&
                            (File.GetUnixFileMode(file) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0)
                        {
                            // Read-only says "do not change this file": refuse rather than replace it.
                            error.WriteLine($"{ProgramName} strip: {file} is read-only (mode {Convert.ToString((int)File.GetUnixFileMode(file), 8)}), " +
                                            $"so it is left as it is; make it writable (chmod u+w {file}) to strip it.");
                            code = NotebookFailed;
                            continue;
                        }
                        var notebook = NotebookDocument.Load(file);
                        notebook.ClearOutputs();
                        notebook.RemoveInjectedParameters();
                        // The stripped file keeps the original's permissions (a temporary file, then a rename).
                        notebook.Save(file, keepModeOf: file);
                    }
                    catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                    {
                        error.WriteLine($"{ProgramName} strip: {e.Message}");
                        code = NotebookFailed;
                    }
                }
                return code;
            }
        }

        /// <summary>
        /// SIGINT (Ctrl+C) and SIGTERM while <c>run</c> runs: the first one cancels <see cref="Token"/> instead of ending
        /// the process, so that <c>run</c> can end its kernel child and say what was kept; the exit code is 128 + the
        /// signal's number, as a shell reports it. If <c>run</c> has not ended 5 s later, the process exits anyway.
        /// </summary>
        internal sealed class Interruption : IDisposable
        {
            private readonly CancellationTokenSource _source = new();
            private readonly List<System.Runtime.InteropServices.PosixSignalRegistration> _registrations = [];
            private volatile int _signal;

            public Interruption()
            {
                if (OperatingSystem.IsWindows() || OperatingSystem.IsBrowser() || OperatingSystem.IsAndroid() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS())
                {
                    return;
                }
                foreach (var (signal, number) in new[] { (System.Runtime.InteropServices.PosixSignal.SIGINT, 2), (System.Runtime.InteropServices.PosixSignal.SIGTERM, 15) })
                {
                    _registrations.Add(System.Runtime.InteropServices.PosixSignalRegistration.Create(signal, context =>
                    {
                        context.Cancel = true;
                        if (Interlocked.CompareExchange(ref _signal, number, 0) != 0)
                        {
                            return; // a second signal while stopping changes nothing
                        }
                        _source.Cancel();
                        _ = Task.Delay(TimeSpan.FromSeconds(5)).ContinueWith(_ => Environment.Exit(ExitCode), TaskScheduler.Default);
                    }));
                }
            }

            /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
            public CancellationToken Token => _source.Token;

            /// <summary>The signal's name for a message.</summary>
            public string Name => _signal == 15 ? "SIGTERM" : "SIGINT (Ctrl+C)";

            /// <summary>128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.</summary>
            public int ExitCode => 128 + (_signal == 0 ? 2 : _signal);

            public void Dispose()
            {
                _registrations.ForEach(r => r.Dispose());
                _source.Dispose();
            }
        }

        /// <summary>An option naming a file or folder refuses an empty value (a path cannot be empty).</summary>
        internal static T NotEmpty<T>(T option) where T : Option
        {
            option.Validators.Add(result =>
            {
                if (result.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                {
                    result.AddError($"{option.Name} takes a {option.HelpName?.ToLowerInvariant() ?? "path"}, not an empty value.");
                }
            });
            return option;
        }

        [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
        private static partial Regex PresetName();

        /// <summary>
        /// Seconds for <c>--cell-timeout</c>: a finite number from <see cref="RunOptions.MinCellTimeout"/> (1 ms, the
        /// resolution of the timer that enforces it; 1e-300 s would be 0) up to <see cref="RunOptions.MaxCellTimeout"/>.
        /// </summary>
        private static double ParseSeconds(ArgumentResult result)
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            var (min, max) = (RunOptions.MinCellTimeout.TotalSeconds, RunOptions.MaxCellTimeout.TotalSeconds);
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) &&
                double.IsFinite(seconds) && seconds >= min && seconds <= max)
            {
                return seconds;
            }
            result.AddError($"--cell-timeout takes a number of seconds from {min.ToString(CultureInfo.InvariantCulture)} to {max:0} (7 days), not '{text}'.");
            return 0;
        }

        /// <summary>Seconds for a message: whole seconds, or up to three decimals below 10 s.</summary>
        private static string FormatSeconds(double seconds) =>
            seconds.ToString(seconds < 10 ? "0.###" : "0", CultureInfo.InvariantCulture);

        /// <summary>Where <c>run</c> writes the executed copies without <c>--out</c>: artifacts/notebooks/&lt;preset&gt;, or .../default.</summary>
        internal static string DefaultOutputFolder(string? repository, string? preset) =>
            Path.Combine(repository ?? ".", "artifacts", "notebooks", preset ?? "default");

        /// <summary>As <see cref="DefaultOutputFolder(string?, string?)"/>, but the copies of notebooks that all sit in one
        /// folder <c>notebooks-X/</c> of the repository (the translated lessons, e.g. notebooks-zh/) go to
        /// artifacts/notebooks-X/&lt;preset&gt;, so that they never replace the English copies of the same names.</summary>
        internal static string DefaultOutputFolder(string? repository, string? preset, IReadOnlyList<string> notebooks)
        {
            var folders = notebooks.Select(n => Path.GetDirectoryName(n)!).Distinct(StringComparer.Ordinal).ToList();
            return repository is not null && folders is [var folder] && Path.GetDirectoryName(folder) == Path.GetFullPath(repository) &&
                   Path.GetFileName(folder) is var name && name.StartsWith("notebooks-", StringComparison.Ordinal)
                ? Path.Combine(repository, "artifacts", name, preset ?? "default")
                : DefaultOutputFolder(repository, preset);
        }

        /// <summary>The folder holding ResNetNotebooks.sln, searched upwards from the current folder, then from this program.</summary>
        public static string? RepositoryRoot()
        {
            foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    if (File.Exists(Path.Combine(dir.FullName, "ResNetNotebooks.sln")))
                    {
                        return dir.FullName;
                    }
                }
            }
            return null;
        }
    }
}
