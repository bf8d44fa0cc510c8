using ResNetNotebooks.Runner.Translations;

namespace ResNetNotebooks.Notebooks.Tests.Translations;

/// <summary>The Chinese edition in the repository (translations/zh/) against the English notebooks.</summary>
public sealed class ChineseEditionTests
{
    [Fact]
    public void Every_notebook_markdown_cell_has_a_current_complete_Chinese_translation()
    {
        var problems = TranslationChecker.CheckRepository(Repo.Root, "zh");

        // One line per problem: notebook, cell, kind, first words, fix (as `resnet-notebooks translations check --lang zh` prints).
        Assert.True(problems.Count == 0,
            $"{problems.Count} translation problem(s) in translations/zh:\n" + string.Join("\n", problems));
    }
}
