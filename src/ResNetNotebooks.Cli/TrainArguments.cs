using System.Globalization;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Cli;

/// <summary>The parsed options of <c>train</c>.</summary>
/// <param name="Options">The profile with the overrides applied.</param>
/// <param name="Explicit">Whether any setting (profile or override) was given on the command line.</param>
/// <param name="Out">The output folder, or null for the default.</param>
/// <param name="Resume">Continue from the checkpoint in the output folder.</param>
/// <param name="Overwrite">Start afresh even if the output folder holds a checkpoint.</param>
/// <param name="Threads">Torch threads, or null for one per core.</param>
public sealed record TrainArguments(TrainingOptions Options, bool Explicit, string? Out, bool Resume, bool Overwrite, int? Threads)
{
    /// <summary>Parses the arguments after <c>train</c>. Order does not matter: the profile is applied first, then
    /// the recipe, then the single settings.</summary>
    /// <exception cref="UsageException">An unknown option, a missing or malformed value, or invalid settings.</exception>
    public static TrainArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? profile = null, outFolder = null;
        TrainingRecipe? recipe = null;
        bool resume = false, overwrite = false;
        int? threads = null;
        var overrides = new List<Func<TrainingOptions, TrainingOptions>>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value() => inline ?? (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i]
                : throw new UsageException($"{arg} needs a value."));

            switch (arg)
            {
                case "--profile": profile = Value(); break;
                case "--recipe": recipe = Choice(arg, Value(), ("d2l", TrainingRecipe.D2l), ("tuned", TrainingRecipe.Tuned)); break;
                case "--out": outFolder = Value(); break;
                case "--resume": resume = Flag(arg, inline); break;
                case "--overwrite": overwrite = Flag(arg, inline); break;
                case "--threads": threads = Int(arg, Value(), min: 1); break;
                case "--epochs": { var v = Int(arg, Value(), 1); overrides.Add(o => o with { Epochs = v }); break; }
                case "--batch-size": { var v = Int(arg, Value(), 1); overrides.Add(o => o with { BatchSize = v }); break; }
                case "--image-size": { var v = Int(arg, Value(), 28); overrides.Add(o => o with { ImageSize = v }); break; }
                case "--seed": { var v = Int(arg, Value(), int.MinValue); overrides.Add(o => o with { Seed = v }); break; }
                case "--train-images": { var v = Int(arg, Value(), 1); overrides.Add(o => o with { TrainImages = v }); break; }
                case "--test-images": { var v = Int(arg, Value(), 1); overrides.Add(o => o with { TestImages = v }); break; }
                case "--lr": { var v = Double(arg, Value()); overrides.Add(o => o with { LearningRate = v }); break; }
                case "--momentum": { var v = Double(arg, Value()); overrides.Add(o => o with { Momentum = v }); break; }
                case "--weight-decay": { var v = Double(arg, Value()); overrides.Add(o => o with { WeightDecay = v }); break; }
                case "--nesterov": { var v = Bool(arg, Value()); overrides.Add(o => o with { Nesterov = v }); break; }
                case "--drop-last": { var v = Bool(arg, Value()); overrides.Add(o => o with { DropLast = v }); break; }
                case "--cycle-momentum": { var v = Bool(arg, Value()); overrides.Add(o => o with { CycleMomentum = v }); break; }
                case "--schedule":
                {
                    var v = Choice(arg, Value(), ("constant", LearningRateSchedule.Constant), ("one-cycle", LearningRateSchedule.OneCycle),
                        ("onecycle", LearningRateSchedule.OneCycle));
                    overrides.Add(o => o with { Schedule = v });
                    break;
                }
                case "--data": { var v = Choice(arg, Value(), ("subset", TrainingData.Subset), ("full", TrainingData.Full)); overrides.Add(o => o with { Data = v }); break; }
                case "--init": { var v = Choice(arg, Value(), ("xavier", WeightInit.Xavier), ("default", WeightInit.Default)); overrides.Add(o => o with { Init = v }); break; }
                case var a when a.StartsWith('-'):
                    throw new UsageException($"unknown option {a} for train.");
                default:
                    throw new UsageException($"unexpected argument '{arg}'; options start with -- (e.g. --profile quick).");
            }
        }

        TrainingOptions options;
        try
        {
            options = TrainingProfiles.Get(profile ?? "quick");
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        if (recipe is { } r)
        {
            options = options.WithRecipe(r);
        }

        options = overrides.Aggregate(options, (o, apply) => apply(o));
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        if (resume && overwrite)
        {
            throw new UsageException("--resume continues the run in the output folder and --overwrite starts it afresh; give one of them.");
        }

        return new TrainArguments(options, profile is not null || recipe is not null || overrides.Count > 0, outFolder, resume, overwrite, threads);
    }

    /// <summary>The value named <paramref name="text"/> among <paramref name="choices"/>; the error lists the distinct
    /// values' first names (later names of the same value are accepted spellings).</summary>
    private static T Choice<T>(string name, string text, params (string Name, T Value)[] choices)
        where T : struct, Enum
    {
        foreach (var (choice, value) in choices)
        {
            if (choice == text)
            {
                return value;
            }
        }

        var names = choices.DistinctBy(c => c.Value).Select(c => c.Name);
        throw new UsageException($"{name} takes {string.Join(" or ", names)}, not '{text}'.");
    }

    private static bool Flag(string name, string? inline) => inline switch
    {
        null or "true" => true,
        "false" => false,
        _ => throw new UsageException($"{name} is a flag; give it without a value."),
    };

    private static int Int(string name, string text, int min) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min
            ? v
            : throw new UsageException(min == int.MinValue
                ? $"{name} takes a whole number, not '{text}'."
                : $"{name} takes a whole number of at least {min}, not '{text}'.");

    private static double Double(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new UsageException($"{name} takes a number such as 0.05, not '{text}'.");

    private static bool Bool(string name, string text) => text switch
    {
        "true" => true,
        "false" => false,
        _ => throw new UsageException($"{name} takes true or false, not '{text}'."),
    };
}
