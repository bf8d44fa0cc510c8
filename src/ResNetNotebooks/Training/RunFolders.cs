using ResNetNotebooks.Data;

namespace ResNetNotebooks.Training;

/// <summary>Where training runs keep their files unless told otherwise: <c>artifacts/runs/&lt;name&gt;/</c> in the
/// repository (ignored by git).</summary>
public static class RunFolders
{
    /// <summary>The folder for the run called <paramref name="name"/>, e.g. <c>…/artifacts/runs/quick</c>.</summary>
    /// <param name="name">A folder name, e.g. the profile.</param>
    /// <param name="startDirectory">Where to start looking for the repository (default: the current directory).</param>
    /// <exception cref="DirectoryNotFoundException">Not inside the repository (see <see cref="DataFolder.Find"/>).</exception>
    public static string For(string name, string? startDirectory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var repository = Path.GetDirectoryName(DataFolder.Find(startDirectory))!;
        return Path.Combine(repository, "artifacts", "runs", name);
    }
}
