using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using ResNetNotebooks.CommandLine;
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
    public const int BadArguments = UsageError.ExitCode;

    /// <summary>The program's name in messages and help.</summary>
    public const string Name = "resnet-cli";

    /// <summary>Runs the command line <paramref name="args"/>; returns the exit code. <c>--help</c> (on the program and
    /// on each command) lists the commands and options.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="stdout">Where results, progress and the help go.</param>
    /// <param name="stderr">Where errors go: one line saying what was wrong and the fix.</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, TrainCommand.ResNet18);

    /// <summary>As <see cref="Run(string[], TextWriter, TextWriter)"/>, with the model to train (tests pass a tiny one)
    /// and, for tests, the stop request that SIGINT and SIGTERM make.</summary>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>> createModel,
        StopRequest? stop = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        stop ??= new StopRequest();
        var parseResult = CreateCommandLine(stdout, stderr, createModel, stop).Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is ParseErrorAction)
        {
            return UsageError.Write(stderr, Name, parseResult);
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
        catch (CommandStoppedException e) when (stop.Requested)
        {
            // The shell's convention: 128 + the signal's number (SIGINT 2, SIGTERM 15).
            stderr.WriteLine($"{Name}: stopped by {stop.SignalName}: {e.Message}");
            return stop.ExitCode;
        }
        catch (CommandStoppedException e)
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
    private static RootCommand CreateCommandLine(TextWriter stdout, TextWriter stderr, Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>> createModel,
        StopRequest stop)
    {
        var train = new TrainCommandLine();
        train.Command.SetAction(parseResult =>
        {
            if (!train.TryRead(parseResult, out var arguments, out var error))
            {
                return UsageErrors.Write(stderr, error, train.Command);
            }

            var (run, usageError) = TrainCommand.Prepare(arguments, Console(stdout), createModel, stop.Token);
            if (run is null)
            {
                return UsageErrors.Write(stderr, usageError!, train.Command);
            }

            try
            {
                return RunStoppable(run, stop, stderr);
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

            var (run, usageError) = CompareCommand.Prepare(arguments, Console(stdout), stop.Token);
            if (run is null)
            {
                return UsageErrors.Write(stderr, usageError!, compare.Command);
            }

            try
            {
                return RunStoppable(run, stop, stderr);
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
            Exit codes: 0 success, 1 the command failed, 2 bad arguments, 130/143 train or compare stopped by Ctrl+C/SIGTERM
            (the last checkpoint kept; continue with --resume).
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
        // The root command has no action: a command line without a command is a usage error ("no command given; use
        // train, ... or export.", as UsageError.Describe says it).
        return root;
    }

    /// <summary>Runs a command whose command line was understood: only now, before any torch call, make TorchSharp's
    /// native libraries loadable on this machine.</summary>
    private static int RunCommand(Func<int> command)
    {
        TorchNative.EnsureLoadable();
        return command();
    }

    /// <summary>Runs a training command so that SIGINT (Ctrl+C) and SIGTERM stop it cleanly: the batch in progress ends,
    /// the last checkpoint stays, the folder's lock is released and the command says how to continue (exit code 130 or
    /// 143). A second signal ends the process at once, as without this handling. (System.CommandLine's own handler
    /// returns after a fixed timeout whether or not the command has released its folder.)</summary>
    private static int RunStoppable(Func<int> command, StopRequest stop, TextWriter stderr)
    {
        using var sigint = Register(PosixSignal.SIGINT, stop, stderr);
        using var sigterm = Register(PosixSignal.SIGTERM, stop, stderr);
        return RunCommand(command);
    }

    private static PosixSignalRegistration? Register(PosixSignal signal, StopRequest stop, TextWriter stderr)
    {
        try
        {
            return PosixSignalRegistration.Create(signal, context =>
            {
                if (stop.Request(signal))
                {
                    context.Cancel = true;
                    stderr.WriteLine($"{Name}: {StopRequest.Name(signal)} received: stopping after the current batch (send it again to end at once).");
                }
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
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

/// <summary>A training command stopped on request (SIGINT or SIGTERM); the message says what was kept and how to
/// continue.</summary>
internal sealed class CommandStoppedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The request to stop a training command that SIGINT or SIGTERM makes (tests make it directly).</summary>
internal sealed class StopRequest
{
    private readonly CancellationTokenSource _source = new();
    private int _signal;

    /// <summary>Whether a stop was requested.</summary>
    public bool Requested => _signal != 0;

    /// <summary>Cancelled once a stop is requested; the trainer stops between batches.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The exit code of a command stopped by the signal: 128 + its number (130 for SIGINT, 143 for SIGTERM).</summary>
    public int ExitCode => 128 + (_signal == (int)PosixSignal.SIGTERM ? 15 : 2);

    /// <summary>The signal's name, e.g. SIGTERM.</summary>
    public string SignalName => Name((PosixSignal)_signal);

    /// <summary>Asks the command to stop; false when a stop was already asked for (a second signal).</summary>
    public bool Request(PosixSignal signal)
    {
        if (Interlocked.CompareExchange(ref _signal, (int)signal, 0) != 0)
        {
            return false;
        }

        _source.Cancel();
        return true;
    }

    /// <summary>SIGINT or SIGTERM.</summary>
    public static string Name(PosixSignal signal) => signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
}

/// <summary>Settings that parsed but do not fit the data, found once the command runs (exit code 2).</summary>
internal sealed class CommandUsageException(string message, Exception? inner = null) : Exception(message, inner);
