using System.Globalization;

namespace ResNetNotebooks.Cli;

/// <summary>The log file of an unexpected error: the command line, the time and the whole exception with its stack
/// trace, so that the console shows one short message and the details are not lost.</summary>
internal static class CrashLog
{
    /// <summary>The folder of the logs: <c>$TMPDIR/resnet-cli-logs</c> (or the system's temporary folder).</summary>
    public static string Folder => Path.Combine(Path.GetTempPath(), "resnet-cli-logs");

    /// <summary>Writes the log of <paramref name="error"/> and returns the sentence pointing to it (or, if it cannot
    /// be written, the sentence saying why).</summary>
    public static string Write(Exception error, IEnumerable<string> args)
    {
        try
        {
            Directory.CreateDirectory(Folder);
            var path = Path.Combine(Folder, string.Create(CultureInfo.InvariantCulture,
                $"{CliApp.Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}.log"));
            File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture,
                $"{CliApp.Name} {string.Join(' ', args)}\n{DateTime.UtcNow:O}\n\n{error}\n"));
            return $"The details are in {path}; please report them.";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(The details could not be written to {Folder}: {e.Message})";
        }
    }
}
