using ResNetNotebooks.Runner;
using ResNetNotebooks.Runner.Translations;

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

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task Notebooks_with_an_empty_out_is_bad_usage_and_makes_no_folder(string value)
    {
        var (code, output, error) = await Run("translations", "notebooks", "--lang", "zh", "--out", value);

        // "" used to end in an ArgumentException's stack trace, " " in a folder named " " in the repository.
        Assert.Equal(RunnerCommandLine.BadUsage, code);
        Assert.Contains("--out takes a folder, not an empty value", Assert.Single(error.Trim().Split('\n')));
        Assert.DoesNotContain("Exception", error);
        Assert.Equal("", output);
        Assert.False(Directory.Exists(Path.Combine(Repo.Root, " ")));
    }

    [Fact]
    public void Notebooks_with_out_an_existing_file_beside_notebooks_is_refused_and_the_file_kept()
    {
        var (root, _, _) = TranslationFixture.NewRepository();
        var file = Path.Combine(root, "README.md");
        System.IO.File.WriteAllText(file, "the user's readme");

        var refused = Assert.Throws<OutFolderRefusedException>(() => TranslatedNotebooks.Write(root, "zh", file));

        Assert.Contains($"--out {file} is a file", refused.Message);
        Assert.Contains("notebooks-zh", refused.Message);
        Assert.Equal("the user's readme", System.IO.File.ReadAllText(file));
    }

    [Fact]
    public void Notebooks_refuses_to_replace_a_file_of_a_lessons_name_that_is_not_a_notebook_and_keeps_it()
    {
        var (root, _, _) = TranslationFixture.NewRepository();
        var outFolder = Path.Combine(root, "notebooks-zh");
        Directory.CreateDirectory(outFolder);
        var file = Path.Combine(outFolder, "test.ipynb"); // test.ipynb is a lesson of the fixture's repository
        System.IO.File.WriteAllText(file, "a draft, not yet JSON");

        var refused = Assert.Throws<OutFolderRefusedException>(() => TranslatedNotebooks.Write(root, "zh", outFolder));

        // It used to fail with the parse error ("is not valid JSON"), saying nothing of the file being someone else's.
        Assert.Contains($"{file} is a file this command did not write", refused.Message);
        Assert.Contains("move it away", refused.Message);
        Assert.Equal("a draft, not yet JSON", System.IO.File.ReadAllText(file));
        Assert.Equal(["test.ipynb"], Directory.GetFiles(outFolder).Select(Path.GetFileName));
    }

    [Fact]
    public void Notebooks_refuse_a_folder_that_holds_other_files_such_as_a_source_folder_and_write_nothing_there()
    {
        var (root, _, _) = TranslationFixture.NewRepository();
        var source = Path.Combine(root, ".github");
        Directory.CreateDirectory(Path.Combine(source, "workflows"));
        System.IO.File.WriteAllText(Path.Combine(source, "workflows", "ci.yml"), "on: push");

        var refused = Assert.Throws<OutFolderRefusedException>(() => TranslatedNotebooks.Write(root, "zh", source));

        // It used to write the translated lessons into .github/ beside the workflows.
        Assert.Contains(Path.Combine(source, "workflows"), refused.Message);
        Assert.Contains("notebooks-zh", refused.Message);
        Assert.Equal(["workflows"], Directory.GetFileSystemEntries(source).Select(Path.GetFileName));
    }

    [Fact]
    public void Notebooks_rewrite_their_own_copies_beside_jupyters_checkpoints()
    {
        var (root, _, _) = TranslationFixture.NewRepository();
        var outFolder = Path.Combine(root, "notebooks-zh");
        var first = TranslatedNotebooks.Write(root, "zh", outFolder);
        Directory.CreateDirectory(Path.Combine(outFolder, ".ipynb_checkpoints"));

        var again = TranslatedNotebooks.Write(root, "zh", outFolder);

        Assert.Equal(first.Select(r => r.File), again.Select(r => r.File));
    }
}
