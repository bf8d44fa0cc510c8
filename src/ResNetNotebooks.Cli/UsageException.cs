namespace ResNetNotebooks.Cli;

/// <summary>The command line is wrong: the message says what was wrong; the program prints it with the usage and
/// exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
