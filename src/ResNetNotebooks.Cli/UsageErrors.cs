using System.Text.RegularExpressions;
using System.CommandLine;
using ResNetNotebooks.CommandLine;

namespace ResNetNotebooks.Cli;

/// <summary>
/// A wrong command line in one line, as <see cref="UsageError"/> writes it for both programs (what was wrong, the fix,
/// System.CommandLine's suggestion for a mistyped option or command, a pointer to the help); exit code 2. Never the
/// whole help text, never a stack trace. Library messages are said in the options a CLI user typed.
/// </summary>
internal static class UsageErrors
{
    /// <summary>Writes <paramref name="message"/> as the usage error of <paramref name="command"/> and returns exit
    /// code 2.</summary>
    public static int Write(TextWriter stderr, string message, Command command) => UsageError.Write(stderr, CliApp.Name, command, message);

    /// <summary>The first problem of a command line that did not parse, in one sentence.</summary>
    public static string Describe(ParseResult parseResult) => UsageError.Describe(parseResult);

    /// <summary>The message of <paramref name="e"/> without the parameter name .NET appends to it.</summary>
    public static string Message(ArgumentException e)
    {
        var suffix = $" (Parameter '{e.ParamName}')";
        return e.ParamName is not null && e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
    }

    /// <summary>The command-line option of each <c>TrainingOptions</c> property a library message may name.</summary>
    private static readonly (string Property, string Option)[] OptionNames =
    [
        ("TrainImages", "--train-images"), ("TestImages", "--test-images"), ("BatchSize", "--batch-size"), ("Epochs", "--epochs"),
        ("LearningRate", "--lr"), ("Momentum", "--momentum"), ("WeightDecay", "--weight-decay"), ("ImageSize", "--image-size"),
        ("DropLast", "--drop-last"), ("CycleMomentum", "--cycle-momentum"), ("Nesterov", "--nesterov"), ("Schedule", "--schedule"),
        ("Precision", "--precision"), ("Init", "--init"), ("Data", "--data"),
    ];

    /// <summary>A library message about a training setting said as a CLI user says it: "Training option TrainImages =
    /// 20,000" becomes "--train-images 20,000" (and "DropLast = true" "--drop-last true"), the data splits are "training" and "test" data, and the library's "null"
    /// (all images) is leaving the option out.</summary>
    public static string ForCli(string message)
    {
        foreach (var (property, option) in OptionNames)
        {
            message = Regex.Replace(message, $@"(Training option )?\b{property} = ", $"{option} ", RegexOptions.CultureInvariant);
        }

        return message
            .Replace("the Train data", "the training data", StringComparison.Ordinal)
            .Replace("the Test data", "the test data", StringComparison.Ordinal)
            .Replace(", or null for all.", ", or leave the option out for all.", StringComparison.Ordinal);
    }
}
