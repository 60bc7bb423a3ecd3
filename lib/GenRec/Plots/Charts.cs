// Plotly chart builders shared by the notebooks and the HTML report. Each builder takes plain arrays and
// returns a titled Plotly.NET GenericChart, so a notebook cell stays one line and every chart of the
// project looks the same. Plotly.NET.CSharp has no WithTitle, hence Plotly.NET.Chart.withTitle below.
using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace GenRec.Plots;

public static class Charts
{
    /// <summary>A histogram of <paramref name="values"/> (e.g. sequence lengths per user).</summary>
    public static GenericChart Histogram(IEnumerable<double> values, string title, string xTitle, string yTitle = "count", int? bins = null)
    {
        var chart = CSharpChart.Histogram<double, double, string>(
            X: new Optional<IEnumerable<double>>(values.ToArray(), true),
            NBinsX: bins is int b ? new Optional<int>(b, true) : default);
        return Style(chart, title, xTitle, yTitle);
    }

    /// <summary>One line per named series over a shared x axis (training curves).</summary>
    public static GenericChart Lines(IReadOnlyDictionary<string, (double[] X, double[] Y)> series, string title, string xTitle, string yTitle)
    {
        var lines = series.Select(s => CSharpChart.Line<double, double, string>(
            s.Value.X, s.Value.Y, Name: new Optional<string>(s.Key, true), ShowMarkers: new Optional<bool>(false, true)));
        return Style(CSharpChart.Combine(lines), title, xTitle, yTitle);
    }

    /// <summary>Bars of one value per category (e.g. reconstruction error per quantizer).</summary>
    public static GenericChart Bars(IEnumerable<string> categories, IEnumerable<double> values, string title, string yTitle)
    {
        var chart = CSharpChart.Column<double, string, string>(values.ToArray(), Keys: new Optional<IEnumerable<string>>(categories.ToArray(), true));
        return Style(chart, title, "", yTitle);
    }

    /// <summary>Groups of bars: one group per category, one coloured bar per named series (e.g. metrics × models).</summary>
    public static GenericChart GroupedBars(IReadOnlyList<string> categories, IReadOnlyDictionary<string, double[]> series, string title, string yTitle)
    {
        var bars = series.Select(s => CSharpChart.Column<double, string, string>(
            s.Value, Keys: new Optional<IEnumerable<string>>(categories, true), Name: new Optional<string>(s.Key, true)));
        return Style(CSharpChart.Combine(bars), title, "", yTitle);
    }

    /// <summary>A heatmap of <paramref name="z"/>[row][column] (e.g. code usage, level × code).</summary>
    public static GenericChart Heatmap(double[][] z, string title, string xTitle, string yTitle)
    {
        var chart = CSharpChart.Heatmap<double, int, int, string>(z);
        return Style(chart, title, xTitle, yTitle);
    }

    static GenericChart Style(GenericChart chart, string title, string xTitle, string yTitle)
    {
        chart = Plotly.NET.Chart.withTitle(title, FSharpOption<Font>.None).Invoke(chart);
        return chart
            .WithXAxisStyle<double, double, string>(TitleText: new Optional<string>(xTitle, true))
            .WithYAxisStyle<double, double, string>(TitleText: new Optional<string>(yTitle, true));
    }
}
