using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace ResNetNotebooks.Runner;

/// <summary>
/// Which run wrote an executed copy: kept in its metadata under <c>resnet.run</c> (the preset, or null for the
/// notebook's own defaults, the explicit <c>--param</c> overrides, when, on which machine, at which commit), so that
/// the book can say what its pages show. A lesson as committed has none (<c>strip</c> removes it).
/// </summary>
/// <param name="Preset">The preset the run used, or null.</param>
/// <param name="Parameters">The <c>--param</c> overrides, as given.</param>
/// <param name="Executed">When the run finished (UTC).</param>
/// <param name="Machine">The machine's name, operating system and core count.</param>
/// <param name="Commit">The repository's commit (short hash, with "+changes" when the work tree differed), or null outside git.</param>
public sealed record RunRecord(string? Preset, IReadOnlyDictionary<string, string> Parameters, DateTimeOffset Executed, string Machine, string? Commit)
{
    /// <summary>The record of a run with <paramref name="options"/> finishing now, in the repository around <paramref name="folder"/>.</summary>
    public static RunRecord Now(RunOptions options, string folder) =>
        new(options.Preset, options.Parameters, DateTimeOffset.UtcNow,
            $"{Environment.MachineName} ({RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}, {Environment.ProcessorCount} {(Environment.ProcessorCount == 1 ? "core" : "cores")})",
            CurrentCommit(folder));

    /// <summary>Writes the record into <paramref name="notebook"/>'s metadata (<c>resnet.run</c>).</summary>
    public void WriteTo(NotebookDocument notebook)
    {
        var resnet = notebook.Metadata["resnet"] as JsonObject ?? (JsonObject)(notebook.Metadata["resnet"] = new JsonObject());
        var parameters = new JsonObject();
        foreach (var (name, value) in Parameters)
        {
            parameters[name] = value;
        }
        resnet["run"] = new JsonObject
        {
            ["preset"] = Preset,
            ["parameters"] = parameters,
            ["executed"] = Executed.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["machine"] = Machine,
            ["commit"] = Commit,
        };
    }

    /// <summary>The record in <paramref name="notebook"/>'s metadata, or null when it has none (an older copy).</summary>
    public static RunRecord? ReadFrom(NotebookDocument notebook)
    {
        if (notebook.Metadata["resnet"]?["run"] is not JsonObject run)
        {
            return null;
        }
        var parameters = (run["parameters"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "");
        var executed = DateTimeOffset.TryParse(run["executed"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? when : DateTimeOffset.MinValue;
        return new RunRecord(run["preset"]?.GetValue<string>(), parameters, executed, run["machine"]?.GetValue<string>() ?? "",
            run["commit"]?.GetValue<string>());
    }

    /// <summary>Removes the record (the committed form of a lesson has none).</summary>
    public static void RemoveFrom(NotebookDocument notebook) => (notebook.Metadata["resnet"] as JsonObject)?.Remove("run");

    private static string? CurrentCommit(string folder)
    {
        var head = Git(folder, "rev-parse", "--short=12", "HEAD");
        if (head is null)
        {
            return null;
        }
        var changes = Git(folder, "status", "--porcelain", "--untracked-files=no");
        return string.IsNullOrEmpty(changes) ? head : head + "+changes";
    }

    private static string? Git(string folder, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            using var git = Process.Start(start)!;
            var output = git.StandardOutput.ReadToEndAsync();
            git.StandardError.ReadToEndAsync();
            if (!git.WaitForExit(10_000))
            {
                git.Kill(entireProcessTree: true);
                return null;
            }
            return git.ExitCode == 0 ? output.Result.Trim() : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
