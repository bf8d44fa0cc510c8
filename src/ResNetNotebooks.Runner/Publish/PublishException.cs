namespace ResNetNotebooks.Runner.Publish;

/// <summary>
/// The book cannot be published from what is on disk (an executed copy missing, unexecuted or holding an error, npm
/// failing, the site not writable); the one-line message says what was wrong and what to do. Nothing was replaced.
/// </summary>
public class PublishException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    /// <param name="message">What was wrong and what to do, starting with "publish: ".</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public PublishException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>
/// <c>--out</c> or <c>--from</c> names a folder publish must not use (the repository, the lessons, a folder it did
/// not write, a missing folder): a usage error. The message names the folder and what to give instead.
/// </summary>
public sealed class PublishFolderRefusedException(string message) : PublishException(message);
