using ResNetNotebooks.Training;
using Spectre.Console;

namespace ResNetNotebooks.Cli;

/// <summary>What <c>train</c> and <c>compare</c> say alike about their output folders, in the options a user gives.</summary>
internal static class RunMessages
{
    /// <summary>The fix after a failed write in a run that can be continued.</summary>
    public const string FixAndResume = "free space or fix the folder, then continue with --resume.";

    /// <summary>A failed read or write of the folder (full disk, read-only folder) as a command failure.</summary>
    public static CommandFailedException WriteFailed(Exception e) => new($"{e.Message.TrimEnd('.')}; {FixAndResume}", e);

    /// <summary>An output folder that cannot be written or is held by another run (that message names the holder).</summary>
    public static CommandFailedException CannotOpen(IOException e) =>
        new($"{e.Message.TrimEnd('.')}{(e is RunFolderLockedException ? "" : "; choose another folder with --out")}.", e);

    /// <summary>The usage error of a <c>--resume</c> whose options differ from the settings <paramref name="what"/> in
    /// <paramref name="folder"/> was started with; each difference named by its option.</summary>
    public static string ResumeDiffers(string what, string folder, IEnumerable<string> differences) =>
        $"--resume continues the {what} in {folder} with the settings it was started with, but the options given differ: " +
        $"{string.Join("; ", differences.Select(CliValues.WithOptionName))}. Give only --out and --resume (or the same settings).";

    /// <summary>One line per report where the output is not a terminal (logs, pipes): no wrapping at 80 columns.</summary>
    public static void OneLinePerReport(IAnsiConsole console)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, 200);
        }
    }
}
