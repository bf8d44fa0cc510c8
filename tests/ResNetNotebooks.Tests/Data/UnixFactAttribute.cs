namespace ResNetNotebooks.Tests.Data;

/// <summary>A fact that needs a POSIX shell (e.g. a shell script standing in for npm); skipped on Windows.</summary>
internal sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Uses a shell script as a stand-in for npm.";
        }
    }
}
