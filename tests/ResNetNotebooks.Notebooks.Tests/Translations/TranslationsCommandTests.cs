using ResNetNotebooks.Runner;

namespace ResNetNotebooks.Notebooks.Tests.Translations;

/// <summary>The runner's <c>translations</c> command: bad usage is one line and exit code 2.</summary>
public sealed class TranslationsCommandTests
{
    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await RunnerCommandLine.InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Check_of_a_language_without_a_folder_exits_2_naming_the_folder_and_the_languages_there_are()
    {
        var (code, _, error) = await Run("translations", "check", "--lang", "xx");

        Assert.Equal(RunnerCommandLine.BadUsage, code);
        Assert.Contains("translations/xx/", error);
        Assert.Contains("zh", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Check_without_lang_is_bad_usage()
    {
        var (code, _, error) = await Run("translations", "check");

        Assert.Equal(RunnerCommandLine.BadUsage, code);
        Assert.Contains("--lang", error);
        // The help it points to is the subcommand's, by its whole path (it used to say 'resnet-notebooks check --help').
        Assert.StartsWith("resnet-notebooks translations check: ", error);
        Assert.Contains("See 'resnet-notebooks translations check --help'.", error);
    }

    [Fact]
    public async Task A_language_code_that_is_not_one_is_refused()
    {
        var (code, _, error) = await Run("translations", "refresh", "--lang", "../zh");

        Assert.Equal(RunnerCommandLine.BadUsage, code);
        Assert.Contains("'../zh'", error);
    }
}
