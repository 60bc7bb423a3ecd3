// Opens a generated report.html in headless Chromium with the network off (TestSupport.OfflineBrowser) and
// checks what a reader would see: every chart drawn by plotly.js and no script or page error. This is what
// proves the page is self-contained — a CDN reference or a second, broken plotly.js copy passes string checks
// but leaves blank charts here.
using GenRec.Runs;
using GenRec.Tests.TestSupport;

namespace GenRec.Tests.Runs;

public sealed class RunReportBrowserTests(ITestOutputHelper output)
{
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

    Task<PageView> OpenOffline(string htmlPath, int expectedCharts, int waitMilliseconds = 30_000) =>
        OfflineBrowser.Open(htmlPath, expectedCharts, "div.chart", waitMilliseconds, output.WriteLine);
}
