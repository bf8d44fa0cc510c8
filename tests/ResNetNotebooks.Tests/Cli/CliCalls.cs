using ResNetNotebooks.Cli;
using ResNetNotebooks.Tests.Training;

namespace ResNetNotebooks.Tests.Cli;

/// <summary>What the CLI tests share: running <c>resnet-cli</c> in process with a tiny model, and reading the one line
/// a failed command writes.</summary>
internal static class CliCalls
{
    /// <summary>Runs the CLI with <see cref="TinyRun.Model"/> as the model to train and, optionally, the stop request a
    /// signal would make; returns the exit code and what it wrote.</summary>
    public static (int Code, string Out, string Err) Run(string[] args, StopRequest? stop = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr, TinyRun.Model, stop);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The one line a failed command writes: "resnet-cli: " and the message, no stack trace.</summary>
    public static string OneLine(string error)
    {
        var lines = error.TrimEnd().Split(Environment.NewLine);
        Assert.True(lines.Length == 1, error);
        Assert.StartsWith("resnet-cli: ", lines[0]);
        Assert.DoesNotContain("   at ", error);
        return lines[0]["resnet-cli: ".Length..];
    }

    /// <summary>The one line a wrong command line writes (exit code 2): the command by its whole path (e.g.
    /// "resnet-cli train"), the problem, and a pointer to that command's help; returns the problem.</summary>
    public static string UsageLine(string error, string command)
    {
        var lines = error.TrimEnd().Split(Environment.NewLine);
        Assert.True(lines.Length == 1, error);
        Assert.StartsWith($"{command}: ", lines[0]);
        Assert.EndsWith($" See '{command} --help'.", lines[0]);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Usage:", error);
        return lines[0][$"{command}: ".Length..^$" See '{command} --help'.".Length];
    }
}
