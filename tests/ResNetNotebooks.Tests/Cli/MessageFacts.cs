namespace ResNetNotebooks.Tests.Cli;

/// <summary>Checks a message by the facts a user needs (the file or value, the option, the fix's key words), not by its
/// wording, so that rewording a message does not break a test.</summary>
internal static class MessageFacts
{
    /// <summary>Asserts that <paramref name="message"/> holds every one of <paramref name="facts"/>.</summary>
    public static void AssertHas(string message, params string[] facts)
    {
        foreach (var fact in facts)
        {
            Assert.Contains(fact, message);
        }
    }
}
