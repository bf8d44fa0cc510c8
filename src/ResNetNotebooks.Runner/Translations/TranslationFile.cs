using System.Text.RegularExpressions;

namespace ResNetNotebooks.Runner.Translations;

/// <summary>
/// A translation of one notebook's markdown cells (translations/&lt;lang&gt;/&lt;notebook&gt;.md): a title line, then
/// one <see cref="TranslationBlock"/> per markdown cell, in notebook order. The format is described in
/// translations/zh/README.md.
/// </summary>
public sealed partial class TranslationFile
{
    private TranslationFile(string path, string header, IReadOnlyList<TranslationBlock> blocks, IReadOnlyList<int> malformedMarkers)
    {
        Path = path;
        Header = header;
        Blocks = blocks;
        MalformedMarkers = malformedMarkers;
    }

    /// <summary>Where the file was read from (or the name given to <see cref="Parse"/>).</summary>
    public string Path { get; }

    /// <summary>Everything before the first marker, e.g. <c># 01-residual-block.ipynb · 中文译文</c>.</summary>
    public string Header { get; }

    /// <summary>The blocks in file order.</summary>
    public IReadOnlyList<TranslationBlock> Blocks { get; }

    /// <summary>
    /// Line numbers (1-based) of lines that start like a marker (<c>&lt;!-- cell:</c>) but do not match its form; their
    /// text counts as part of the block above them.
    /// </summary>
    public IReadOnlyList<int> MalformedMarkers { get; }

    [GeneratedRegex(@"^<!-- cell: (\S+) · en-sha256: ([0-9a-f]{16}) -->$")]
    private static partial Regex MarkerLine();

    /// <summary>Parses the text of a translation file; <paramref name="path"/> only names it.</summary>
    public static TranslationFile Parse(string text, string path)
    {
        var lines = text.Split('\n');
        var header = new List<string>();
        var blocks = new List<TranslationBlock>();
        var malformed = new List<int>();
        (string Id, string Hash, int Line)? current = null;
        var body = new List<string>();

        void Close()
        {
            if (current is { } block)
            {
                blocks.Add(new TranslationBlock(block.Id, block.Hash, string.Join('\n', body).Trim('\n', '\r'), block.Line));
            }
            body.Clear();
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var match = MarkerLine().Match(line);
            if (match.Success)
            {
                Close();
                current = (match.Groups[1].Value, match.Groups[2].Value, i + 1);
                continue;
            }
            if (line.StartsWith("<!-- cell:", StringComparison.Ordinal))
            {
                malformed.Add(i + 1);
            }
            (current is null ? header : body).Add(lines[i]);
        }
        Close();
        return new TranslationFile(path, string.Join('\n', header).Trim('\n', '\r'), blocks, malformed);
    }
}
