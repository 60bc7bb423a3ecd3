// Charts in notebooks that still draw when the executed notebook is opened without a network. The .NET
// Interactive kernel's Plotly formatter (Plotly.NET.Interactive) writes HTML that fetches require.js and
// plotly.js from CDNs, so a shared executed notebook shows blank charts offline. This formatter's HTML carries
// plotly.js itself, once per kernel process — i.e. in the first chart output of a notebook — and every later
// chart draws with the window.Plotly that first output defined. Register it in a notebook's first cell:
//   Formatter.Register<Plotly.NET.GenericChart>((chart, writer) => writer.Write(NotebookCharts.Html(chart)), HtmlFormatter.MimeType);
// Trade-off: re-running a chart cell after the first chart's output was cleared leaves the chart blank until
// the notebook is run from the top again (the library is not re-sent, to keep notebooks ~3.5 MB, not 3.5 MB a chart).
using Plotly.NET;

namespace GenRec.Plots;

/// <summary>Offline HTML for charts displayed in a notebook.</summary>
public static class NotebookCharts
{
    static int charts;

    /// <summary>HTML of one chart output; the first call of the process also carries plotly.js.</summary>
    public static string Html(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var number = Interlocked.Increment(ref charts);
        var body = $"<div class=\"genrec-chart\">{PlotlyHtml.ChartWithoutLibrary(chart)}</div>";
        return number == 1 ? PlotlyHtml.LibraryScript() + "\n" + body : body;
    }
}
