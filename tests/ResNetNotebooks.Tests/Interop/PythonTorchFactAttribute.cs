using System.Diagnostics;

namespace ResNetNotebooks.Tests.Interop;

/// <summary>
/// A fact that needs Debian's python3-torch (<c>/usr/bin/python3 -c "import torch"</c>); where that fails the test is
/// reported as skipped, with the reason, never as passed. xunit 2.9 has no dynamic skip inside a test
/// (<c>Assert.Skip</c> is xunit v3), so the attribute decides when the tests are discovered.
/// </summary>
public sealed class PythonTorchFactAttribute : FactAttribute
{
    /// <summary>The interpreter: Debian's, which has python3-torch (a <c>python3</c> earlier on PATH may have no torch);
    /// the environment variable <c>RESNET_NOTEBOOKS_PYTHON</c> names another.</summary>
    public static string Python { get; } = Environment.GetEnvironmentVariable("RESNET_NOTEBOOKS_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    private static readonly Lazy<string?> Unavailable = new(Check);

    /// <summary>Skips the test when PyTorch cannot be imported.</summary>
    public PythonTorchFactAttribute()
    {
        if (Unavailable.Value is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>Runs <see cref="Python"/> with <paramref name="arguments"/>; returns the exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, output.Result, error.Result + $"{Python} did not finish within 2 minutes.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    private static string? Check()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is not installed; install Debian's python3-torch (apt-get install python3-torch) to run this test.";
        }

        try
        {
            var (code, _, error) = Run("-c", "import torch");
            return code == 0 ? null : $"{Python} -c \"import torch\" failed ({error.Trim().Split('\n')[^1]}); install python3-torch to run this test.";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"{Python} cannot be started ({e.Message}); install python3-torch to run this test.";
        }
    }
}
