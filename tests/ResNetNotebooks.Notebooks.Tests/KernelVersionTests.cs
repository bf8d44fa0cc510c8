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
        // Where the restored tool is: NUGET_PACKAGES when set, but `dotnet tool restore` reuses a copy its per-user
        // resolver cache already knows (in the default folder) instead of downloading it into a new NUGET_PACKAGES.
        var folders = new[]
        {
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        };
        var toolFolder = folders.Where(f => !string.IsNullOrEmpty(f)).Select(f => Path.Combine(f!, "microsoft.dotnet-interactive", tool))
            .FirstOrDefault(Directory.Exists);
        Assert.True(toolFolder is not null, $"dotnet-interactive {tool} was restored but is in none of: {string.Join(", ", folders.Where(f => !string.IsNullOrEmpty(f)))}");
        var toolKernel = Directory.GetFiles(toolFolder!, "Microsoft.DotNet.Interactive.dll", SearchOption.AllDirectories).First();

        var runnerKernel = InformationalVersion(typeof(Microsoft.DotNet.Interactive.Kernel).Assembly);
        var bundled = FileVersionInfo.GetVersionInfo(toolKernel).ProductVersion!.Split('+')[0];

        Assert.Equal(pinned, runnerKernel);
        Assert.Equal(pinned, bundled);
    }
}
