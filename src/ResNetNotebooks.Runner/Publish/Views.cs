namespace ResNetNotebooks.Runner.Publish;

// The models the page templates (Templates/*.liquid) read. Text is HTML-encoded by the templates; members named Html
// hold HTML the publisher rendered and are written as they are.

/// <summary>A link: where it goes and what it says (<see cref="None"/>: no link; templates read no nulls).</summary>
internal sealed record LinkView(string Href, string Text)
{
    /// <summary>No link (the first lesson's previous, the last one's next).</summary>
    public static readonly LinkView None = new("", "");
}

/// <summary>One edition in the language switch: its label (English, 中文), the same page in it, and whether it is this page's.</summary>
internal sealed record EditionView(string Lang, string Label, string Href, bool Current);

/// <summary>Every page: the frame around a body (page.liquid).</summary>
internal sealed record PageView(string Lang, string Title, string BookTitle, string Root, string Home, bool UsesPlotly,
    LinkView Previous, LinkView Next, IReadOnlyList<EditionView> Editions, string BodyHtml);

/// <summary>
/// A page built from a run that changed the lesson's parameters: the preset (empty for <c>--param</c> values alone) and
/// the values it set. <see cref="Shown"/> is false for a page that ran with the notebook's own defaults.
/// </summary>
internal sealed record BannerView(bool Shown, string Preset, IReadOnlyList<string> Settings)
{
    /// <summary>No banner: the notebook ran with its own defaults.</summary>
    public static readonly BannerView None = new(false, "", []);
}

/// <summary>One output of a code cell: Kind is stream, html, image, png or text.</summary>
internal sealed record OutputView(string Kind, string Text, string Html, string Stream, bool Chart);

/// <summary>One cell of a lesson: Kind is markdown, code or raw.</summary>
internal sealed record CellView(string Kind, string Html, string Source, bool Injected, int Count, IReadOnlyList<OutputView> Outputs, bool Untranslated);

/// <summary>A lesson's page (lesson.liquid).</summary>
internal sealed record LessonView(string Lang, BannerView Banner, IReadOnlyList<CellView> Cells, string Notebook, int Untranslated);

/// <summary>A lesson in the index: its page, title and summary (whole sentences, rendered).</summary>
internal sealed record LessonLinkView(string Href, string Title, string SummaryHtml);

/// <summary>One run the executed copies came from (index.liquid): preset (empty for the notebooks' own defaults).</summary>
internal sealed record RunView(string Preset, string Executed, string Machine, string Commit, int Notebooks, bool Recorded);

/// <summary>A folder of the library in the index and its files' pages.</summary>
internal sealed record FolderView(string Name, IReadOnlyList<LinkView> Files);

/// <summary>The index (index.liquid).</summary>
internal sealed record IndexView(string Lang, string BookTitle, IReadOnlyList<LessonLinkView> Lessons, IReadOnlyList<RunView> Runs,
    IReadOnlyList<string> Presets, IReadOnlyList<FolderView> Library, string Build, int Untranslated);

/// <summary>A page of a repository file (source.liquid): a .cs listing, or a rendered .md.</summary>
internal sealed record SourceView(string File, string Code, string Html, bool IsMarkdown);
