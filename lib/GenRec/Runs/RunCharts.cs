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

    public static GenericChart Heatmap(double[][] z, string title, string xTitle, string yTitle, int height) =>
        Sized(Charts.Heatmap(z, title, xTitle, yTitle), 1000, height);

    static GenericChart Sized(GenericChart chart, int width, int height) =>
        Plotly.NET.Chart.withSize(FSharpOption<int>.Some(width), FSharpOption<int>.Some(height)).Invoke(chart);
}
