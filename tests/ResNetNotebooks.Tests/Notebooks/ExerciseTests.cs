using ResNetNotebooks.Models;
using ResNetNotebooks.Notebooks;

namespace ResNetNotebooks.Tests.Notebooks;

public class ExerciseTests
{
    [Fact]
    public void An_unanswered_exercise_gives_the_hint_but_not_the_answer()
    {
        var verdict = Exercise.Check(null, 230_272, "count every layer");

        Assert.Equal(ExerciseOutcome.NotAnswered, verdict.Outcome);
        Assert.Contains("count every layer", verdict.Message);
        Assert.DoesNotContain("230", verdict.Message);
    }

    [Fact]
    public void A_correct_answer_is_confirmed_with_the_number()
    {
        var verdict = Exercise.Check(230_272, 230_272, "count every layer");

        Assert.Equal(ExerciseOutcome.Correct, verdict.Outcome);
        Assert.Equal("Correct: 230,272.", verdict.Message);
        Assert.Contains("✔", verdict.ToHtml());
    }

    [Fact]
    public void A_wrong_answer_says_too_low_or_too_high_and_repeats_the_hint_without_the_solution()
    {
        var low = Exercise.Check(221_952, 230_272, "biases count");
        var high = Exercise.Check(300_000, 230_272, "biases count");

        Assert.Equal(ExerciseOutcome.Wrong, low.Outcome);
        Assert.Equal("Not quite: 221,952 is too low. Hint: biases count.", low.Message);
        Assert.Contains("too high", high.Message);
        Assert.DoesNotContain("230", high.Message);
    }

    [Fact]
    public void Shape_answers_name_the_first_dimension_that_is_off()
    {
        long[] expected = [1, 256, 6, 6];

        Assert.Equal(ExerciseOutcome.NotAnswered, Exercise.Check(null, expected, "halve it").Outcome);
        Assert.Equal(ExerciseOutcome.Correct, Exercise.Check([1, 256, 6, 6], expected, "halve it").Outcome);
        Assert.Contains("dimension 2 is off", Exercise.Check([1, 256, 12, 12], expected, "halve it").Message);
        Assert.Contains("it has 3 dimensions", Exercise.Check([256, 6, 6], expected, "halve it").Message);
    }
}
