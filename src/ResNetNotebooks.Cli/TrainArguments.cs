using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Cli;

/// <summary>The parsed options of <c>train</c>.</summary>
/// <param name="Options">The profile with the overrides applied.</param>
/// <param name="Explicit">Whether any setting (profile or override) was given on the command line.</param>
/// <param name="Out">The output folder, or null for the default.</param>
/// <param name="Resume">Continue from the checkpoint in the output folder.</param>
/// <param name="Overwrite">Start afresh even if the output folder holds a checkpoint.</param>
/// <param name="Threads">Torch threads, or null for one per core.</param>
/// <param name="AutoPrecision">No precision was asked for (or <c>--precision auto</c>): the run picks the machine's
/// (<see cref="PrecisionChoice.Auto(int)"/>), or a resumed run keeps its checkpoint's; <see cref="TrainingOptions.Precision"/>
/// of <paramref name="Options"/> is then only the profile's default.</param>
public sealed record TrainArguments(TrainingOptions Options, bool Explicit, string? Out, bool Resume, bool Overwrite, int? Threads, bool AutoPrecision = true)
{
    /// <summary>A checkpoint's settings with only the options given on the command line applied (what <c>--resume</c>
    /// checks: options not given are not differences).</summary>
    internal Func<TrainingOptions, TrainingOptions> ApplyGiven { get; init; } = options => options;

    /// <summary>Equal when the parsed values are (<see cref="ApplyGiven"/>, a function, is left out).</summary>
    public bool Equals(TrainArguments? other) =>
        other is not null && Options == other.Options && Explicit == other.Explicit && Out == other.Out && Resume == other.Resume &&
        Overwrite == other.Overwrite && Threads == other.Threads && AutoPrecision == other.AutoPrecision;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Options, Explicit, Out, Resume, Overwrite, Threads, AutoPrecision);

    /// <summary>Parses the arguments after <c>train</c> as the command line does. Order does not matter: the profile
    /// is applied first, then the recipe, then the single settings.</summary>
    /// <exception cref="ArgumentException">An unknown option, a missing or malformed value, or invalid settings; the
    /// message is the one line the command line prints.</exception>
    public static TrainArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var line = new TrainCommandLine();
        var parseResult = line.Command.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            throw new ArgumentException(UsageErrors.Describe(parseResult));
        }

        return line.TryRead(parseResult, out var arguments, out var error) ? arguments : throw new ArgumentException(error);
    }
}

/// <summary>The <c>train</c> command: its options, and how their values become <see cref="TrainArguments"/>.</summary>
internal sealed class TrainCommandLine
{
    private readonly Option<TrainingOptions> profile = new("--profile")
    {
        HelpName = "quick|cpu|d2l",
        Description = "quick (default: shipped subset, 28x28, tuned recipe, 5 epochs), cpu (full data, 28x28, tuned recipe, " +
                      "10 epochs), d2l (full data, 96x96, d2l's recipe, 10 epochs)",
        CustomParser = result =>
        {
            try
            {
                return TrainingProfiles.Get(result.Tokens[0].Value);
            }
            catch (ArgumentException e)
            {
                result.AddError(UsageErrors.Message(e));
                return null;
            }
        },
    };

    private readonly Option<TrainingRecipe> recipe = CliValues.Choice("--recipe",
        "d2l (SGD lr 0.05, constant, every batch kept) or tuned (SGD one-cycle peaking at 0.1, Nesterov momentum 0.9, " +
        "weight decay 5e-4, a smaller last batch skipped)",
        ("d2l", TrainingRecipe.D2l), ("tuned", TrainingRecipe.Tuned));

    private readonly Option<string> outFolder = CliValues.Text("--out", "DIR", "output folder (default: artifacts/runs/<profile>)");

    private readonly Option<bool> resume = CliValues.Flag("--resume",
        "continue the run in DIR from its checkpoint (settings from the checkpoint; options given must match them)");

    private readonly Option<bool> overwrite = CliValues.Flag("--overwrite", "start afresh even if DIR holds a checkpoint");

    private readonly Option<int> threads = CliValues.Int("--threads", "torch threads (default: one per core)", min: 1, max: MaxThreads);

    private readonly Option<PrecisionRequest> precision = CliValues.Choice("--precision",
        "auto (default: bf16 where the CPU multiplies bf16 natively, i.e. has avx512_bf16 or amx_bf16, and the images are at " +
        $"least {PrecisionChoice.MinBf16ImageSize}x{PrecisionChoice.MinBf16ImageSize}, else fp32), fp32, or " +
        "bf16 (mixed: bf16 passes, fp32 weights, batch norm and loss)",
        ("auto", PrecisionRequest.Auto), ("fp32", PrecisionRequest.Fp32), ("bf16", PrecisionRequest.Bf16));

    /// <summary>The most torch threads accepted; more threads than cores only slow torch down.</summary>
    public const int MaxThreads = 256;

    /// <summary>The single settings, applied in this order after the profile and the recipe.</summary>
    private readonly (Option Option, Func<ParseResult, TrainingOptions, TrainingOptions> Apply)[] settings;

    /// <summary>Creates the command with its options; it has no action yet.</summary>
    public TrainCommandLine()
    {
        var epochs = CliValues.Int("--epochs", "passes over the training images", min: 1);
        var batchSize = CliValues.Int("--batch-size", "images per batch", min: 1);
        var dropLast = CliValues.Bool("--drop-last", "skip each epoch's smaller last training batch");
        var lr = CliValues.Double("--lr", "learning rate (the one-cycle schedule's peak)");
        var momentum = CliValues.Double("--momentum", "SGD momentum (0: none)");
        var nesterov = CliValues.Bool("--nesterov", "Nesterov momentum");
        var cycleMomentum = CliValues.Bool("--cycle-momentum",
            "with one-cycle: momentum +0.05 at low rates, -0.05 at the peak (default false)");
        var weightDecay = CliValues.Double("--weight-decay", "L2 penalty");
        var schedule = CliValues.Choice("--schedule", "constant or one-cycle",
            ("constant", LearningRateSchedule.Constant), ("one-cycle", LearningRateSchedule.OneCycle), ("onecycle", LearningRateSchedule.OneCycle));
        var imageSize = CliValues.Int("--image-size", $"28 (stored size) up to {TrainingOptions.MaxImageSize}, e.g. 96", min: 28, max: TrainingOptions.MaxImageSize);
        var data = CliValues.Choice("--data", "subset or full", ("subset", TrainingData.Subset), ("full", TrainingData.Full));
        var init = CliValues.Choice("--init", "xavier, default or he", ("xavier", WeightInit.Xavier), ("default", WeightInit.Default), ("he", WeightInit.He));
        var seed = CliValues.Int("--seed", "seed of the initialisation and the training order");
        var trainImages = CliValues.Int("--train-images", "use only the first N training images", min: 1);
        var testImages = CliValues.Int("--test-images", "use only the first N test images", min: 1);

        settings =
        [
            (epochs, (r, o) => o with { Epochs = r.GetValue(epochs) }),
            (batchSize, (r, o) => o with { BatchSize = r.GetValue(batchSize) }),
            (dropLast, (r, o) => o with { DropLast = r.GetBool(dropLast) }),
            (lr, (r, o) => o with { LearningRate = r.GetValue(lr) }),
            (momentum, (r, o) => o with { Momentum = r.GetValue(momentum) }),
            (nesterov, (r, o) => o with { Nesterov = r.GetBool(nesterov) }),
            (cycleMomentum, (r, o) => o with { CycleMomentum = r.GetBool(cycleMomentum) }),
            (weightDecay, (r, o) => o with { WeightDecay = r.GetValue(weightDecay) }),
            (schedule, (r, o) => o with { Schedule = r.GetValue(schedule) }),
            (imageSize, (r, o) => o with { ImageSize = r.GetValue(imageSize) }),
            (data, (r, o) => o with { Data = r.GetValue(data) }),
            (init, (r, o) => o with { Init = r.GetValue(init) }),
            (seed, (r, o) => o with { Seed = r.GetValue(seed) }),
            (trainImages, (r, o) => o with { TrainImages = r.GetValue(trainImages) }),
            (testImages, (r, o) => o with { TestImages = r.GetValue(testImages) }),
        ];

        Command = new Command("train",
            "Train ResNet-18 on Fashion-MNIST. Writes into the output folder: metrics.csv (one row per epoch), checkpoint.bin " +
            "(after every epoch), training-curves.csv and training-curves.html (the curves, viewable offline). Whatever their order, the profile is " +
            "applied first, then the recipe, then the single settings.")
        {
            profile, recipe,
        };
        foreach (var (option, _) in settings)
        {
            Command.Options.Add(option);
        }

        Command.Options.Add(precision);
        Command.Options.Add(threads);
        Command.Options.Add(outFolder);
        Command.Options.Add(resume);
        Command.Options.Add(overwrite);
    }

    /// <summary>The <c>train</c> command.</summary>
    public Command Command { get; }

    /// <summary>The arguments of a <c>train</c> command line that parsed without errors; false, with the usage error,
    /// when the settings together are not valid or <c>--resume</c> meets <c>--overwrite</c>.</summary>
    public bool TryRead(ParseResult parseResult, [NotNullWhen(true)] out TrainArguments? arguments, [NotNullWhen(false)] out string? error)
    {
        arguments = null;
        var options = parseResult.GetValue(profile) ?? TrainingProfiles.Quick;
        if (parseResult.Given(recipe))
        {
            options = options.WithRecipe(parseResult.GetValue(recipe));
        }

        var given = settings.Where(s => parseResult.Given(s.Option)).ToList();
        options = given.Aggregate(options, (o, s) => s.Apply(parseResult, o));
        var request = parseResult.Given(precision) ? parseResult.GetValue(precision) : PrecisionRequest.Auto;
        if (request != PrecisionRequest.Auto)
        {
            options = options with { Precision = request == PrecisionRequest.Bf16 ? Precision.Bf16 : Precision.Fp32 };
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            error = UsageErrors.ForCli(e);
            return false;
        }

        var resumes = parseResult.GetValue(resume);
        var overwrites = parseResult.GetValue(overwrite);
        if (resumes && overwrites)
        {
            error = "--resume continues the run in the output folder and --overwrite starts it afresh; give one of them.";
            return false;
        }

        error = null;
        arguments = new TrainArguments(
            options,
            parseResult.Given(profile) || parseResult.Given(recipe) || given.Count > 0 || request != PrecisionRequest.Auto,
            parseResult.GetValue(outFolder),
            resumes,
            overwrites,
            parseResult.Given(threads) ? parseResult.GetValue(threads) : null,
            request == PrecisionRequest.Auto)
        {
            ApplyGiven = stored =>
            {
                var asked = parseResult.Given(profile) ? parseResult.GetValue(profile)! with { Precision = stored.Precision } : stored;
                if (parseResult.Given(recipe))
                {
                    asked = asked.WithRecipe(parseResult.GetValue(recipe));
                }

                asked = given.Aggregate(asked, (o, s) => s.Apply(parseResult, o));
                return request == PrecisionRequest.Auto ? asked : asked with { Precision = request == PrecisionRequest.Bf16 ? Precision.Bf16 : Precision.Fp32 };
            },
        };
        return true;
    }
}

/// <summary>The values of <c>--precision</c>.</summary>
internal enum PrecisionRequest
{
    /// <summary>The machine's choice (<see cref="PrecisionChoice.Auto(int)"/>).</summary>
    Auto,

    /// <summary><see cref="Precision.Fp32"/>.</summary>
    Fp32,

    /// <summary><see cref="Precision.Bf16"/>.</summary>
    Bf16,
}
