using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Cli;

/// <summary>
/// The options of this command line with their value parsers: every value is read with the invariant culture, and a
/// bad value gives one sentence naming the option, what it takes and what was given (e.g. <c>--epochs takes a whole
/// number of at least 1, not 'ten'.</c>).
/// </summary>
internal static class CliValues
{
    /// <summary>An option taking any text, e.g. a folder.</summary>
    public static Option<string> Text(string name, string helpName, string description) => new(name)
    {
        HelpName = helpName,
        Description = description,
        CustomParser = result => string.IsNullOrWhiteSpace(Value(result)) && result.Tokens.Count > 0
            ? Error<string>(result, $"{name} takes {(helpName == "DIR" ? "a folder" : "a value")}, not an empty value.")
            : Value(result),
    };

    /// <summary>An option taking a whole number of at least <paramref name="min"/> and at most <paramref name="max"/>.</summary>
    public static Option<int> Int(string name, string description, int min = int.MinValue, int max = int.MaxValue) => new(name)
    {
        HelpName = "N",
        Description = description,
        CustomParser = result =>
            int.TryParse(Value(result), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                ? v
                : Error<int>(result, (min, max) switch
                {
                    (int.MinValue, int.MaxValue) => $"{name} takes a whole number, not '{Value(result)}'.",
                    (_, int.MaxValue) => $"{name} takes a whole number of at least {min}, not '{Value(result)}'.",
                    _ => $"{name} takes a whole number from {min} to {max}, not '{Value(result)}'.",
                }),
    };

    /// <summary>An option taking a finite number such as 0.05 that keeps its value in the 32-bit floats the optimizer
    /// computes with: a value that would round to 0 there (e.g. 1e-320, which a double holds) or overflow is refused.</summary>
    public static Option<double> Double(string name, string description) => new(name)
    {
        HelpName = "X",
        Description = description,
        CustomParser = result =>
        {
            if (!double.TryParse(Value(result), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            {
                return Error<double>(result, $"{name} takes a number such as 0.05, not '{Value(result)}'.");
            }

            if (v != 0 && (float)v == 0)
            {
                return Error<double>(result,
                    $"{name} {Value(result)} rounds to 0 in the 32-bit floats the optimizer computes with (the smallest they hold is about 1.4e-45); give a number such as 0.05, or 0.");
            }

            return float.IsFinite((float)v)
                ? v
                : Error<double>(result, $"{name} {Value(result)} is too large for the 32-bit floats the optimizer computes with (at most about 3.4e38); give a number such as 0.05.");
        },
    };

    /// <summary>An option that takes <c>true</c> or <c>false</c> (a value is required: it is a setting, not a flag);
    /// read it with <see cref="GetBool"/>. Its values are text, not <see cref="bool"/>: System.CommandLine would leave a
    /// boolean option's value unread when it is neither true nor false (e.g. <c>yes</c>), and report it as an
    /// unexpected argument instead of a bad value of this option.</summary>
    public static Option<string> Bool(string name, string description) => new(name)
    {
        HelpName = "true|false",
        Description = description,
        CustomParser = result => Value(result) switch
        {
            "true" or "false" => Value(result),
            var other => Error<string>(result, $"{name} takes true or false, not '{other}'."),
        },
    };

    /// <summary>The value of an option made by <see cref="Bool"/>.</summary>
    public static bool GetBool(this ParseResult parseResult, Option<string> option) => parseResult.GetValue(option) == "true";

    /// <summary>A flag: given means true; <c>--flag=true</c> and <c>--flag=false</c> are accepted too.</summary>
    public static Option<bool> Flag(string name, string description) => new(name)
    {
        Description = description,
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => result.Tokens.Count == 0
            ? true
            : Value(result) switch
            {
                "true" => true,
                "false" => false,
                _ => Error<bool>(result, $"{name} is a flag; give it without a value."),
            },
    };

    /// <summary>An option taking one of the named <paramref name="choices"/>; the error lists the distinct values' first
    /// names (later names of the same value are accepted spellings).</summary>
    public static Option<T> Choice<T>(string name, string description, params (string Name, T Value)[] choices)
        where T : struct, Enum
    {
        var names = choices.DistinctBy(c => c.Value).Select(c => c.Name).ToArray();
        return new(name)
        {
            HelpName = string.Join('|', names),
            Description = description,
            CustomParser = result =>
            {
                var text = Value(result);
                foreach (var (choice, value) in choices)
                {
                    if (choice == text)
                    {
                        return value;
                    }
                }

                return Error<T>(result, $"{name} takes {string.Join(" or ", names)}, not '{text}'.");
            },
        };
    }

    /// <summary>Whether <paramref name="option"/> was given on the command line (not merely defaulted).</summary>
    public static bool Given(this ParseResult parseResult, Option option) => parseResult.GetResult(option) is { Implicit: false };

    /// <summary>The command-line option of each setting of <see cref="Training.TrainingOptions"/>, for messages.</summary>
    private static readonly Dictionary<string, string> OptionNames = new(StringComparer.Ordinal)
    {
        ["Profile"] = "--profile", ["Data"] = "--data", ["ImageSize"] = "--image-size", ["DropLast"] = "--drop-last", ["Epochs"] = "--epochs",
        ["BatchSize"] = "--batch-size", ["LearningRate"] = "--lr", ["Momentum"] = "--momentum", ["Nesterov"] = "--nesterov",
        ["CycleMomentum"] = "--cycle-momentum", ["WeightDecay"] = "--weight-decay", ["Schedule"] = "--schedule", ["Init"] = "--init",
        ["Precision"] = "--precision", ["Seed"] = "--seed", ["TrainImages"] = "--train-images", ["TestImages"] = "--test-images",
        [nameof(ComparePlan.Nets)] = "--nets", [nameof(ComparePlan.Depths)] = "--depths", [nameof(ComparePlan.Seeds)] = "--seeds",
    };

    /// <summary>The option that sets the <see cref="Training.TrainingOptions"/> property <paramref name="property"/>, or
    /// null when no option does.</summary>
    public static string? OptionName(string property) => OptionNames.GetValueOrDefault(property);

    /// <summary>A choice as the options spell it: the enum value's name in lower case, words joined by '-'
    /// (<c>OneCycle</c>: <c>one-cycle</c>, <c>Fp32</c>: <c>fp32</c>).</summary>
    public static string ChoiceName(Enum value) =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"));

    /// <summary>A difference of <see cref="Training.TrainingOptions.Differences"/> (e.g. <c>LearningRate: checkpoint 0.1, given
    /// 0.2</c>) with the setting's option name (<c>--lr: checkpoint 0.1, given 0.2</c>).</summary>
    public static string WithOptionName(string difference)
    {
        var colon = difference.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && OptionNames.TryGetValue(difference[..colon], out var option) ? option + difference[colon..] : difference;
    }

    /// <summary><paramref name="path"/> as one word of a POSIX shell command: as it is when it holds only safe
    /// characters, else in single quotes.</summary>
    public static string Quote(string path) =>
        path.Length > 0 && path.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+:,@%=".Contains(c, StringComparison.Ordinal))
            ? path
            : "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Value(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : "";

    private static T Error<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }
}
