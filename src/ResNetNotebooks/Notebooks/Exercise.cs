using System.Globalization;
using System.Net;
using ResNetNotebooks.Display;
using ResNetNotebooks.Models;

namespace ResNetNotebooks.Notebooks;

/// <summary>What became of a learner's answer to a notebook exercise.</summary>
public enum ExerciseOutcome
{
    /// <summary>The answer is still the committed placeholder (<c>null</c>).</summary>
    NotAnswered,

    /// <summary>The answer equals the value the library computes.</summary>
    Correct,

    /// <summary>The answer differs from the value the library computes.</summary>
    Wrong,
}

/// <summary>The verdict on an exercise answer, shown as a friendly sentence (never an exception).</summary>
/// <param name="Outcome">Not answered, correct or wrong.</param>
/// <param name="Message">What to tell the learner; a wrong answer gets the hint, never the solution.</param>
public sealed record ExerciseVerdict(ExerciseOutcome Outcome, string Message) : IHtmlRenderable
{
    /// <inheritdoc />
    public string ToHtml()
    {
        var (mark, colour) = Outcome switch
        {
            ExerciseOutcome.Correct => ("✔", "#1b7f3b"),
            ExerciseOutcome.Wrong => ("✘", "#b00020"),
            _ => ("…", "#555555"),
        };
        return $"<p style=\"color:{colour}\"><b>{mark}</b> {WebUtility.HtmlEncode(Message)}</p>";
    }

    /// <inheritdoc />
    public override string ToString() => Message;
}

/// <summary>
/// Checks a learner's answer to a notebook exercise against the value the library computes. The committed notebooks
/// leave the answer <c>null</c>, so a run of the notebook (CI, the headless runner) passes and nothing is given away;
/// the verdict never throws, because a wrong answer is part of learning, not a failed run.
/// </summary>
/// <example>
/// <code>
/// long? answer = null;   // the learner writes a number here
/// Exercise.Check(answer, ParameterCounts.Total(new Residual(64, 128, useProjection: true, stride: 2)),
///                "count conv1, bn1, conv2, bn2 and the 1×1 projection, biases included")
/// </code>
/// </example>
public static class Exercise
{
    private const string HowToAnswer = "set answer in the cell above and run both cells again";

    /// <summary>Checks a numeric answer (a parameter count, a number of multiply-adds, …).</summary>
    /// <param name="answer">The learner's answer; <c>null</c> when not answered yet.</param>
    /// <param name="expected">The value the library computes.</param>
    /// <param name="hint">A hint shown while the answer is missing or wrong.</param>
    /// <returns>The verdict.</returns>
    public static ExerciseVerdict Check(long? answer, long expected, string hint)
    {
        if (answer is not { } given)
        {
            return new(ExerciseOutcome.NotAnswered, $"No answer yet: {HowToAnswer}. Hint: {hint}.");
        }

        if (given == expected)
        {
            return new(ExerciseOutcome.Correct, $"Correct: {N(expected)}.");
        }

        var direction = given < expected ? "too low" : "too high";
        return new(ExerciseOutcome.Wrong, $"Not quite: {N(given)} is {direction}. Hint: {hint}.");
    }

    /// <summary>Checks a shape answer, e.g. <c>[1, 256, 6, 6]</c>.</summary>
    /// <param name="answer">The learner's shape; <c>null</c> when not answered yet.</param>
    /// <param name="expected">The shape the library computes.</param>
    /// <param name="hint">A hint shown while the answer is missing or wrong.</param>
    /// <returns>The verdict.</returns>
    public static ExerciseVerdict Check(long[]? answer, long[] expected, string hint)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (answer is null)
        {
            return new(ExerciseOutcome.NotAnswered, $"No answer yet: {HowToAnswer}. Hint: {hint}.");
        }

        if (answer.SequenceEqual(expected))
        {
            return new(ExerciseOutcome.Correct, $"Correct: {ShapeText.Of(expected)}.");
        }

        var which = answer.Length != expected.Length
            ? $"it has {answer.Length} dimensions, the output has {expected.Length}"
            : $"dimension {Enumerable.Range(0, answer.Length).First(i => answer[i] != expected[i])} is off";
        return new(ExerciseOutcome.Wrong, $"Not quite: {ShapeText.Of(answer)}: {which}. Hint: {hint}.");
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
