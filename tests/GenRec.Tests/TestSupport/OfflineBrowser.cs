// Opens a local HTML file in headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no browser
// is ever downloaded) with every network request blocked, and reports what a reader would see: charts drawn
// by plotly.js, plot divs, script errors and the requests that were blocked. Shared by the report.html and
// executed-notebook checks: a CDN reference passes string checks but leaves blank charts here.
using Microsoft.Playwright;

namespace GenRec.Tests.TestSupport;

/// <summary>What the browser saw.</summary>
/// <param name="Drawn">Plot divs that hold plotly's SVG (i.e. charts actually drawn).</param>
/// <param name="PlotDivs">Plot divs plotly.js set up.</param>
/// <param name="Wrappers">Elements matching the caller's wrapper selector.</param>
/// <param name="Heatmaps">Heatmap cells drawn.</param>
/// <param name="MetaCount">content of meta[name=genrec-chart-count], if any.</param>
/// <param name="Errors">Page errors and console errors.</param>
/// <param name="Blocked">URLs of blocked (non-file) requests.</param>
public sealed record PageView(int Drawn, int PlotDivs, int Wrappers, int Heatmaps, string? MetaCount, List<string> Errors, List<string> Blocked);

public static class OfflineBrowser
{
    /// <summary>The browser binary: $GENREC_CHROMIUM, else Debian's chromium package.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("GENREC_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    /// <summary>
    /// Loads <paramref name="htmlPath"/> offline and waits (bounded) until <paramref name="expectedCharts"/> charts
    /// are drawn; <paramref name="wrapperSelector"/> counts the page's own chart wrappers.
    /// </summary>
    public static async Task<PageView> Open(string htmlPath, int expectedCharts, string wrapperSelector = "div.chart",
        int waitMilliseconds = 30_000, Action<string>? log = null)
    {
        // Deliberately a failure, not a skip: a silently skipped browser check would let a blank page pass CI.
        if (!File.Exists(ChromiumPath))
            Assert.Fail($"Chromium not found at {ChromiumPath}. Install it with `sudo apt-get install -y chromium` " +
                        "(.ci/run does this), or point GENREC_CHROMIUM at a Chromium/Chrome binary.");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root in a container needs --no-sandbox; the rest keeps Chromium from phoning home.
            Args = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { Offline = true });
        var blocked = new List<string>();
        await context.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith("file:", StringComparison.Ordinal)) await route.ContinueAsync();
            else { lock (blocked) blocked.Add(route.Request.Url); await route.AbortAsync(); }
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, message) => { lock (errors) errors.Add("page error: " + message); };
        page.Console += (_, message) => { if (message.Type == "error") lock (errors) errors.Add("console error: " + message.Text); };

        await page.GotoAsync(new Uri(htmlPath).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        // Plotly draws asynchronously after load: wait (bounded) until every chart div has its SVG.
        const string drawnCharts = "Array.from(document.querySelectorAll('.js-plotly-plot')).filter(d => d.querySelector('.main-svg')).length";
        try
        {
            await page.WaitForFunctionAsync($"n => ({drawnCharts}) >= n", expectedCharts, new PageWaitForFunctionOptions { Timeout = waitMilliseconds });
        }
        catch (TimeoutException) { /* the caller's assertions say what is missing */ }

        var view = new PageView(
            await page.EvaluateAsync<int>(drawnCharts),
            await page.EvaluateAsync<int>("document.querySelectorAll('.js-plotly-plot').length"),
            await page.EvaluateAsync<int>($"document.querySelectorAll('{wrapperSelector}').length"),
            await page.EvaluateAsync<int>("document.querySelectorAll('.js-plotly-plot .heatmaplayer .hm').length"),
            await page.EvaluateAsync<string?>("document.querySelector('meta[name=genrec-chart-count]')?.content ?? null"),
            errors, blocked);
        log?.Invoke($"{Path.GetFileName(htmlPath)}: {view.Drawn} drawn, {view.PlotDivs} plot divs, {view.Wrappers} wrappers, {view.Heatmaps} heatmaps; " +
                    $"blocked: {string.Join(", ", blocked)}; errors: {string.Join(" | ", errors)}");
        return view;
    }
}
