// Report-specific touches on the shared chart builders (GenRec.Plots.Charts): a page-wide size, and point
// markers on curves with few points — a run that logged one validation step would otherwise draw an
// invisible one-point line and look like a missing chart.
using Microsoft.FSharp.Core;
using Plotly.NET;
using GenRec.Plots;

namespace GenRec.Runs;

internal static class RunCharts
{
    /// <summary>Curves with at most this many points also get markers.</summary>
    const int SparsePoints = 30;

    public static GenericChart Lines(Dictionary<string, (double[] X, double[] Y)> series, string title, string xTitle, string yTitle)
    {
        var chart = Charts.Lines(series, title, xTitle, yTitle);
        if (series.Values.Max(s => s.X.Length) <= SparsePoints)
            chart = GenericChart.mapTrace(FuncConvert.FromFunc<Trace, Trace>(trace =>
            {
                trace.SetProperty("mode", "lines+markers");
                return trace;
            }), chart);
        return Sized(chart, 1000, 420);
    }

    /// <summary>
    /// Draws the series that vary as one line chart; a series whose values are all equal is a sentence instead
    /// ("SASRec learning rate: constant 0.001") — a flat line on an auto-scaled axis reads as a trend.
    /// </summary>
    public static void LinesOrConstants(HtmlPage page, Dictionary<string, (double[] X, double[] Y)> series, string title, string xTitle, string yTitle)
    {
        var constant = series.Where(s => s.Value.Y.Length > 1 && s.Value.Y.All(y => y.Equals(s.Value.Y[0]))).ToList();
        var varying = series.Where(s => !constant.Any(c => c.Key == s.Key)).ToDictionary(s => s.Key, s => s.Value);
        foreach (var (name, (x, y)) in constant)
            page.Raw($"<p class=\"constant\">{HtmlPage.Escape(title)} — {HtmlPage.Escape(name)}: constant {HtmlPage.Escape(RunReport.Format(y[0]))} " +
                     $"over {HtmlPage.Escape(xTitle)} {HtmlPage.Escape(RunReport.Format(x[0]))}–{HtmlPage.Escape(RunReport.Format(x[^1]))}.</p>");
        if (varying.Count > 0) page.Chart(Lines(varying, title, xTitle, yTitle));
    }

    public static GenericChart GroupedBars(IReadOnlyList<string> categories, IReadOnlyDictionary<string, double[]> series, string title, string yTitle) =>
        Sized(Charts.GroupedBars(categories, series, title, yTitle), 1000, 420);

    public static GenericChart Heatmap(double[][] z, string title, string xTitle, string yTitle, int height) =>
        Sized(Charts.Heatmap(z, title, xTitle, yTitle), 1000, height);

    static GenericChart Sized(GenericChart chart, int width, int height) =>
        Plotly.NET.Chart.withSize(FSharpOption<int>.Some(width), FSharpOption<int>.Some(height)).Invoke(chart);
}
