// Opens a generated report.html in headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no
// browser is ever downloaded) with the network off, and checks what a reader would see: every chart drawn
// by plotly.js and no script or page error. This is what proves the page is self-contained — a CDN
// reference or a second, broken plotly.js copy passes string checks but leaves blank charts here.
using Microsoft.Playwright;
using GenRec.Runs;

namespace GenRec.Tests.Runs;

public sealed class RunReportBrowserTests(ITestOutputHelper output)
{
    /// <summary>The browser binary: $GENREC_CHROMIUM, else Debian's chromium package.</summary>
    static string ChromiumPath => Environment.GetEnvironmentVariable("GENREC_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    [Fact]
    public async Task Report_renders_every_chart_offline_without_errors()
    {
        // Deliberately a failure, not a skip: a silently skipped browser check would let a blank report pass CI.
        if (!File.Exists(ChromiumPath))
            Assert.Fail($"Chromium not found at {ChromiumPath}. Install it with `sudo apt-get install -y chromium` " +
                        "(.ci/run does this), or point GENREC_CHROMIUM at a Chromium/Chrome binary.");

        using var run = new TinyRun();
        var report = RunReport.Write(run.RunDir, run.Dataset);
        Assert.Equal(RunReportTests.FullFixtureCharts, report.ChartCount);

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

        await page.GotoAsync(new Uri(report.Path).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        // Plotly draws asynchronously after load: wait (bounded) until every chart div has its SVG.
        const string drawnCharts = "Array.from(document.querySelectorAll('.js-plotly-plot')).filter(d => d.querySelector('.main-svg')).length";
        try
        {
            await page.WaitForFunctionAsync($"n => ({drawnCharts}) >= n", report.ChartCount, new PageWaitForFunctionOptions { Timeout = 30_000 });
        }
        catch (TimeoutException) { /* the assertions below say what is missing */ }

        var drawn = await page.EvaluateAsync<int>(drawnCharts);
        var plotDivs = await page.EvaluateAsync<int>("document.querySelectorAll('.js-plotly-plot').length");
        var chartWrappers = await page.EvaluateAsync<int>("document.querySelectorAll('div.chart').length");
        var metaCount = await page.EvaluateAsync<string>("document.querySelector('meta[name=genrec-chart-count]').content");
        output.WriteLine($"charts: {drawn} drawn, {plotDivs} plot divs, {chartWrappers} wrappers; blocked: {string.Join(", ", blocked)}; errors: {string.Join(" | ", errors)}");

        Assert.Empty(errors);
        Assert.Empty(blocked);
        Assert.Equal(report.ChartCount.ToString(), metaCount);
        Assert.Equal(report.ChartCount, chartWrappers);
        Assert.Equal(report.ChartCount, plotDivs);
        Assert.Equal(report.ChartCount, drawn);
        // Heatmaps draw into the SVG too: 2 heatmap traces in the full fixture.
        Assert.Equal(2, await page.EvaluateAsync<int>("document.querySelectorAll('.js-plotly-plot .heatmaplayer .hm').length"));
    }
}
