using System.Text;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Data;

/// <summary>
/// A <c>SHA256SUMS</c> file: one line per file, "&lt;sha256&gt;  &lt;file name&gt;", the format <c>sha256sum</c>
/// prints and <c>sha256sum -c SHA256SUMS</c> checks. <see cref="FashionMnist.Load"/> verifies the files it reads
/// against the manifest in their folder, if there is one.
/// </summary>
public static class ChecksumManifest
{
    /// <summary>The manifest's file name.</summary>
    public const string FileName = "SHA256SUMS";

    /// <summary>Reads the manifest in <paramref name="folder"/>; null if there is none.</summary>
    /// <param name="folder">The folder holding the files and the manifest.</param>
    /// <returns>Expected SHA-256 by file name (no folder).</returns>
    /// <exception cref="DataFileException">A line is not "&lt;64 hex digits&gt;  &lt;name&gt;".</exception>
    public static IReadOnlyDictionary<string, FileChecksum>? Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var checksums = new Dictionary<string, FileChecksum>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            // sha256sum writes "<hex>  <name>" (text mode) or "<hex> *<name>" (binary mode).
            string[] parts = line.Split(' ', 2);
            if (parts.Length != 2 || parts[0].Length != 64 || !parts[0].All(Uri.IsHexDigit))
            {
                throw new DataFileException(path,
                    $"line {lineNumber} is \"{line}\", expected \"<64 hex digits>  <file name>\" as sha256sum prints.",
                    $"delete {FileName} (files are then loaded without verification) or regenerate it with `sha256sum *.gz > {FileName}`.");
            }

            checksums[parts[1].TrimStart(' ', '*')] = FileChecksum.Sha256(parts[0]);
        }

        return checksums;
    }

    /// <summary>Computes the SHA-256 of each named file in <paramref name="folder"/> and writes the manifest there
    /// (atomically), in the order given.</summary>
    /// <param name="folder">The folder holding the files.</param>
    /// <param name="fileNames">File names (no folder) to list.</param>
    public static void Write(string folder, IEnumerable<string> fileNames)
    {
        var text = new StringBuilder();
        foreach (string name in fileNames)
        {
            text.Append(FileChecksum.ComputeSha256(Path.Combine(folder, name))).Append("  ").Append(name).Append('\n');
        }

        AtomicFile.Write(Path.Combine(folder, FileName), stream => stream.Write(Encoding.ASCII.GetBytes(text.ToString())));
    }
}
