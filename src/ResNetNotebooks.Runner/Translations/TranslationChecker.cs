namespace ResNetNotebooks.Runner.Translations;

/// <summary>
/// Compares translations with the English notebooks. Every markdown cell must have exactly one block, in notebook
/// order, carrying the hash of the cell's current source, with Chinese text that keeps the cell's link targets and its
/// display math. Each problem is one <see cref="TranslationProblem"/> naming the notebook, the cell, the kind and the fix.
/// </summary>
public static class TranslationChecker
{
    /// <summary>The command that writes missing blocks (with the English as placeholder) and drops orphans.</summary>
    public static string RefreshCommand(string? language) => $"resnet-notebooks translations refresh --lang {language ?? "LANG"}";

    /// <summary>Checks the translations of the repository at <paramref name="root"/> in <paramref name="language"/> (translations/&lt;language&gt;/).</summary>
    public static IReadOnlyList<TranslationProblem> CheckRepository(string root, string language) =>
        CheckFolder(Path.Combine(root, "notebooks"), Path.Combine(root, "translations", language), root);

    /// <summary>
    /// Checks every notebook in <paramref name="notebooksFolder"/> against its translation file in
    /// <paramref name="translationsFolder"/> (same name, <c>.md</c>), and reports translation files without a notebook.
    /// Files whose name is all capitals (README.md, GLOSSARY.md) are documentation, not translations.
    /// </summary>
    /// <param name="notebooksFolder">The English notebooks (*.ipynb).</param>
    /// <param name="translationsFolder">One language's translation files.</param>
    /// <param name="displayRoot">Paths in the report are relative to this folder.</param>
    /// <exception cref="InvalidDataException">A notebook is not a valid notebook file (the message names it).</exception>
    public static IReadOnlyList<TranslationProblem> CheckFolder(string notebooksFolder, string translationsFolder, string displayRoot)
    {
        var problems = new List<TranslationProblem>();
        var language = Path.GetFileName(Path.TrimEndingDirectorySeparator(translationsFolder));
        var notebooks = Directory.GetFiles(notebooksFolder, "*.ipynb").Order(StringComparer.Ordinal).ToList();
        foreach (var notebookPath in notebooks)
        {
            var file = TranslationFilePath(translationsFolder, notebookPath);
            var shown = Path.GetRelativePath(displayRoot, file);
            var translation = File.Exists(file) ? TranslationFile.Parse(File.ReadAllText(file), shown) : null;
            problems.AddRange(Check(NotebookDocument.Load(notebookPath), translation, shown, language));
        }
        var stems = notebooks.Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(translationsFolder, "*.md").Order(StringComparer.Ordinal))
        {
            var stem = Path.GetFileNameWithoutExtension(file);
            if (!stems.Contains(stem) && !IsDocumentation(stem))
            {
                problems.Add(new TranslationProblem(stem + ".ipynb", "", TranslationProblemKind.Orphan, "", Path.GetRelativePath(displayRoot, file),
                    $"there is no notebook {stem}.ipynb in {Path.GetRelativePath(displayRoot, notebooksFolder)}; rename the file to " +
                    "its notebook's name, or delete it if the notebook was removed."));
            }
        }
        return problems;
    }

    /// <summary>The translation file of a notebook: translations/&lt;lang&gt;/&lt;notebook's name&gt;.md.</summary>
    public static string TranslationFilePath(string translationsFolder, string notebookPath) =>
        Path.Combine(translationsFolder, Path.GetFileNameWithoutExtension(notebookPath) + ".md");

    /// <summary>Whether a .md file in a translations folder is documentation (README, GLOSSARY: a name in capitals).</summary>
    public static bool IsDocumentation(string stem) => stem.Length > 0 && stem.All(c => char.IsUpper(c) || c == '_' || c == '-');

    /// <summary>Checks one notebook's translation.</summary>
    /// <param name="notebook">The English notebook.</param>
    /// <param name="translation">Its translation, or null when the file does not exist (every markdown cell is then missing).</param>
    /// <param name="location">How the report names the translation file (e.g. <c>translations/zh/01-residual-block.md</c>).</param>
    /// <param name="language">The language's folder name, for the fixes that name a command (null: LANG).</param>
    public static IReadOnlyList<TranslationProblem> Check(NotebookDocument notebook, TranslationFile? translation, string location, string? language = null) =>
        Check(notebook.Name, EnglishCell.CellsOf(notebook), translation, location, language);

    /// <summary>Checks one notebook's translation, given the notebook's cells.</summary>
    /// <param name="notebookName">The notebook's file name, for the report.</param>
    /// <param name="cells">Every cell of the notebook in order: id, type (markdown, code, raw) and source.</param>
    /// <param name="translation">Its translation, or null when the file does not exist.</param>
    /// <param name="location">How the report names the translation file.</param>
    /// <param name="language">The language's folder name, for the fixes that name a command (null: LANG). The
    /// <see cref="TranslationProblemKind.NoChinese"/> check runs for zh, zh-* and null.</param>
    public static IReadOnlyList<TranslationProblem> Check(
        string notebookName, IReadOnlyList<(string Id, string CellType, string Source)> cells, TranslationFile? translation, string location,
        string? language = null)
    {
        var problems = new List<TranslationProblem>();
        var markdown = EnglishCell.MarkdownCellsOf(cells);
        var markdownIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < markdown.Count; i++)
        {
            markdownIndex.TryAdd(markdown[i].Id, i);
        }
        var cellById = new Dictionary<string, (string Id, string CellType, string Source)>(StringComparer.Ordinal);
        foreach (var cell in cells)
        {
            cellById.TryAdd(cell.Id, cell);
        }

        TranslationProblem Problem(string cellId, TranslationProblemKind kind, string firstWords, int? line, string detail) =>
            new(notebookName, cellId, kind, firstWords, line is { } l ? $"{location}:{l}" : location, detail);

        var blockOf = new Dictionary<string, TranslationBlock>(StringComparer.Ordinal);
        var inFileOrder = new List<(TranslationBlock Block, int Index)>();
        foreach (var line in translation?.MalformedMarkers ?? [])
        {
            problems.Add(Problem("", TranslationProblemKind.MalformedMarker, "", line,
                $"this line starts like a marker but is not {TranslationBlock.MarkerFor("ID", "HASH")} (HASH: " +
                $"{EnglishCell.HashLength} lower-case hex digits); fix the marker, or the block's text runs into the block above."));
        }
        foreach (var block in translation?.Blocks ?? [])
        {
            if (!cellById.TryGetValue(block.CellId, out var cell))
            {
                problems.Add(Problem(block.CellId, TranslationProblemKind.Orphan, EnglishCell.FirstWordsOf(block.Text), block.Line,
                    $"{notebookName} has no cell {block.CellId}; delete the block (the cell was removed) or correct its id."));
            }
            else if (cell.CellType != "markdown")
            {
                problems.Add(Problem(block.CellId, TranslationProblemKind.Orphan, EnglishCell.FirstWordsOf(cell.Source), block.Line,
                    $"cell {block.CellId} is a {cell.CellType} cell, and only markdown cells are translated; delete the block."));
            }
            else if (blockOf.TryGetValue(block.CellId, out var first))
            {
                problems.Add(Problem(block.CellId, TranslationProblemKind.Duplicate, EnglishCell.FirstWordsOf(cell.Source), block.Line,
                    $"a second block for this cell (the first is at line {first.Line}); keep one."));
            }
            else
            {
                blockOf[block.CellId] = block;
                inFileOrder.Add((block, markdownIndex[block.CellId]));
            }
        }

        var inOrder = LongestIncreasingRun(inFileOrder.Select(b => b.Index).ToList());
        for (var i = 0; i < inFileOrder.Count; i++)
        {
            if (!inOrder.Contains(i))
            {
                var (block, index) = inFileOrder[i];
                var after = index == 0 ? "the title, before every other block" : $"the block of cell {markdown[index - 1].Id}";
                problems.Add(Problem(block.CellId, TranslationProblemKind.OutOfOrder, markdown[index].FirstWords, block.Line,
                    $"the blocks follow the notebook's order of cells; move this block to just after {after}."));
            }
        }

        foreach (var cell in markdown)
        {
            if (translation is null)
            {
                problems.Add(Problem(cell.Id, TranslationProblemKind.Missing, cell.FirstWords, null,
                    $"the translation file does not exist; {RefreshCommand(language)} writes it with the English as placeholders."));
            }
            else if (!blockOf.TryGetValue(cell.Id, out var block))
            {
                problems.Add(Problem(cell.Id, TranslationProblemKind.Missing, cell.FirstWords, null,
                    $"no block for this markdown cell; add {TranslationBlock.MarkerFor(cell.Id, cell.Hash)} and its translation " +
                    $"({RefreshCommand(language)} adds the block with the English as placeholder)."));
            }
            else if (block.IsPlaceholder)
            {
                problems.Add(Problem(cell.Id, TranslationProblemKind.Missing, cell.FirstWords, block.Line,
                    $"the block still holds the English ({TranslationBlock.Placeholder}); translate the cell, remove the " +
                    $"{TranslationBlock.Placeholder} line" + (block.EnglishHash == cell.Hash ? "." : $" and update its hash to {cell.Hash}.")));
            }
            else if (block.EnglishHash != cell.Hash)
            {
                problems.Add(Problem(cell.Id, TranslationProblemKind.Stale, cell.FirstWords, block.Line,
                    $"the English changed after translation (the block was translated from {block.EnglishHash}); retranslate " +
                    $"the cell and update its hash to {cell.Hash}."));
            }
            else
            {
                problems.AddRange(CheckTranslated(cell, block, language is null || language.StartsWith("zh", StringComparison.Ordinal), Problem));
            }
        }
        return problems;
    }

    /// <summary>The checks of a translated, current block: Chinese text (for zh), the English cell's links and display math kept.</summary>
    private static IEnumerable<TranslationProblem> CheckTranslated(EnglishCell cell, TranslationBlock block, bool chinese,
        Func<string, TranslationProblemKind, string, int?, string, TranslationProblem> problem)
    {
        if (chinese && !MarkdownFeatures.HasChinese(block.Text))
        {
            yield return problem(cell.Id, TranslationProblemKind.NoChinese, cell.FirstWords, block.Line,
                "the block has no Chinese character; translate the cell.");
        }
        var english = MarkdownFeatures.LinkTargets(cell.Source);
        var translated = MarkdownFeatures.LinkTargets(block.Text);
        foreach (var target in english.Where(t => !translated.Contains(t)).Order(StringComparer.Ordinal))
        {
            yield return problem(cell.Id, TranslationProblemKind.LostLink, cell.FirstWords, block.Line,
                $"the English links to {target} and the translation does not; keep every link target unchanged.");
        }
        foreach (var target in translated.Where(t => !english.Contains(t)).Order(StringComparer.Ordinal))
        {
            yield return problem(cell.Id, TranslationProblemKind.ExtraLink, cell.FirstWords, block.Line,
                $"the translation links to {target}, which the English does not; use the English cell's link targets.");
        }
        var (englishMath, translatedMath) = (MarkdownFeatures.DisplayMathCount(cell.Source), MarkdownFeatures.DisplayMathCount(block.Text));
        if (englishMath != translatedMath)
        {
            yield return problem(cell.Id, TranslationProblemKind.DisplayMath, cell.FirstWords, block.Line,
                $"the English has {englishMath} display-math block(s) ($$ … $$), the translation {translatedMath}; keep every formula.");
        }
    }

    /// <summary>The positions of a longest strictly increasing subsequence of <paramref name="values"/>: the blocks in order.</summary>
    private static HashSet<int> LongestIncreasingRun(IReadOnlyList<int> values)
    {
        var length = new int[values.Count];
        var previous = new int[values.Count];
        var best = -1;
        for (var i = 0; i < values.Count; i++)
        {
            (length[i], previous[i]) = (1, -1);
            for (var j = 0; j < i; j++)
            {
                if (values[j] < values[i] && length[j] + 1 > length[i])
                {
                    (length[i], previous[i]) = (length[j] + 1, j);
                }
            }
            if (best < 0 || length[i] > length[best])
            {
                best = i;
            }
        }
        var kept = new HashSet<int>();
        for (var i = best; i >= 0; i = previous[i])
        {
            kept.Add(i);
        }
        return kept;
    }
}
