using System.Text.Json;
using ResNetNotebooks.Runner;
using PuppeteerSharp;
using Xunit.Abstractions;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>
/// Builds the book (<c>resnet-notebooks publish --preset ci</c>: English at the root, Chinese in zh/) into artifacts/site/ from the executed copies the
/// notebook tests wrote to artifacts/notebooks/ci/ (this class runs after them, see <see cref="RunSiteTestsLast"/>;
/// a notebook whose copy is missing or older than the notebook is executed first), then opens every page in headless
/// Chromium with the network cut off and checks: no console error or uncaught exception, no request leaving the site,
/// every chart drawn (plotly.js's SVG with at least one trace), every formula typeset by KaTeX (no raw <c>$…$</c>
/// left in the prose, no KaTeX error), every C# listing highlighted, in both editions. Full-page screenshots of each
/// edition's index and lessons go to artifacts/site-screenshots/ (the Chinese ones as zh-NAME.png).
/// </summary>
public sealed class SiteTests
{
    private static string Site => Path.Combine(Repo.Root, "artifacts", "site");

    private static string Screenshots => Path.Combine(Repo.Root, "artifacts", "site-screenshots");

    [Fact]
    public async Task The_book_builds_from_the_executed_notebooks_and_every_page_draws_offline_in_Chromium()
    {
        // BOOK_FROM names another folder of executed copies to check instead of the ci ones (CI's Pages job checks the
        // book of the notebooks' own defaults, artifacts/notebooks/default/, this way).
        var from = Environment.GetEnvironmentVariable("BOOK_FROM") is { Length: > 0 } other ? Path.GetFullPath(other, Repo.Root) : null;
        if (from is null)
        {
            await EnsureExecutedCopies();
        }

        var log = new StringWriter();
        var summary = SitePublisher.Publish(Repo.Root, from ?? NotebookExecutionTests.OutputFolder, Site, log);

        var lessons = Repo.NotebookFiles.Select(f => Path.ChangeExtension(Path.GetFileName(f), ".html")).ToList();
        Assert.Equal(lessons.Count, summary.Lessons);
        // plotly.js once per site: one file, and no page carries its own copy.
        Assert.Single(Directory.GetFiles(Site, "plotly*.js", SearchOption.AllDirectories));
        foreach (var page in Directory.GetFiles(Site, "*.html", SearchOption.AllDirectories))
        {
            Assert.True(new FileInfo(page).Length < 2_000_000, $"{page} is {new FileInfo(page).Length:N0} bytes: has plotly.js been inlined?");
        }
        Assert.Equal(["en", "zh"], summary.Editions);
        foreach (var edition in new[] { "", "zh/" })
        {
            var index = File.ReadAllText(Path.Combine(Site, edition, "index.html"));
            Assert.All(lessons, l => Assert.Contains($"href=\"{l}\"", index, StringComparison.Ordinal));
            // Every page whose run injected values (the ci copies' do) says so in a banner, and so does the index;
            // pages of the notebooks' own defaults have none.
            var injected = 0;
            foreach (var lesson in lessons)
            {
                var html = File.ReadAllText(Path.Combine(Site, edition, lesson));
                var ran = html.Contains("cell code injected", StringComparison.Ordinal);
                injected += ran ? 1 : 0;
                Assert.True(ran == html.Contains("class=\"banner preset\"", StringComparison.Ordinal), $"{edition}{lesson}: banner and injected cell disagree");
            }
            Assert.Equal(injected > 0, index.Contains("class=\"banner preset\"", StringComparison.Ordinal));
            Assert.Equal(from is null, index.Contains("<code>ci</code>", StringComparison.Ordinal));
            // The index names the run: the copies were executed on this machine (the runner records it).
            Assert.Contains(Environment.MachineName, index, StringComparison.Ordinal);
        }

        Directory.CreateDirectory(Screenshots);
        var pages = new List<string> { "index.html" };
        pages.AddRange(lessons);
        pages.Add("zh/index.html");
        pages.AddRange(lessons.Select(l => "zh/" + l));
        pages.AddRange(Directory.GetFiles(Path.Combine(Site, "source"), "*.html", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Site, p)).Order(StringComparer.Ordinal));
        var problems = new List<string>();
        await using var browser = await Browser.LaunchAsync();
        foreach (var relative in pages)
        {
            var (pageProblems, listings) = await CheckPage(browser, Path.Combine(Site, relative), relative);
            problems.AddRange(pageProblems);
            var lesson = lessons.Contains(relative.Replace("zh/", "", StringComparison.Ordinal));
            if (lesson && listings == 0)
            {
                problems.Add($"{relative}: no code cells on a lesson page");
            }
            if (relative.EndsWith("index.html", StringComparison.Ordinal) || lesson || relative.EndsWith("/Blocks.cs.html", StringComparison.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(relative.Replace("zh/", "zh-", StringComparison.Ordinal)) + ".png";
                await browser.Page.ScreenshotAsync(Path.Combine(Screenshots, name),
                    new ScreenshotOptions { FullPage = true });
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) in the book ({Site}):\n" + string.Join('\n', problems.Take(40)));
    }

    [Fact]
    public async Task The_browser_check_sees_an_undrawn_chart_raw_TeX_a_plain_listing_a_console_error_and_a_network_request()
    {
        var folder = Directory.CreateTempSubdirectory("resnet-site-check-").FullName;
        var page = Path.Combine(folder, "bad.html");
        File.WriteAllText(page, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" +
            "<p>raw $x^2$ left</p><div class=\"output html chart\"><div></div></div>" +
            "<pre><code class=\"language-csharp\">var x = 1;</code></pre><img src=\"https://example.invalid/x.png\">" +
            "<script>console.error('bad page');</script></body></html>");
        await using var browser = await Browser.LaunchAsync();

        var (problems, listings) = await CheckPage(browser, page, "bad.html", chartWait: 1_000);

        Assert.Equal(1, listings);
        Assert.Contains(problems, p => p.Contains("chart 1 is not drawn", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("raw TeX left in the prose: raw $x^2$ left", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("1 of 1 C# listings not highlighted", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("console: bad page", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("asked the network for https://example.invalid/x.png", StringComparison.Ordinal));
    }

    /// <summary>Opens one page offline and lists what is wrong with it; also returns its number of C# listings.</summary>
    private static async Task<(List<string> Problems, int Listings)> CheckPage(Browser browser, string file, string relative, int chartWait = 30_000)
    {
        var problems = new List<string>();
        var visit = await browser.OpenAsync(new Uri(file).AbsoluteUri);
        // Charts draw when their inline scripts run; give plotly.js time on a busy machine.
        try
        {
            await visit.Page.WaitForFunctionAsync(
                "() => [...document.querySelectorAll('.output.chart')].every(c => c.querySelector('svg.main-svg'))",
                new WaitForFunctionOptions { Timeout = chartWait });
        }
        catch (WaitTaskTimeoutException)
        {
            // reported below, chart by chart
        }
        var check = JsonDocument.Parse(await visit.Page.EvaluateFunctionAsync<string>(CheckScript)).RootElement;
        lock (visit.Errors) { problems.AddRange(visit.Errors.Select(e => $"{relative}: {e}")); }
        lock (visit.Blocked) { problems.AddRange(visit.Blocked.Select(b => $"{relative}: asked the network for {b}")); }
        foreach (var chart in check.GetProperty("charts").EnumerateArray())
        {
            if (!chart.GetProperty("svg").GetBoolean() || chart.GetProperty("traces").GetInt32() == 0)
            {
                problems.Add($"{relative}: chart {chart.GetProperty("i").GetInt32() + 1} is not drawn " +
                             $"(svg: {chart.GetProperty("svg").GetBoolean()}, traces: {chart.GetProperty("traces").GetInt32()})");
            }
        }
        problems.AddRange(check.GetProperty("untypeset").EnumerateArray().Select(m => $"{relative}: formula not typeset: {m.GetString()}"));
        problems.AddRange(check.GetProperty("mathErrors").EnumerateArray().Select(m => $"{relative}: KaTeX error: {m.GetString()}"));
        problems.AddRange(check.GetProperty("raw").EnumerateArray().Select(m => $"{relative}: raw TeX left in the prose: {m.GetString()}"));
        var listings = check.GetProperty("listings").GetInt32();
        var highlighted = check.GetProperty("highlighted").GetInt32();
        if (highlighted != listings)
        {
            problems.Add($"{relative}: {listings - highlighted} of {listings} C# listings not highlighted");
        }
        return (problems, listings);
    }

    /// <summary>What the page shows, as JSON: charts (drawn? traces?), formulas, raw TeX in prose, C# listings.</summary>
    private const string CheckScript = """
        () => {
          const charts = [...document.querySelectorAll('.output.chart')].map((c, i) => ({
            i, svg: !!c.querySelector('svg.main-svg'), traces: c.querySelectorAll('.trace, .hm').length }));
          const formulas = [...document.querySelectorAll('.math')];
          const untypeset = formulas.filter(m => !m.querySelector('.katex')).map(m => m.textContent.slice(0, 80));
          const mathErrors = [...document.querySelectorAll('.katex-error')].map(m => m.textContent.slice(0, 80));
          const raw = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, { acceptNode: n =>
            n.parentElement.closest('pre, code, script, style, .katex, .output') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT });
          while (walker.nextNode()) {
            const t = walker.currentNode.textContent;
            if (/\$[^$\s][^$]*\$|\\\(|\\\[/.test(t)) raw.push(t.trim().slice(0, 80));
          }
          const listings = document.querySelectorAll('pre code.language-csharp').length;
          const highlighted = document.querySelectorAll('pre code.language-csharp.hljs').length;
          return JSON.stringify({ charts, math: formulas.length, untypeset, mathErrors, raw, listings, highlighted });
        }
        """;

    /// <summary>Executes (ci preset) every notebook whose executed copy is missing or older than the notebook.</summary>
    private static async Task EnsureExecutedCopies()
    {
        foreach (var notebook in Repo.NotebookFiles)
        {
            var copy = Path.Combine(NotebookExecutionTests.OutputFolder, Path.GetFileName(notebook));
            if (File.Exists(copy) && File.GetLastWriteTimeUtc(copy) >= File.GetLastWriteTimeUtc(notebook))
            {
                continue;
            }
            var result = await ChildProcessRunner.RunAsync(notebook,
                new RunOptions { Preset = "ci", CellTimeout = TimeSpan.FromSeconds(NotebookExecutionTests.CellTimeoutSeconds) }, copy);
            Assert.True(result.Status == NotebookStatus.Passed, result.Describe());
        }
    }
}

/// <summary>
/// Runs the book's test collection after all others, so that it publishes the copies the notebook tests have just
/// executed instead of executing the notebooks a second time. The other collections keep xunit's order.
/// </summary>
public sealed class RunSiteTestsLast : ITestCollectionOrderer
{
    /// <inheritdoc />
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName.EndsWith("." + nameof(SiteTests), StringComparison.Ordinal) ? 1 : 0);
}
