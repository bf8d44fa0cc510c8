using System.CommandLine;
using System.Text.RegularExpressions;

namespace ResNetNotebooks.Runner.Translations;

/// <summary>
/// <c>resnet-notebooks translations check|refresh --lang zh</c>: checks the translations of the notebooks' markdown
/// cells against the English (exit 1 with one line per problem), or refreshes their skeletons.
/// </summary>
public static partial class TranslationsCommand
{
    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]+)?$")]
    private static partial Regex LanguageName();

    /// <summary>The <c>translations</c> command with its <c>check</c> and <c>refresh</c> subcommands.</summary>
    public static Command Create()
    {
        var check = new Command("check",
            "Reports every markdown cell whose translation is missing, stale (the English changed), orphaned, out of order, " +
            "without Chinese (zh), or lost a link or a formula, one line each with the fix. Exit code 0 when there is none, 1 otherwise.");
        var refresh = new Command("refresh",
            "Rewrites translations/LANG/*.md to one block per markdown cell in notebook order: keeps current translations, " +
            "adds new or changed cells with the English under a TODO-EN line, drops blocks of removed cells.");
        foreach (var command in new[] { check, refresh })
        {
            var language = LanguageOption();
            command.Options.Add(language);
            var isCheck = command == check;
            command.SetAction(parse => Invoke(isCheck, parse.GetValue(language)!,
                parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        }
        return new Command("translations", "Checks or refreshes the translations of the notebooks' markdown cells (translations/LANG/), or writes translated notebooks.")
        {
            check, refresh, NotebooksCommand(),
        };
    }

    /// <summary>The required <c>--lang LANG</c> option, refusing a value that is not a language code.</summary>
    private static Option<string> LanguageOption()
    {
        var language = new Option<string>("--lang")
        {
            HelpName = "LANG",
            Description = "The language's folder under translations/, e.g. zh.",
            Required = true,
        };
        language.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } name && !LanguageName().IsMatch(name))
            {
                result.AddError($"--lang takes a language code such as zh or pt-BR, not '{name}'.");
            }
        });
        return language;
    }

    /// <summary><c>translations notebooks --lang zh [--out notebooks-zh]</c>: writes the lessons with their markdown translated.</summary>
    private static Command NotebooksCommand()
    {
        var language = LanguageOption();
        var outFolder = RunnerCommandLine.NotEmpty(new Option<string?>("--out")
        {
            HelpName = "FOLDER",
            Description = "Where the notebooks go (default: notebooks-LANG/ in the repository; it must sit beside notebooks/, whose relative paths the lessons use).",
        });
        var command = new Command("notebooks",
            "Writes the lessons with their markdown cells in LANG (code cells unchanged, no outputs) to run in VS Code or Jupyter; " +
            "cells whose translation is missing or stale stay in English and are counted.")
        {
            language, outFolder,
        };
        command.SetAction(parse =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var lang = parse.GetValue(language)!;
            var repo = RunnerCommandLine.RepositoryRoot();
            if (repo is null)
            {
                error.WriteLine("resnet-notebooks translations notebooks: no repository found above the current folder (looked for " +
                                "ResNetNotebooks.sln); run it inside the repository.");
                return RunnerCommandLine.BadUsage;
            }
            if (!Directory.Exists(Path.Combine(repo, "translations", lang)))
            {
                error.WriteLine($"resnet-notebooks translations notebooks: there is no translations/{lang}/ folder; --lang names one of " +
                                $"{string.Join(", ", Directory.GetDirectories(Path.Combine(repo, "translations")).Select(Path.GetFileName).Order(StringComparer.Ordinal))}.");
                return RunnerCommandLine.BadUsage;
            }
            try
            {
                var results = TranslatedNotebooks.Write(repo, lang, parse.GetValue(outFolder) ?? Path.Combine(repo, $"notebooks-{lang}"));
                foreach (var result in results)
                {
                    output.WriteLine($"{Path.GetRelativePath(repo, result.File)}: {result.MarkdownCells - result.English} of {result.MarkdownCells} markdown cells in {lang}" +
                                     (result.English > 0 ? $", {result.English} left in English (run 'translations check --lang {lang}')" : ""));
                }
                return RunnerCommandLine.Success;
            }
            catch (OutFolderRefusedException e)
            {
                error.WriteLine($"resnet-notebooks translations notebooks: {e.Message}");
                return RunnerCommandLine.BadUsage;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"resnet-notebooks translations notebooks: {e.Message}");
                return RunnerCommandLine.NotebookFailed;
            }
        });
        return command;
    }

    private static int Invoke(bool check, string language, TextWriter output, TextWriter error)
    {
        var name = check ? "check" : "refresh";
        var repo = RunnerCommandLine.RepositoryRoot();
        if (repo is null)
        {
            error.WriteLine($"resnet-notebooks translations {name}: no repository found above the current folder (looked for " +
                            "ResNetNotebooks.sln); run it inside the repository.");
            return RunnerCommandLine.BadUsage;
        }
        var folder = Path.Combine(repo, "translations", language);
        if (!Directory.Exists(folder))
        {
            var known = Directory.Exists(Path.Combine(repo, "translations"))
                ? Directory.GetDirectories(Path.Combine(repo, "translations")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()
                : [];
            error.WriteLine($"resnet-notebooks translations {name}: there is no translations/{language}/ folder; the languages " +
                            $"are {(known.Count == 0 ? "none yet" : string.Join(", ", known))} (to start a new one, create the " +
                            "folder and run refresh).");
            return RunnerCommandLine.BadUsage;
        }
        try
        {
            return check ? Check(repo, language, output) : Refresh(repo, folder, language, output);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"resnet-notebooks translations {name}: {e.Message}");
            return RunnerCommandLine.NotebookFailed;
        }
    }

    private static int Check(string repo, string language, TextWriter output)
    {
        var problems = TranslationChecker.CheckRepository(repo, language);
        foreach (var problem in problems)
        {
            output.WriteLine(problem);
        }
        if (problems.Count == 0)
        {
            output.WriteLine($"translations/{language}: every markdown cell is translated and current.");
            return RunnerCommandLine.Success;
        }
        var counts = problems.GroupBy(p => p.KindName).Select(g => $"{g.Count()} {g.Key}");
        output.WriteLine($"translations/{language}: {problems.Count} problem(s): {string.Join(", ", counts)}.");
        return RunnerCommandLine.NotebookFailed;
    }

    private static int Refresh(string repo, string folder, string language, TextWriter output)
    {
        foreach (var result in TranslationSkeleton.Refresh(Path.Combine(repo, "notebooks"), folder, language))
        {
            output.WriteLine($"{Path.GetRelativePath(repo, result.File)}: {result.Blocks} blocks, {result.Placeholders} to translate" +
                             (result.Changed ? " (written)" : " (unchanged)"));
        }
        return RunnerCommandLine.Success;
    }
}
