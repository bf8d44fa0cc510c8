using ResNetNotebooks.Native;
using Spectre.Console;

namespace ResNetNotebooks.Cli;

/// <summary>The command line's entry point: parses the command, prepares TorchSharp, runs the command.</summary>
public static class CliApp
{
    /// <summary>Exit code: success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: the command ran and failed (missing data, a bad checkpoint, ...).</summary>
    public const int Failed = 1;

    /// <summary>Exit code: the command line is wrong.</summary>
    public const int BadArguments = 2;

    /// <summary>The usage text.</summary>
    public const string Usage = """
        Usage: dotnet run --project src/ResNetNotebooks.Cli -- <command> [options]

        Commands:
          train       Train ResNet-18 on Fashion-MNIST. Writes into the output folder: metrics.csv (one row per epoch),
                      checkpoint.bin (after every epoch) and training-curves.html (the curves, viewable offline).
          fetch-data  Download the full Fashion-MNIST (60,000 + 10,000 images) into data/fashion-mnist/.
          help        Show this text.

        train options:
          --profile NAME         quick (default: shipped subset, 28x28, tuned recipe, 5 epochs),
                                 cpu (full data, 28x28, tuned recipe, 10 epochs),
                                 d2l (full data, 96x96, d2l's recipe, 10 epochs)
          --recipe NAME          d2l (SGD lr 0.05, constant, every batch kept) or tuned (SGD one-cycle peaking at
                                 0.1, Nesterov momentum 0.9, weight decay 5e-4, a smaller last batch skipped)
          --epochs N             passes over the training images
          --batch-size N         images per batch
          --drop-last true|false skip each epoch's smaller last training batch
          --lr X                 learning rate (the one-cycle schedule's peak)
          --momentum X           SGD momentum (0: none)
          --nesterov true|false  Nesterov momentum
          --cycle-momentum true|false
                                 with one-cycle: momentum +0.05 at low rates, -0.05 at the peak (default false)
          --weight-decay X       L2 penalty
          --schedule NAME        constant or one-cycle
          --image-size N         28 (stored size) or larger, e.g. 96
          --data NAME            subset or full
          --init NAME            xavier or default
          --seed N               seed of the initialisation and the training order
          --train-images N       use only the first N training images
          --test-images N        use only the first N test images
          --threads N            torch threads (default: one per core)
          --out DIR              output folder (default: artifacts/runs/<profile>)
          --resume               continue the run in DIR from its checkpoint (settings from the checkpoint;
                                 options given must match them)
          --overwrite            start afresh even if DIR holds a checkpoint

        fetch-data options:
          --folder DIR           target folder (default: data/fashion-mnist)
          --force                download again even if the files are there

        Exit codes: 0 success, 1 the command failed, 2 bad arguments.
        Examples:
          dotnet run --project src/ResNetNotebooks.Cli -- train --profile cpu --out runs/cpu
          dotnet run --project src/ResNetNotebooks.Cli -- train --profile cpu --out runs/cpu --resume
          dotnet run --project src/ResNetNotebooks.Cli -- train --profile quick --recipe d2l --seed 1
        """;

    /// <summary>Runs the command line <paramref name="args"/>; returns the exit code.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="stdout">Where results and progress go.</param>
    /// <param name="stderr">Where errors and the usage go.</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, TrainCommand.ResNet18);

    /// <summary>As <see cref="Run(string[], TextWriter, TextWriter)"/>, with the model to train (tests pass a tiny one).</summary>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>> createModel)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            Func<int> command = args.FirstOrDefault() switch
            {
                "train" => TrainCommand.Prepare(TrainArguments.Parse(args[1..]), Console(stdout), createModel),
                "fetch-data" => FetchDataCommand.Prepare(args[1..], stdout),
                "help" or "-h" or "--help" => () =>
                {
                    stdout.WriteLine(Usage);
                    return Ok;
                },
                null => throw new UsageException("no command given."),
                var other => throw new UsageException($"unknown command '{other}'; use train, fetch-data or help."),
            };

            // Only now, with the command line understood and before any torch call: make TorchSharp's native
            // libraries loadable on this machine.
            TorchNative.EnsureLoadable();
            return command();
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"resnet-cli: {e.Message}");
            stderr.WriteLine();
            stderr.WriteLine(Usage);
            return BadArguments;
        }
        catch (TorchSharpSetupException e)
        {
            stderr.WriteLine($"resnet-cli: TorchSharp cannot run here. {e.Message}");
            return Failed;
        }
        catch (CommandFailedException e)
        {
            stderr.WriteLine($"resnet-cli: {e.Message}");
            return Failed;
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
