using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ResNetNotebooks.Runner.Translations;

namespace ResNetNotebooks.Runner.Publish;

/// <summary>
/// One executed notebook in one edition: its markdown cells in that language (a translation block is used when its
/// cell id matches and its hash is the English cell's; otherwise the English stays, counted in
/// <see cref="Untranslated"/>), its title and index summary, and the preset its run applied, if any.
/// </summary>
internal sealed partial class BookLesson
{
    private BookLesson(NotebookDocument notebook, IReadOnlyDictionary<JsonObject, string> markdown, IReadOnlySet<JsonObject> untranslated,
        string title, string summary, BannerView banner)
    {
        Notebook = notebook;
        Markdown = markdown;
        UntranslatedCells = untranslated;
        Title = title;
        SummaryMarkdown = summary;
        Banner = banner;
    }

    /// <summary>The executed copy.</summary>
    public NotebookDocument Notebook { get; }

    /// <summary>Each markdown cell's text in this edition.</summary>
    public IReadOnlyDictionary<JsonObject, string> Markdown { get; }

    /// <summary>The markdown cells shown in English in a translated edition.</summary>
    public IReadOnlySet<JsonObject> UntranslatedCells { get; }

    /// <summary>How many markdown cells have no current translation (0 in English).</summary>
    public int Untranslated => UntranslatedCells.Count;

    /// <summary>The first heading of the first markdown cell.</summary>
    public string Title { get; }

    /// <summary>The first paragraph under the title, cut to whole sentences (<see cref="WholeSentences"/>).</summary>
    public string SummaryMarkdown { get; }

    /// <summary>Which preset the run applied and what it changed (<see cref="BannerView.None"/> for the notebook's own defaults).</summary>
    public BannerView Banner { get; }

    /// <summary>The page's file name: 01-residual-block.ipynb → 01-residual-block.html.</summary>
    public string PageName => Path.ChangeExtension(Notebook.Name, ".html");

    /// <summary>Reads <paramref name="notebook"/> in English (<paramref name="translation"/> null) or with its translation.</summary>
    public static BookLesson Read(NotebookDocument notebook, TranslationFile? translation)
    {
        var (markdown, untranslated) = translation is not null
            ? translation.Apply(notebook)
            : (notebook.Cells.OfType<JsonObject>().Where(c => NotebookDocument.CellType(c) == "markdown").ToDictionary(c => c, NotebookDocument.Source),
               new HashSet<JsonObject>());
        var first = markdown.Values.FirstOrDefault() ?? "";
        var lines = first.Split('\n');
        var title = lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim()
                    ?? Path.GetFileNameWithoutExtension(notebook.Name);
        var paragraph = string.Join('\n', lines.SkipWhile(l => !l.StartsWith("# ", StringComparison.Ordinal)).Skip(1)
            .SkipWhile(string.IsNullOrWhiteSpace).TakeWhile(l => !string.IsNullOrWhiteSpace(l)));
        return new BookLesson(notebook, markdown, untranslated, title, WholeSentences(paragraph), BannerOf(notebook));
    }

    // A sentence ends at . ! ? (followed by a space or the end, after any closing bracket, quote or emphasis mark)
    // or at a Chinese full stop, exclamation or question mark.
    [GeneratedRegex(@"(?:[.!?][)\]""”’*_]*(?=\s|$))|(?:[。！？][）」”*_]*)")]
    private static partial Regex SentenceEnd();

    /// <summary>
    /// <paramref name="paragraph"/> without a last sentence that ends in a colon (one that introduced a list or code
    /// cell: "In C# with TorchSharp:"), so that a summary ends at the end of a sentence. A paragraph that is one such
    /// sentence keeps its words and ends with a full stop instead.
    /// </summary>
    internal static string WholeSentences(string paragraph)
    {
        var text = paragraph.TrimEnd();
        if (!text.EndsWith(':') && !text.EndsWith('：'))
        {
            return text;
        }
        var ends = SentenceEnd().Matches(text);
        if (ends.Count == 0)
        {
            return text[..^1] + (text.EndsWith('：') ? "。" : ".");
        }
        var last = ends[^1];
        return text[..(last.Index + last.Length)].TrimEnd();
    }

    [GeneratedRegex("""preset "([^"]+)"\)""")]
    private static partial Regex InjectedPreset();

    /// <summary>The banner of a page whose run injected parameters: the preset (from the run record, else from the injected cell) and the values.</summary>
    private static BannerView BannerOf(NotebookDocument notebook)
    {
        var injected = notebook.Cells.OfType<JsonObject>().FirstOrDefault(c => NotebookDocument.Tags(c).Contains(NotebookParameters.InjectedTag));
        if (injected is null)
        {
            return BannerView.None;
        }
        var source = NotebookDocument.Source(injected);
        var preset = RunRecord.ReadFrom(notebook)?.Preset ?? (InjectedPreset().Match(source) is { Success: true } m ? m.Groups[1].Value : "");
        var settings = source.Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal))
            .Select(l => l.TrimEnd(';'))
            .ToList();
        return new BannerView(true, preset, settings);
    }
}
