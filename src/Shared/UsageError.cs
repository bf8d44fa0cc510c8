using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace ResNetNotebooks.CommandLine;

/// <summary>
/// A wrong command line in one line on stderr, the same for resnet-cli and resnet-notebooks (this file is compiled
/// into both): <c>resnet-cli train: unknown option --epoch; did you mean --epochs? See 'resnet-cli train --help'.</c>,
/// exit code 2. The problem comes from System.CommandLine's parse result, the suggestion from its typo corrections.
/// </summary>
internal static class UsageError
{
    /// <summary>Exit code: the command line is wrong.</summary>
    public const int ExitCode = 2;

    /// <summary>Writes the first problem of <paramref name="parse"/> (a parse with errors) as a usage error; returns 2.</summary>
    public static int Write(TextWriter error, string program, ParseResult parse) =>
        Write(error, program, parse.CommandResult.Command, Describe(parse));

    /// <summary>Writes <paramref name="message"/> as a usage error of <paramref name="command"/>, with a pointer to its
    /// help by the command's whole path (e.g. <c>resnet-notebooks translations check --help</c>); returns 2.</summary>
    public static int Write(TextWriter error, string program, Command command, string message)
    {
        var path = string.Join(' ', Path(command).Prepend(program));
        message = message.TrimEnd();
        error.WriteLine($"{path}: {message}{(message.EndsWith('.') || message.EndsWith('?') ? "" : ".")} See '{path} --help'.");
        return ExitCode;
    }

    /// <summary>The first problem of a command line that did not parse, in one sentence: an unknown option or command
    /// (with System.CommandLine's closest names), a missing command or value, or the first error's own message.</summary>
    public static string Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var commands = Names(command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList());
        if (parse.UnmatchedTokens.Count > 0)
        {
            var token = parse.UnmatchedTokens[0];
            var suggestions = Suggestions(parse, token);
            if (suggestions.Count == 0 && token.StartsWith("--", StringComparison.Ordinal) && token.IndexOf('=') is > 2 and var equals)
            {
                // --name=value: System.CommandLine compares the whole token; suggest for the name alone.
                var name = token[..equals];
                var tokens = parse.Tokens.Select(t => t.Value == token ? name : t.Value).ToArray();
                suggestions = Suggestions(parse.RootCommandResult.Command.Parse(tokens), name);
            }

            var didYouMean = suggestions.Count > 0 ? $"; did you mean {string.Join(" or ", suggestions)}?" : null;
            return (token.StartsWith('-'), commands.Length > 0) switch
            {
                (true, true) => $"unknown option {token}{didYouMean ?? $"; options follow a command ({commands})."}",
                (true, false) => $"unknown option {token}{didYouMean ?? "."}",
                (false, true) => $"unknown command '{token}'{didYouMean ?? $"; use {commands}."}",
                (false, false) => $"unexpected argument '{token}'{didYouMean ?? (command.Arguments.Count > 0 ? "." : $"; options start with -- (e.g. {Example(command)}).")}",
            };
        }

        // System.CommandLine's condition for "Required command was not provided.".
        if (commands.Length > 0 && command.Action is null)
        {
            return $"no command given; use {commands}.";
        }

        return parse.Errors[0] switch
        {
            { SymbolResult: OptionResult { Implicit: false, Tokens.Count: 0 } option } when option.Option.Arity.MinimumNumberOfValues > 0 =>
                $"{option.Option.Name} needs a value.",
            { SymbolResult: ArgumentResult { Tokens.Count: 0, Parent: CommandResult } argument } when argument.Argument.Arity.MinimumNumberOfValues > 0 =>
                $"{command.Name} needs {argument.Argument.Name}.",
            var error => error.Message,
        };
    }

    /// <summary>
    /// Makes an argument that takes file names leave a token that looks like an option (starts with '-', does not end
    /// in .ipynb) and the tokens after it unmatched, so that a mistyped option (<c>--presett ci</c>) is reported as an
    /// unknown option with System.CommandLine's suggestion instead of being taken for a file name.
    /// </summary>
    public static void LeaveOptionsUnmatched(Argument<string[]> argument) =>
        argument.CustomParser = result =>
        {
            var names = result.Tokens.Select(t => t.Value)
                .TakeWhile(v => !v.StartsWith('-') || v.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase))
                .ToArray();
            result.OnlyTake(names.Length);
            return names;
        };

    /// <summary>
    /// System.CommandLine's typo corrections for <paramref name="token"/>: the command's options and subcommands
    /// closest to it (at most 3 edits). Version 2.0.0 computes them only inside <see cref="ParseErrorAction"/>, which
    /// writes a sentence naming the token and then one name per line; the names are read back from that output. Only
    /// options are offered for an option and commands for a command, except an option spelt without its dashes
    /// (<c>help</c>: <c>--help</c>).
    /// </summary>
    public static IReadOnlyList<string> Suggestions(ParseResult parse, string token)
    {
        if (parse.Action is not ParseErrorAction action)
        {
            return [];
        }

        using var output = new StringWriter();
        (action.ShowHelp, action.ShowTypoCorrections) = (false, true);
        parse.Invoke(new InvocationConfiguration { Output = output, Error = TextWriter.Null, EnableDefaultExceptionHandler = false });
        var command = parse.CommandResult.Command;
        var names = command.Children.Where(s => s is Option or Command)
            .SelectMany(s => s is Option o ? o.Aliases.Prepend(o.Name) : ((Command)s).Aliases.Prepend(s.Name))
            .ToHashSet(StringComparer.Ordinal);
        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries);
        var header = Array.FindIndex(lines, l => l.Contains($"'{token}'", StringComparison.Ordinal));
        return header < 0
            ? []
            : lines.Skip(header + 1).TakeWhile(names.Contains)
                .Where(s => s.StartsWith('-') == token.StartsWith('-') || s.TrimStart('-') == token)
                .ToList();
    }

    /// <summary>The names of the commands from the root's child down to <paramref name="command"/>.</summary>
    private static IEnumerable<string> Path(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return names;
    }

    /// <summary>"a, b or c".</summary>
    private static string Names(IReadOnlyList<string> names) =>
        names.Count > 1 ? $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}" : string.Join("", names);

    /// <summary>An option of <paramref name="command"/> as an example, e.g. <c>--profile quick</c>.</summary>
    private static string Example(Command command) =>
        command.Options.FirstOrDefault(o => !o.Hidden && o.HelpName is not null) is { } option
            ? $"{option.Name} {option.HelpName!.Split('|')[0]}"
            : "--help";
}
