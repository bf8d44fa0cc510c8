namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>
/// A test that trains for minutes: it runs only when the environment variable <c>RESNET_SLOW_TESTS</c> is <c>1</c>
/// (CI sets it in <c>.ci/run</c>) and is reported as skipped otherwise, never as passed.
/// </summary>
public sealed class SlowFactAttribute : FactAttribute
{
    /// <summary>The environment variable that turns slow tests on.</summary>
    public const string Variable = "RESNET_SLOW_TESTS";

    /// <summary>Skips the test unless <see cref="Variable"/> is 1.</summary>
    public SlowFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"slow (trains for minutes); set {Variable}=1 to run it, as .ci/run does";
        }
    }
}
