using System.CommandLine;
using System.CommandLine.Invocation;
using ResNetNotebooks.Native;
using Spectre.Console;

namespace ResNetNotebooks.Cli;

/// <summary>The command line's entry point: parses the command line (System.CommandLine), prepares TorchSharp, runs the
/// command.</summary>
public static class CliApp
{
    /// <summary>Exit code: success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: the command ran and failed (missing data, a bad checkpoint, ...).</summary>
    public const int Failed = 1;

    /// <summary>Exit code: the command line is wrong.</summary>
    public const int BadArguments = 2;

    /// <summary>The program's name in messages and help.</summary>
    public const string Name = "resnet-cli";

    /// <summary>Runs the command line <paramref name="args"/>; returns the exit code. <c>--help</c> (on the program and
    /// on each command) lists the commands and options.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="stdout">Where results, progress and the help go.</param>
    /// <param name="stderr">Where errors go: one line saying what was wrong and the fix.</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, TrainCommand.ResNet18);

    /// <summary>As <see cref="Run(string[], TextWriter, TextWriter)"/>, with the model to train (tests pass a tiny one).</summary>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>> createModel)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parseResult = CreateCommandLine(stdout, stderr, createModel).Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is ParseErrorAction)
        {
            return UsageErrors.Write(stderr, UsageErrors.Describe(parseResult), parseResult.CommandResult.Command);
        }

        try
        {
            // The help, the version, a usage error found after parsing, or the command run by RunCommand.
            return parseResult.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (TorchSharpSetupException e)
        {
            stderr.WriteLine($"{Name}: TorchSharp cannot run here. {e.Message}");
            return Failed;
        }
        catch (CommandFailedException e)
        {
            stderr.WriteLine($"{Name}: {e.Message}");
            return Failed;
        }
        catch (Exception e)
        {
            // Anything else is a case this program does not handle yet: a short message, the stack trace in a log file.
            stderr.WriteLine($"{Name}: unexpected error: {e.GetType().Name}: {FirstLine(e.Message)} {CrashLog.Write(e, args)}");
            return Failed;
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.EndsWith('.') ? line : line + ".";
    }

    /// <summary>The program's commands and options (System.CommandLine adds <c>--help</c>, <c>-h</c> and
    /// <c>--version</c>).</summary>
    private static RootCommand CreateCommandLine(TextWriter stdout, TextWriter stderr, Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>> createModel)
    {
        var train = new TrainCommandLine();
        train.Command.SetAction(parseResult =>
        {
            if (!train.TryRead(parseResult, out var arguments, out var error))
            {
                return UsageErrors.Write(stderr, error, train.Command);
            }

            var (run, usageError) = TrainCommand.Prepare(arguments, Console(stdout), createModel);
            if (run is null)
            {
                return UsageErrors.Write(stderr, usageError!, train.Command);
            }

            try
            {
                return RunCommand(run);
            }
            catch (CommandUsageException e)
            {
                return UsageErrors.Write(stderr, e.Message, train.Command);
            }
        });

        var compare = new CompareCommandLine();
        compare.Command.SetAction(parseResult =>
        {
            if (!compare.TryRead(parseResult, out var arguments, out var error))
            {
                return UsageErrors.Write(stderr, error, compare.Command);
            }

            var (run, usageError) = CompareCommand.Prepare(arguments, Console(stdout));
            if (run is null)
            {
                return UsageErrors.Write(stderr, usageError!, compare.Command);
            }

            try
            {
                return RunCommand(run);
            }
            catch (CommandUsageException e)
            {
                return UsageErrors.Write(stderr, e.Message, compare.Command);
            }
        });

        var root = new RootCommand(
            $"""
            Train d2l's ResNet-18 on Fashion-MNIST, compare plain and residual networks of several depths, fetch the full
            dataset, or export a checkpoint for PyTorch.
            Exit codes: 0 success, 1 the command failed, 2 bad arguments.
            Examples:
              {Name} train --profile cpu --out runs/cpu
              {Name} train --profile cpu --out runs/cpu --resume
              {Name} train --profile quick --recipe d2l --seed 1
              {Name} compare --nets plain,resnet --depths 20,56 --epochs 10 --out runs/compare
              {Name} compare --out runs/compare --resume
              {Name} export --checkpoint runs/cpu/checkpoint.bin --to model.pt
            From the repository: dotnet run --project src/ResNetNotebooks.Cli -- train --profile quick
            """)
        {
            train.Command,
            compare.Command,
            FetchDataCommand.Create(stdout, RunCommand),
            ExportCommand.Create(stdout, RunCommand, createModel),
        };
        root.SetAction(parseResult => UsageErrors.Write(stderr, "no command given; use train, compare, fetch-data or export.", root));
        return root;
    }

    /// <summary>Runs a command whose command line was understood: only now, before any torch call, make TorchSharp's
    /// native libraries loadable on this machine.</summary>
    private static int RunCommand(Func<int> command)
    {
        TorchNative.EnsureLoadable();
        return command();
    }

    /// <summary>A Spectre console on <paramref name="stdout"/>: the terminal's own capabilities for the process's
    /// standard output, plain text (no colours, no live progress bar) for anything else.</summary>
    private static IAnsiConsole Console(TextWriter stdout) =>
        ReferenceEquals(stdout, System.Console.Out)
            ? AnsiConsole.Console
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(stdout), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
            });
}

/// <summary>A command ran and failed for a reason the message explains (exit code 1).</summary>
public sealed class CommandFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Settings that parsed but do not fit the data, found once the command runs (exit code 2).</summary>
internal sealed class CommandUsageException(string message, Exception? inner = null) : Exception(message, inner);
