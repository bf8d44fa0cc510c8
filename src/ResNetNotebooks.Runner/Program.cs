using System.Globalization;
using System.Text.Json;
using ResNetNotebooks.Runner;

// resnet-notebooks: the headless notebook runner. See README.md, "Running the notebooks headlessly".
return await Cli.MainAsync(args);

namespace ResNetNotebooks.Runner
{
    /// <summary>The command line of the runner.</summary>
    public static class Cli
    {
        private const string Usage = """
            Usage:
              resnet-notebooks run [NOTEBOOK.ipynb ...] [--profile full|quick] [--param NAME=VALUE ...]
                                   [--cell-timeout SECONDS] [--out FOLDER]
                  Executes the notebooks (default: every notebook in the repository's notebooks/ folder), each in
                  its own kernel, stopping a notebook at its first failing cell. Writes the executed copies with
                  their outputs to FOLDER (default: artifacts/notebooks/<profile>/) and prints one line per notebook.
                  Exit code 0 when every notebook passed, 1 otherwise, 2 for bad arguments.
              resnet-notebooks exec NOTEBOOK.ipynb --out FILE --result FILE [--profile ...] [--param ...] [--cell-timeout ...]
                  Executes one notebook in this process (used by 'run' and by the tests).
              resnet-notebooks strip NOTEBOOK.ipynb ...
                  Removes outputs and execution counts, the form in which notebooks are committed.
            """;

        /// <summary>Runs the command line; returns the process exit code.</summary>
        public static async Task<int> MainAsync(string[] args)
        {
            try
            {
                return args.FirstOrDefault() switch
                {
                    "run" => await RunAsync(Parse(args[1..])),
                    "exec" => await ExecAsync(Parse(args[1..])),
                    "strip" => Strip(args[1..]),
                    "-h" or "--help" or "help" => Help(0),
                    _ => Help(2),
                };
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine($"resnet-notebooks: {e.Message}");
                return Help(2);
            }
        }

        private static int Help(int code)
        {
            (code == 0 ? Console.Out : Console.Error).WriteLine(Usage);
            return code;
        }

        private sealed class UsageException(string message) : Exception(message);

        private sealed record Arguments(List<string> Files, RunOptions Options, string? Out, string? Result);

        private static Arguments Parse(string[] args)
        {
            var files = new List<string>();
            var parameters = new Dictionary<string, string>();
            var profile = NotebookParameters.FullProfile;
            var timeout = RunOptions.DefaultCellTimeout;
            string? outPath = null, result = null;
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--profile": profile = Value(); break;
                    case "--out": outPath = Value(); break;
                    case "--result": result = Value(); break;
                    case "--cell-timeout":
                        var text = Value();
                        timeout = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0
                            ? TimeSpan.FromSeconds(s)
                            : throw new UsageException($"--cell-timeout takes a positive number of seconds, not '{text}'.");
                        break;
                    case "--param":
                        var pair = Value();
                        var eq = pair.IndexOf('=');
                        if (eq <= 0) throw new UsageException($"--param takes NAME=VALUE, not '{pair}'.");
                        parameters[pair[..eq]] = pair[(eq + 1)..];
                        break;
                    case var a when a.StartsWith("--", StringComparison.Ordinal):
                        throw new UsageException($"unknown option {a}.");
                    default: files.Add(args[i]); break;
                }
            }
            return new Arguments(files, new RunOptions { Profile = profile, Parameters = parameters, CellTimeout = timeout, OutputFolder = outPath }, outPath, result);
        }

        private static async Task<int> RunAsync(Arguments a)
        {
            var repo = RepositoryRoot();
            var notebooks = a.Files.Count > 0
                ? a.Files.Select(Path.GetFullPath).ToList()
                : Directory.GetFiles(Path.Combine(repo ?? throw new UsageException(
                        "no notebooks given and no repository found above the current folder (looked for ResNetNotebooks.sln)."), "notebooks"), "*.ipynb")
                    .Order(StringComparer.Ordinal).ToList();
            var outFolder = Path.GetFullPath(a.Out ?? Path.Combine(repo ?? ".", "artifacts", "notebooks", a.Options.Profile));
            Console.WriteLine($"Running {notebooks.Count} notebook(s), profile '{a.Options.Profile}', cell timeout {a.Options.CellTimeout.TotalSeconds:0} s.");
            var results = new List<NotebookResult>();
            foreach (var notebook in notebooks)
            {
                var result = await ChildProcessRunner.RunAsync(notebook, a.Options, Path.Combine(outFolder, Path.GetFileName(notebook)));
                results.Add(result);
                Console.WriteLine(result.Describe());
            }
            var passed = results.Count(r => r.Status == NotebookStatus.Passed);
            Console.WriteLine($"Executed notebooks with their outputs: {outFolder}");
            Console.WriteLine($"{passed} passed, {results.Count - passed} failed");
            return passed == results.Count ? 0 : 1;
        }

        private static async Task<int> ExecAsync(Arguments a)
        {
            if (a.Files.Count != 1 || a.Out is null || a.Result is null)
            {
                throw new UsageException("exec takes one notebook, --out FILE and --result FILE.");
            }
            NotebookResult result;
            try
            {
                result = await NotebookExecutor.ExecuteAsync(a.Files[0], a.Options, a.Out);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                result = new NotebookResult { Notebook = Path.GetFileName(a.Files[0]), Status = NotebookStatus.Error, Error = e.Message };
            }
            File.WriteAllText(a.Result, JsonSerializer.Serialize(result, NotebookResult.Json));
            // A timed-out cell is still running on a kernel thread: leave the process at once.
            Environment.Exit(result.Status == NotebookStatus.Passed ? 0 : 1);
            return 0;
        }

        private static int Strip(string[] files)
        {
            if (files.Length == 0) throw new UsageException("strip takes one or more notebooks.");
            foreach (var file in files)
            {
                var notebook = NotebookDocument.Load(file);
                notebook.ClearOutputs();
                notebook.Save(file);
            }
            return 0;
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
