using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>The runner hosts the kernel version that VS Code's Polyglot Notebooks runs (the pinned dotnet-interactive tool).</summary>
public sealed class KernelVersionTests
{
    private static string InformationalVersion(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    [Fact]
    public void The_runners_kernel_is_the_pinned_package_and_the_one_bundled_in_the_pinned_dotnet_interactive_tool()
    {
        var pinned = XDocument.Load(Path.Combine(Repo.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion").Single(e => (string)e.Attribute("Include")! == "Microsoft.DotNet.Interactive")
            .Attribute("Version")!.Value;
        var tool = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, ".config", "dotnet-tools.json")))!["tools"]!["microsoft.dotnet-interactive"]!["version"]!.GetValue<string>();
        using (var restore = Process.Start(new ProcessStartInfo("dotnet", "tool restore") { WorkingDirectory = Repo.Root, RedirectStandardOutput = true })!)
        {
            restore.StandardOutput.ReadToEnd();
            restore.WaitForExit();
            Assert.Equal(0, restore.ExitCode);
        }
        var toolFolder = RestoredToolFolder("microsoft.dotnet-interactive", tool, out var searched);
        Assert.True(toolFolder is not null, $"dotnet-interactive {tool} was restored but is in none of: {string.Join(", ", searched)}");
        var toolKernel = Directory.GetFiles(toolFolder!, "Microsoft.DotNet.Interactive.dll", SearchOption.AllDirectories).First();

        var runnerKernel = InformationalVersion(typeof(Microsoft.DotNet.Interactive.Kernel).Assembly);
        var bundled = FileVersionInfo.GetVersionInfo(toolKernel).ProductVersion!.Split('+')[0];

        Assert.Equal(pinned, runnerKernel);
        Assert.Equal(pinned, bundled);
    }

    /// <summary>
    /// Where <c>dotnet tool run</c> finds a restored local tool, looked up as the SDK does: first its per-user resolver
    /// cache (<c>$DOTNET_CLI_HOME/.dotnet/toolResolverCache/1/&lt;package id&gt;</c>, default home: the user's), whose
    /// entries name the tool's executable, which may lie in another package folder than the current NUGET_PACKAGES
    /// (the folder of an earlier restore); then the package folders a restore writes to (NUGET_PACKAGES, ~/.nuget/packages).
    /// </summary>
    /// <returns>The tool package's folder, or null; <paramref name="searched"/> lists the places looked at.</returns>
    internal static string? RestoredToolFolder(string packageId, string version, out List<string> searched)
    {
        searched = [];
        var home = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") is { Length: > 0 } cliHome
            ? cliHome
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var cache = Path.Combine(home, ".dotnet", "toolResolverCache", "1", packageId);
        searched.Add(cache);
        if (File.Exists(cache) && JsonNode.Parse(File.ReadAllText(cache)) is JsonArray entries)
        {
            foreach (var entry in entries.OfType<JsonObject>())
            {
                if (entry["Version"]?.GetValue<string>() == version && entry["PathToExecutable"]?.GetValue<string>() is { } executable &&
                    File.Exists(executable))
                {
                    return Path.GetDirectoryName(executable);
                }
            }
        }
        foreach (var folder in new[]
                 {
                     Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
                     Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
                 })
        {
            if (string.IsNullOrEmpty(folder))
            {
                continue;
            }
            var package = Path.Combine(folder, packageId, version);
            searched.Add(package);
            if (Directory.Exists(package))
            {
                return package;
            }
        }
        return null;
    }
}
