using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using ResNetNotebooks.Models;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Cli;

/// <summary>The parsed options of <c>compare</c>: which networks to train and how.</summary>
/// <param name="Plan">The networks, depths, seeds and the training settings every run shares.</param>
/// <param name="Out">The output folder, or null for the default (<see cref="CompareCommand.DefaultFolder"/>).</param>
/// <param name="Resume">Continue the comparison in the output folder.</param>
/// <param name="Overwrite">Start afresh even if the output folder holds a comparison.</param>
/// <param name="Threads">Torch threads, or null for one per core.</param>
public sealed record CompareArguments(ComparePlan Plan, string? Out, bool Resume, bool Overwrite, int? Threads)
{
    /// <summary>A stored plan with only the options given on the command line applied (what <c>--resume</c> checks:
    /// options not given are not differences).</summary>
    internal Func<ComparePlan, ComparePlan> ApplyGiven { get; init; } = plan => plan;
}

/// <summary>The <c>compare</c> command: its options, and how their values become <see cref="CompareArguments"/>.</summary>
internal sealed class CompareCommandLine
{
    private readonly Option<string[]> nets = List("--nets", "NETS", "networks to train: plain, resnet or both, e.g. plain,resnet (default)", ParseNet);
    private readonly Option<int[]> depths = List("--depths", "DEPTHS", "CIFAR depths 6n+2, e.g. 20,56 (default; 8, 14, 20, 32, 44, 56, 110)", ParseDepth);
    private readonly Option<int[]> seeds = List("--seeds", "SEEDS", "seeds, one run each, e.g. 1,2,3 (default 1)", ParseSeed);
    private readonly Option<string> outFolder = CliValues.Text("--out", "DIR", $"output folder (default: {CompareCommand.DefaultFolder})");
    private readonly Option<bool> resume = CliValues.Flag("--resume",
        "continue the comparison in DIR: finished runs are skipped, a partial one continues from its checkpoint (settings from DIR; options given must match them)");
    private readonly Option<bool> overwrite = CliValues.Flag("--overwrite", "start afresh even if DIR holds a comparison");
    private readonly Option<int> threads = CliValues.Int("--threads", "torch threads (default: one per core)", min: 1, max: TrainCommandLine.MaxThreads);
    private readonly (Option Option, Func<ParseResult, TrainingOptions, TrainingOptions> Apply)[] settings;

    /// <summary>Creates the command with its options; it has no action yet.</summary>
    public CompareCommandLine()
    {
        var epochs = CliValues.Int("--epochs", "passes over the training images (default 10)", min: 1);
        var data = CliValues.Choice("--data", "subset (default: the shipped 10,000 + 2,000 images) or full", ("subset", TrainingData.Subset), ("full", TrainingData.Full));
        var trainImages = CliValues.Int("--train-images", "use only the first N training images", min: 1);
        var testImages = CliValues.Int("--test-images", "use only the first N test images", min: 1);
        var batchSize = CliValues.Int("--batch-size", "images per batch (default 128; the smaller last batch is dropped)", min: 1);
        var lr = CliValues.Double("--lr", "learning rate: the constant rate, or the one-cycle schedule's peak (default 0.1)");
        var schedule = CliValues.Choice("--schedule", "constant (default, the paper's first 32k iterations) or one-cycle (warm-up, then decay; for short runs)",
            ("constant", LearningRateSchedule.Constant), ("one-cycle", LearningRateSchedule.OneCycle), ("onecycle", LearningRateSchedule.OneCycle));
        var momentum = CliValues.Double("--momentum", "SGD momentum (default 0.9)");
        var weightDecay = CliValues.Double("--weight-decay", "L2 penalty (default 1e-4)");
        var init = CliValues.Choice("--init", "he (default), xavier or default", ("he", WeightInit.He), ("xavier", WeightInit.Xavier), ("default", WeightInit.Default));
        var identityInit = CliValues.Flag("--identity-init",
            "start every block at the identity: residual blocks with their last batch-norm scale 0 (torchvision's zero_init_residual), plain blocks with a Dirac second convolution");
        settings =
        [
            (epochs, (r, o) => o with { Epochs = r.GetValue(epochs) }),
            (data, (r, o) => o with { Data = r.GetValue(data) }),
            (trainImages, (r, o) => o with { TrainImages = r.GetValue(trainImages) }),
            (testImages, (r, o) => o with { TestImages = r.GetValue(testImages) }),
            (batchSize, (r, o) => o with { BatchSize = r.GetValue(batchSize) }),
            (lr, (r, o) => o with { LearningRate = r.GetValue(lr) }),
            (schedule, (r, o) => o with { Schedule = r.GetValue(schedule) }),
            (momentum, (r, o) => o with { Momentum = r.GetValue(momentum) }),
            (weightDecay, (r, o) => o with { WeightDecay = r.GetValue(weightDecay) }),
            (init, (r, o) => o with { Init = r.GetValue(init) }),
            (identityInit, (r, o) => o with { IdentityInit = r.GetValue(identityInit) }),
        ];

        Command = new Command("compare",
            "Train plain and residual CIFAR networks of several depths (He et al. 2016, Fig. 6) on Fashion-MNIST, one run after " +
            "the other, with the paper's recipe (SGD, momentum 0.9, weight decay 1e-4, lr 0.1, batch 128, He init). Writes into " +
            "DIR one folder per network and seed (metrics.csv, steps.csv, checkpoint.bin, run.json), compare.json (the plan), " +
            "summary.csv and comparison.html (the charts, viewable offline).")
        {
            nets, depths, seeds,
        };
        foreach (var (option, _) in settings)
        {
            Command.Options.Add(option);
        }

        Command.Options.Add(threads);
        Command.Options.Add(outFolder);
        Command.Options.Add(resume);
        Command.Options.Add(overwrite);
    }

    /// <summary>The <c>compare</c> command.</summary>
    public Command Command { get; }

    /// <summary>The arguments of a <c>compare</c> command line that parsed without errors; false, with the usage error,
    /// when the settings together are not valid or <c>--resume</c> meets <c>--overwrite</c>.</summary>
    public bool TryRead(ParseResult parseResult, [NotNullWhen(true)] out CompareArguments? arguments, [NotNullWhen(false)] out string? error)
    {
        arguments = null;
        var given = settings.Where(s => parseResult.Given(s.Option)).ToList();
        var options = given.Aggregate(ComparePlan.PaperRecipe, (o, s) => s.Apply(parseResult, o));
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
            error = "--resume continues the comparison in the output folder and --overwrite starts it afresh; give one of them.";
            return false;
        }

        var plan = new ComparePlan(
            parseResult.Given(nets) ? parseResult.GetValue(nets)! : ["plain", "resnet"],
            parseResult.Given(depths) ? parseResult.GetValue(depths)! : [20, 56],
            parseResult.Given(seeds) ? parseResult.GetValue(seeds)! : [1],
            options);
        error = null;
        arguments = new CompareArguments(
            plan,
            parseResult.GetValue(outFolder),
            resumes,
            overwrites,
            parseResult.Given(threads) ? parseResult.GetValue(threads) : null)
        {
            ApplyGiven = stored => new ComparePlan(
                parseResult.Given(nets) ? plan.Nets : stored.Nets,
                parseResult.Given(depths) ? plan.Depths : stored.Depths,
                parseResult.Given(seeds) ? plan.Seeds : stored.Seeds,
                given.Aggregate(stored.Options, (o, s) => s.Apply(parseResult, o))),
        };
        return true;
    }

    /// <summary>An option taking a comma-separated list (no repeats, at least one value), each value read by
    /// <paramref name="parse"/>, which returns null and the reason for a bad value.</summary>
    private static Option<T[]> List<T>(string name, string helpName, string description, Func<string, (T? Value, string? Error)> parse) => new(name)
    {
        HelpName = helpName,
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            var parts = text.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Any(p => p.Length == 0))
            {
                result.AddError($"{name} takes a comma-separated list without empty entries, e.g. {name} {Example(name)}, not '{text}'.");
                return [];
            }

            var values = new List<T>();
            foreach (var part in parts)
            {
                var (value, error) = parse(part);
                if (error is not null)
                {
                    result.AddError($"{name}: {error}");
                    return [];
                }

                if (values.Contains(value!))
                {
                    result.AddError($"{name} lists '{part}' twice; give each value once, e.g. {name} {Example(name)}.");
                    return [];
                }

                values.Add(value!);
            }

            return [.. values];
        },
    };

    private static string Example(string name) => name switch { "--nets" => "plain,resnet", "--depths" => "20,56", _ => "1,2,3" };

    private static (string? Value, string? Error) ParseNet(string text) => text.ToLowerInvariant() switch
    {
        "plain" => ("plain", null),
        "resnet" => ("resnet", null),
        _ => (null, $"unknown network '{text}'; use plain, resnet or plain,resnet."),
    };

    private static (int Value, string? Error) ParseDepth(string text) =>
        !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var depth)
            ? (0, $"'{text}' is not a whole number; give CIFAR depths 6n+2, e.g. 20,56.")
            : ComparePlan.DepthProblem(depth) is { } problem ? (0, problem) : (depth, null);

    private static (int Value, string? Error) ParseSeed(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) && seed >= 0
            ? (seed, null)
            : (0, $"'{text}' is not a seed; give whole numbers of at least 0, e.g. 1,2,3.");
}
