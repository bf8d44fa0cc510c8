using System.Text.RegularExpressions;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace ResNetNotebooks.Cli;

/// <summary>
/// A wrong command line in one line: what was wrong and the fix (with System.CommandLine's suggestion for a mistyped
/// option or command), then a pointer to the help; exit code 2. Never the whole help text, never a stack trace.
/// </summary>
internal static class UsageErrors
{
    /// <summary>Writes <paramref name="message"/> as the usage error of <paramref name="command"/> and returns exit
    /// code 2.</summary>
    public static int Write(TextWriter stderr, string message, Command command)
    {
        stderr.WriteLine($"{CliApp.Name}: {message}");
        stderr.WriteLine(command is RootCommand
            ? $"Run '{CliApp.Name} --help' for the commands."
            : $"Run '{CliApp.Name} {command.Name} --help' for the options.");
        return CliApp.BadArguments;
    }

    /// <summary>The first problem of a command line that did not parse, in one sentence.</summary>
    public static string Describe(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        var isRoot = command is RootCommand;
        if (parseResult.UnmatchedTokens.Count > 0)
        {
            var token = parseResult.UnmatchedTokens[0];
            var suggestions = Suggestions(parseResult, token);
            var didYouMean = suggestions.Count > 0 ? $"; did you mean {string.Join(" or ", suggestions)}?" : null;
            var names = parseResult.RootCommandResult.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            var commands = names.Count > 1 ? $"{string.Join(", ", names[..^1])} or {names[^1]}" : string.Join("", names);
            return (isRoot, token.StartsWith('-')) switch
            {
                (true, true) => $"unknown option {token}{didYouMean ?? $"; options follow a command ({commands})."}",
                (true, false) => $"unknown command '{token}'{didYouMean ?? $"; use {commands}."}",
                (false, true) => $"unknown option {token} for {command.Name}{didYouMean ?? "."}",
                (false, false) => $"unexpected argument '{token}'; options start with -- (e.g. {Example(command)}).",
            };
        }

        var error = parseResult.Errors[0];
        return error.SymbolResult is OptionResult { Implicit: false, Tokens.Count: 0 } option && option.Option.Arity.MinimumNumberOfValues > 0
            ? $"{option.Option.Name} needs a value."
            : error.Message;
    }

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

    /// <summary>System.CommandLine's typo corrections for <paramref name="token"/>: the names of the command's options
    /// and subcommands closest to it (at most 3 edits away). Its <see cref="ParseErrorAction"/> writes them as a sentence and one name per
    /// line; the names (which hold no spaces) are read back from that text.</summary>
    private static List<string> Suggestions(ParseResult parseResult, string token)
    {
        if (parseResult.Action is not ParseErrorAction action)
        {
            return [];
        }

        using var output = new StringWriter();
        action.ShowHelp = false;
        action.ShowTypoCorrections = true;
        parseResult.Invoke(new InvocationConfiguration { Output = output, Error = TextWriter.Null });
        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries);
        var header = Array.FindIndex(lines, l => l.Contains($"'{token}'", StringComparison.Ordinal) && l.Contains(' ', StringComparison.Ordinal));
        // Options for an option, commands for a command; and the option for a command spelt without its dashes
        // (help: --help), not a short option that happens to be as few edits away from a word (fit: -h).
        return header < 0
            ? []
            : lines.Skip(header + 1)
                .TakeWhile(l => l.Length > 0 && !l.Any(char.IsWhiteSpace))
                .Where(s => s.StartsWith('-') == token.StartsWith('-') || s.TrimStart('-') == token)
                .ToList();
    }

    /// <summary>An option of <paramref name="command"/> as an example, e.g. <c>--profile quick</c>.</summary>
    private static string Example(Command command) =>
        command.Options.FirstOrDefault(o => !o.Hidden && o.HelpName is not null) is { } option
            ? $"{option.Name} {option.HelpName!.Split('|')[0]}"
            : "--help";
}
