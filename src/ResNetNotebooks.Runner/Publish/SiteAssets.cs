using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ResNetNotebooks.Runner.Publish;

/// <summary>
/// The book's browser libraries: KaTeX, highlight.js and plotly.js from the npm packages pinned in
/// <c>site/package-lock.json</c> (installed with <c>npm ci</c> when site/node_modules is missing or older than the
/// lock file), plus the book's own <c>site/book.css</c> and <c>site/book.js</c>, copied into the site's assets/.
/// </summary>
/// <param name="Modules">site/node_modules.</param>
/// <param name="SiteSources">site/.</param>
/// <param name="PlotlyVersion">The version of the pinned plotly.js.</param>
internal sealed record SiteAssets(string Modules, string SiteSources, string PlotlyVersion)
{
    /// <summary>How long <c>npm ci</c> may take before publish stops it (a first install downloads about 10 MB).</summary>
    public static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Installs the pinned packages if needed (with <paramref name="npm"/>, stopped after <paramref name="timeout"/>) and returns where they are.</summary>
    /// <exception cref="PublishException">npm is missing, fails or does not finish in time; the one-line message says what to do.</exception>
    public static SiteAssets Install(string repository, TextWriter log, string npm = "npm", TimeSpan? timeout = null)
    {
        var site = Path.Combine(repository, "site");
        var modules = Path.Combine(site, "node_modules");
        var installed = Path.Combine(modules, ".package-lock.json");
        if (!File.Exists(installed) || File.GetLastWriteTimeUtc(installed) < File.GetLastWriteTimeUtc(Path.Combine(site, "package-lock.json")))
        {
            log.WriteLine("Installing the site's pinned npm packages (npm ci in site/)...");
            RunNpmCi(site, npm, timeout ?? NpmTimeout);
        }
        var plotly = JsonNode.Parse(File.ReadAllText(Path.Combine(modules, "plotly.js-dist-min", "package.json")))!["version"]!.GetValue<string>();
        return new SiteAssets(modules, site, plotly);
    }

    /// <summary>Runs <c>npm ci</c> in <paramref name="site"/>; a run longer than <paramref name="timeout"/> is ended with its children.</summary>
    internal static void RunNpmCi(string site, string npm, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(npm) { WorkingDirectory = site, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PublishException(
                $"publish: npm is needed once to install the site's pinned libraries (site/package-lock.json) and could not be started ({e.Message}); install Node.js and npm.", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new PublishException(
                    $"publish: npm ci in {site} did not finish within {timeout.TotalSeconds:0} s and was stopped; check that the npm " +
                    "registry is reachable (npm config get registry, proxy settings), then run 'npm ci' in site/ yourself or publish again.");
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                var lines = (stderr.Result + "\n" + stdout.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var cause = lines.FirstOrDefault(l => l.Contains("ERR!", StringComparison.Ordinal) && !l.EndsWith("ERR!", StringComparison.Ordinal))
                            ?? lines.LastOrDefault() ?? "no message";
                throw new PublishException(
                    $"publish: npm ci in {site} failed (exit code {process.ExitCode}: {cause}); fix that and run 'npm ci' in site/ or publish again.");
            }
        }
    }

    /// <summary>Copies what the pages load into <paramref name="target"/> (the site's assets/).</summary>
    public void CopyTo(string target)
    {
        void Copy(string from, string to)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to, overwrite: true);
        }
        var katex = Path.Combine(Modules, "katex", "dist");
        Copy(Path.Combine(katex, "katex.min.js"), Path.Combine(target, "katex", "katex.min.js"));
        Copy(Path.Combine(katex, "katex.min.css"), Path.Combine(target, "katex", "katex.min.css"));
        // Every browser that runs this site reads woff2, the first format katex.min.css names for each font.
        foreach (var font in Directory.GetFiles(Path.Combine(katex, "fonts"), "*.woff2"))
        {
            Copy(font, Path.Combine(target, "katex", "fonts", Path.GetFileName(font)));
        }
        Copy(Path.Combine(katex, "..", "LICENSE"), Path.Combine(target, "katex", "LICENSE"));
        var highlight = Path.Combine(Modules, "@highlightjs", "cdn-assets");
        Copy(Path.Combine(highlight, "highlight.min.js"), Path.Combine(target, "highlight", "highlight.min.js"));
        Copy(Path.Combine(highlight, "languages", "csharp.min.js"), Path.Combine(target, "highlight", "csharp.min.js"));
        Copy(Path.Combine(highlight, "styles", "github.min.css"), Path.Combine(target, "highlight", "github.min.css"));
        Copy(Path.Combine(highlight, "LICENSE"), Path.Combine(target, "highlight", "LICENSE"));
        var plotly = Path.Combine(Modules, "plotly.js-dist-min");
        Copy(Path.Combine(plotly, "plotly.min.js"), Path.Combine(target, "plotly.min.js"));
        Copy(Path.Combine(SiteSources, "book.css"), Path.Combine(target, "book.css"));
        Copy(Path.Combine(SiteSources, "book.js"), Path.Combine(target, "book.js"));
    }
}
