using PuppeteerSharp;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>
/// Headless Chromium driven through the DevTools protocol by PuppeteerSharp, offline: the system Chromium (CHROMIUM, or
/// chromium on PATH; PuppeteerSharp's own download is never used), every request that is not a local file or inline
/// data is aborted and recorded, and console errors and uncaught exceptions are collected per page.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    private static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    private readonly IBrowser _browser;

    private Browser(IBrowser browser) => _browser = browser;

    /// <summary>The Chromium executable, or null.</summary>
    public static string? Executable()
    {
        var configured = Environment.GetEnvironmentVariable("CHROMIUM");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => Names.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }

    public static async Task<Browser> LaunchAsync()
    {
        var executable = Executable();
        Assert.True(executable is not null,
            "Chromium is needed for the browser checks and none was found (chromium on PATH, or CHROMIUM). " +
            "Install it (Debian/Ubuntu: apt-get install -y chromium), as .ci/run does.");
        var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true,
            ExecutablePath = executable,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-extensions",
                // PuppeteerSharp joins the arguments into one command line: quote the value that has spaces.
                "--host-resolver-rules=\"MAP * ~NOTFOUND\"",
            ],
            Timeout = 120_000,
            ProtocolTimeout = 300_000,
        });
        return new Browser(browser);
    }

    /// <summary>What one page load saw.</summary>
    public sealed record PageVisit(IPage Page, List<string> Errors, List<string> Blocked);

    private IPage? _page;

    /// <summary>The tab the last <see cref="OpenAsync"/> loaded.</summary>
    public IPage Page => _page ?? throw new InvalidOperationException("No page opened yet.");
    private readonly List<string> _errors = [];
    private readonly List<string> _blocked = [];

    /// <summary>
    /// Opens <paramref name="url"/> offline in the browser's one tab and waits until it has loaded; the visit's
    /// lists hold what this page logged and asked for.
    /// </summary>
    public async Task<PageVisit> OpenAsync(string url, int width = 1280)
    {
        if (_page is null)
        {
            _page = await _browser.NewPageAsync();
            await _page.SetViewportAsync(new ViewPortOptions { Width = width, Height = 900 });
            _page.Console += (_, e) =>
            {
                if (e.Message.Type == ConsoleType.Error)
                {
                    lock (_errors) { _errors.Add($"console: {e.Message.Text}"); }
                }
            };
            _page.PageError += (_, e) => { lock (_errors) { _errors.Add($"uncaught: {e.Message}"); } };
            await _page.SetRequestInterceptionAsync(true);
            _page.Request += async (_, e) =>
            {
                var requested = e.Request.Url;
                if (requested.StartsWith("file:", StringComparison.Ordinal) || requested.StartsWith("data:", StringComparison.Ordinal) ||
                    requested.StartsWith("blob:", StringComparison.Ordinal))
                {
                    await e.Request.ContinueAsync();
                }
                else
                {
                    lock (_blocked) { _blocked.Add(requested); }
                    await e.Request.AbortAsync();
                }
            };
        }
        lock (_errors) { _errors.Clear(); }
        lock (_blocked) { _blocked.Clear(); }
        await _page.GoToAsync(url, new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load], Timeout = 120_000 });
        return new PageVisit(_page, _errors, _blocked);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        await _browser.DisposeAsync();
    }
}
