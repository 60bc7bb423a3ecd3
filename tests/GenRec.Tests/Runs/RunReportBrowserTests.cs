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

    /// <summary>What the browser saw: charts drawn (plot div with its SVG), plot divs, chart wrappers, errors, blocked requests.</summary>
    sealed record PageView(int Drawn, int PlotDivs, int Wrappers, int Heatmaps, string? MetaCount, List<string> Errors, List<string> Blocked);

    [Fact]
    public async Task Report_renders_every_chart_offline_without_errors()
    {
        using var run = new TinyRun();
        var report = RunReport.Write(run.RunDir, run.Dataset);
        Assert.Equal(RunReportTests.FullFixtureCharts, report.ChartCount);

        var view = await OpenOffline(report.Path, report.ChartCount);

        Assert.Empty(view.Errors);
        Assert.Empty(view.Blocked);
        Assert.Equal(report.ChartCount.ToString(), view.MetaCount);
        Assert.Equal(report.ChartCount, view.Wrappers);
        Assert.Equal(report.ChartCount, view.PlotDivs);
        Assert.Equal(report.ChartCount, view.Drawn);
        Assert.Equal(2, view.Heatmaps); // usage and co-occurrence heatmaps drew their cells
    }

    /// <summary>The harness must see a CDN-only page fail, or a green browser check would mean nothing.</summary>
    [Fact]
    public async Task Harness_catches_a_chart_that_needs_the_network()
    {
        using var temp = new TestSupport.TempDirectory("genrec-browser");
        var chart = GenRec.Plots.Charts.Bars(["a", "b"], [1, 2], "needs a CDN", "y");
        var path = temp.Write("cdn.html", Plotly.NET.GenericChart.toEmbeddedHTML(chart)); // Plotly.NET's default: plotly.js from cdn.plot.ly

        var view = await OpenOffline(path, expectedCharts: 1, waitMilliseconds: 3_000);

        Assert.Contains(view.Blocked, url => url.Contains("cdn.plot.ly", StringComparison.Ordinal));
        Assert.Equal(0, view.Drawn);
        Assert.NotEmpty(view.Errors); // "Plotly is not defined"
    }

    async Task<PageView> OpenOffline(string htmlPath, int expectedCharts, int waitMilliseconds = 30_000)
    {
        // Deliberately a failure, not a skip: a silently skipped browser check would let a blank report pass CI.
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
            await page.EvaluateAsync<int>("document.querySelectorAll('div.chart').length"),
            await page.EvaluateAsync<int>("document.querySelectorAll('.js-plotly-plot .heatmaplayer .hm').length"),
            await page.EvaluateAsync<string?>("document.querySelector('meta[name=genrec-chart-count]')?.content ?? null"),
            errors, blocked);
        output.WriteLine($"{Path.GetFileName(htmlPath)}: {view.Drawn} drawn, {view.PlotDivs} plot divs, {view.Wrappers} wrappers, {view.Heatmaps} heatmaps; " +
                         $"blocked: {string.Join(", ", blocked)}; errors: {string.Join(" | ", errors)}");
        return view;
    }
}
