using System.CommandLine;
using ResNetNotebooks.CommandLine;
using ResNetNotebooks.Training;

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

    /// <summary>A library message as a CLI user reads it. A <see cref="TrainingOptionException"/> names each setting by
    /// the option that sets it (<c>--train-images 100</c>, <c>--drop-last true</c>, <c>--schedule one-cycle</c>; "all
    /// images" is leaving the option out); any other message is <see cref="Message"/>.</summary>
    public static string ForCli(ArgumentException e) => e is TrainingOptionException problem
        ? problem.Describe((setting, value) => (CliValues.OptionName(setting.Name), setting.Value) switch
        {
            (null, _) => $"{setting.Name} = {value ?? "null"}",
            (var option, null) => $"leave {option} out",
            (var option, Enum choice) => $"{option} {CliValues.ChoiceName(choice)}",
            var (option, _) => $"{option} {value}",
        })
        : Message(e);
}
