namespace ResNetNotebooks.Native;

/// <summary>
/// TorchSharp's native libraries cannot be made to load on this machine. The message says why, in plain language,
/// and what to do about it.
/// </summary>
public sealed class TorchSharpSetupException : Exception
{
    /// <summary>Creates the exception with a plain-language message.</summary>
    public TorchSharpSetupException(string message, Exception? inner = null) : base(message, inner) { }
}
