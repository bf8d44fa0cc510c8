using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ResNetNotebooks.Runner;

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
        public const int BadUsage = 2;

        private const string ProgramName = "resnet-notebooks";

        /// <summary>Runs the command line on the console; returns the process exit code.</summary>
        public static Task<int> InvokeAsync(string[] args) => InvokeAsync(args, Console.Out, Console.Error);

        /// <summary>Runs the command line writing to <paramref name="output"/> and <paramref name="error"/>; returns the exit code.</summary>
        public static async Task<int> InvokeAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
        {
            var parse = new Commands().Root.Parse(args);
            if (parse.Action is ParseErrorAction)
            {
                // System.CommandLine would print every error, then the help, and exit 1; bad usage here is one line and 2.
                error.WriteLine(DescribeErrors(parse));
                return BadUsage;
            }
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                // Ctrl+C ends the runner and its notebook processes at once, as before (no graceful-cancel wait).
                ProcessTerminationTimeout = null,
            });
        }

        /// <summary>The commands, their options and their actions.</summary>
        private sealed class Commands
        {
            public RootCommand Root { get; }

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
                _preset.Validators.Add(result =>
                {
                    if (result.GetValueOrDefault<string?>() is { } name && !PresetName().IsMatch(name))
                    {
                        result.AddError($"--preset takes a name of letters, digits, '.', '_' and '-', not '{name}'.");
                    }
                });
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
                    Run(), Exec(), Strip(), Publish(),
                };
            }

            private Command Run()
            {
                var notebooks = new Argument<string[]>("NOTEBOOK.ipynb")
                {
                    Arity = ArgumentArity.ZeroOrMore,
                    Description = "The notebooks to run (default: every notebook in the repository's notebooks/ folder).",
                };
                var outFolder = new Option<string?>("--out")
                {
                    HelpName = "FOLDER",
                    Description = "Where the executed copies with their outputs go " +
                                  "(default: artifacts/notebooks/<preset>/, or artifacts/notebooks/default/ without a preset).",
                };
                var command = new Command("run",
                    "Executes notebooks, each in its own kernel, and prints one line per notebook. " +
                    "Exit code 0 when every notebook passed, 1 otherwise, 2 for bad usage.")
                {
                    notebooks, _preset, _param, _cellTimeout, outFolder,
                };
                RefuseOptionsAsNotebooks(notebooks, command);
                command.SetAction((parse, _) => RunAsync(parse, parse.GetValue(notebooks) ?? [], parse.GetValue(outFolder)));
                return command;
            }

            private Command Exec()
            {
                var notebook = new Argument<string>("NOTEBOOK.ipynb") { Description = "The notebook to run." };
                var outFile = new Option<string>("--out") { Required = true, HelpName = "FILE", Description = "Where the executed copy goes." };
                var result = new Option<string>("--result") { Required = true, HelpName = "FILE", Description = "Where the result goes (JSON)." };
                var command = new Command("exec", "Executes one notebook in this process (what 'run' starts per notebook; the tests use it too).")
                {
                    notebook, outFile, result, _preset, _param, _cellTimeout,
                };
                command.SetAction((parse, _) => ExecAsync(Options(parse), parse.GetValue(notebook)!, parse.GetValue(outFile)!, parse.GetValue(result)!));
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
                RefuseOptionsAsNotebooks(notebooks, command);
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
                var from = new Option<string?>("--from")
                {
                    HelpName = "FOLDER",
                    Description = "The executed notebooks to publish (default: artifacts/notebooks/<preset>/, or " +
                                  "artifacts/notebooks/default/ without --preset: what 'run' wrote).",
                };
                var outFolder = new Option<string?>("--out")
                {
                    HelpName = "FOLDER",
                    Description = "Where the site goes, emptied first (default: artifacts/site/).",
                };
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
                    catch (InvalidOperationException e)
                    {
                        error.WriteLine(e.Message);
                        return NotebookFailed;
                    }
                });
                return command;
            }

            /// <summary>
            /// A mistyped option (<c>--presett ci</c>) would otherwise be taken for a notebook's file name: a value that
            /// starts with '-' and does not end in .ipynb is refused as an unknown option, with the closest option named.
            /// </summary>
            private static void RefuseOptionsAsNotebooks(Argument<string[]> notebooks, Command command) =>
                notebooks.Validators.Add(result =>
                {
                    foreach (var token in result.Tokens.Select(t => t.Value))
                    {
                        if (token.StartsWith('-') && !token.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase))
                        {
                            var suggestion = Suggest(token, command);
                            result.AddError($"Unrecognized option '{token}'.{(suggestion is null ? "" : $" Did you mean {suggestion}?")}");
                            return;
                        }
                    }
                });

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

            private async Task<int> RunAsync(ParseResult parse, string[] files, string? outFolder)
            {
                var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
                var options = Options(parse);
                var repo = RepositoryRoot();
                List<string> notebooks;
                if (files.Length > 0)
                {
                    notebooks = files.Select(Path.GetFullPath).ToList();
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

                var folder = Path.GetFullPath(outFolder ?? DefaultOutputFolder(repo, options.Preset));
                output.WriteLine($"Running {notebooks.Count} notebook(s), " +
                                 $"{(options.Preset is null ? "their own defaults" : $"preset '{options.Preset}'")}, " +
                                 $"cell timeout {options.CellTimeout.TotalSeconds:0} s.");
                var results = new List<NotebookResult>();
                foreach (var notebook in notebooks)
                {
                    var result = await ChildProcessRunner.RunAsync(notebook, options, Path.Combine(folder, Path.GetFileName(notebook)));
                    results.Add(result);
                    output.WriteLine(result.Describe());
                }
                var passed = results.Count(r => r.Status == NotebookStatus.Passed);
                output.WriteLine($"Executed notebooks with their outputs: {folder}");
                output.WriteLine($"{passed} passed, {results.Count - passed} failed");
                return passed == results.Count ? Success : NotebookFailed;
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

            private static async Task<int> ExecAsync(RunOptions options, string notebook, string outFile, string resultFile)
            {
                NotebookResult result;
                try
                {
                    result = await NotebookExecutor.ExecuteAsync(notebook, options, outFile);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    result = new NotebookResult { Notebook = Path.GetFileName(notebook), Status = NotebookStatus.Error, Error = e.Message };
                }
                File.WriteAllText(resultFile, JsonSerializer.Serialize(result, NotebookResult.Json));
                // A timed-out cell is still running on a kernel thread: leave the process at once.
                Environment.Exit(result.Status == NotebookStatus.Passed ? Success : NotebookFailed);
                return Success;
            }

            private static int StripNotebooks(string[] files, TextWriter error)
            {
                var code = Success;
                foreach (var file in files)
                {
                    try
                    {
                        var notebook = NotebookDocument.Load(file);
                        notebook.ClearOutputs();
                        notebook.Save(file);
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

        [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
        private static partial Regex PresetName();

        /// <summary>Seconds for <c>--cell-timeout</c>: a positive finite number up to <see cref="RunOptions.MaxCellTimeout"/>.</summary>
        private static double ParseSeconds(ArgumentResult result)
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            var max = RunOptions.MaxCellTimeout.TotalSeconds;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) &&
                double.IsFinite(seconds) && seconds > 0 && seconds <= max)
            {
                return seconds;
            }
            result.AddError($"--cell-timeout takes a number of seconds above 0 and at most {max:0} (7 days), not '{text}'.");
            return 0;
        }

        /// <summary>One line for a failed parse: the first error, a suggestion for a mistyped name, where to find help.</summary>
        private static string DescribeErrors(ParseResult parse)
        {
            var command = parse.CommandResult.Command;
            var path = command is RootCommand ? ProgramName : $"{ProgramName} {command.Name}";
            // Every error, the one about an unmatched token first (that is the one a suggestion is for), on one line.
            var errors = parse.Errors.Select(e => e.Message.ReplaceLineEndings(" ").Trim())
                .OrderBy(m => parse.UnmatchedTokens.Any(t => m.Contains($"'{t}'", StringComparison.Ordinal)) ? 0 : 1)
                .Distinct()
                .ToList();
            var message = errors.Count == 0 ? "bad arguments." : string.Join(" ", errors.Take(3)) + (errors.Count > 3 ? " ..." : "");
            var suggestion = parse.UnmatchedTokens.Select(t => Suggest(t, command)).FirstOrDefault(s => s is not null);
            return $"{path}: {message}{(suggestion is null ? "" : $" Did you mean {suggestion}?")} See '{path} --help'.";
        }

        /// <summary>The option or command name closest to a mistyped <paramref name="token"/>, if one is close.</summary>
        private static string? Suggest(string token, Command command)
        {
            var name = token.Split('=', ':')[0];
            var candidates = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name))
                .Concat(command.Subcommands.Select(c => c.Name))
                .Where(c => c.StartsWith('-') == name.StartsWith('-'))
                .Distinct()
                .ToList();
            var best = candidates
                .Select(c => (Name: c, Distance: c.StartsWith(name, StringComparison.Ordinal) && name.TrimStart('-').Length >= 2 ? 0 : Distance(name, c)))
                .Where(c => c.Distance <= Math.Max(2, c.Name.Length / 3))
                .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            return best.Name;
        }

        /// <summary>Levenshtein distance.</summary>
        private static int Distance(string a, string b)
        {
            var row = Enumerable.Range(0, b.Length + 1).ToArray();
            for (var i = 1; i <= a.Length; i++)
            {
                var diagonal = row[0];
                row[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var above = row[j];
                    row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                    diagonal = above;
                }
            }
            return row[b.Length];
        }

        /// <summary>Where <c>run</c> writes the executed copies without <c>--out</c>: artifacts/notebooks/&lt;preset&gt;, or .../default.</summary>
        internal static string DefaultOutputFolder(string? repository, string? preset) =>
            Path.Combine(repository ?? ".", "artifacts", "notebooks", preset ?? "default");

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
