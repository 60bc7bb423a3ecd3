// A small HTML writer for one self-contained page: escaped text, tables, and Plotly charts as bare
// <div> + newPlot snippets, with plotly.js inlined into <head> exactly once (see Plots/PlotlyHtml).
using System.Net;
using System.Text;
using GenRec.Plots;
using Plotly.NET;

namespace GenRec.Runs;

/// <summary>Builds one offline HTML page with any number of Plotly charts.</summary>
public sealed class HtmlPage
{
    private readonly StringBuilder body = new();

    /// <summary>Number of charts added so far (each becomes one div that plotly.js renders).</summary>
    public int ChartCount { get; private set; }

    /// <summary>Appends raw HTML (the caller escapes any text inside it).</summary>
    public HtmlPage Raw(string html) { body.Append(html).Append('\n'); return this; }

    /// <summary>Appends an element with escaped text content, e.g. Element("h2", "Stage 1").</summary>
    public HtmlPage Element(string tag, string text, string? cssClass = null) =>
        Raw($"<{tag}{(cssClass is null ? "" : $" class=\"{cssClass}\"")}>{Escape(text)}</{tag}>");

    /// <summary>Appends a table; header and cells are escaped. A cell can carry data attributes via <see cref="Cell"/>.</summary>
    public HtmlPage Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<Cell>> rows, string? cssClass = null)
    {
        var html = new StringBuilder($"<table{(cssClass is null ? "" : $" class=\"{cssClass}\"")}><thead><tr>");
        foreach (var h in header) html.Append("<th>").Append(Escape(h)).Append("</th>");
        html.Append("</tr></thead><tbody>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append(cell.ToHtml());
            html.Append("</tr>\n");
        }
        return Raw(html.Append("</tbody></table>").ToString());
    }

    /// <summary>Appends a Plotly chart: its div and the script that draws it, without any plotly.js reference.</summary>
    public HtmlPage Chart(GenericChart chart)
    {
        ChartCount++;
        return Raw($"<div class=\"chart\">{PlotlyHtml.WithStableIds(PlotlyHtml.ChartWithoutLibrary(chart), $"chart-{ChartCount}")}</div>");
    }

    /// <summary>The whole document: title, style, plotly.js inlined once (only when there are charts), then the body.</summary>
    public string ToHtml(string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append($"<title>{Escape(title)}</title>\n")
            .Append($"<meta name=\"genrec-chart-count\" content=\"{ChartCount}\">\n")
            .Append("<style>\n").Append(Style).Append("</style>\n");
        if (ChartCount > 0) html.Append(PlotlyHtml.LibraryScript()).Append('\n');
        html.Append("</head>\n<body>\n").Append(body).Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>HTML-escapes text for element content and attribute values.</summary>
    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");

    private const string Style =
        """
        body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
        h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
        table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
        th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .not-run { color: #888; font-style: italic; }
        .hit { background: #d9f2d9; font-weight: bold; }
        .chart { margin: 0.5em 0 1.5em; }
        ol { margin: 0; padding-left: 1.4em; }

        """;
}

/// <summary>One table cell: escaped text, optional CSS class and data-* attributes (for machine reading).</summary>
public sealed record Cell(string Text, string? CssClass = null, IReadOnlyDictionary<string, string>? Data = null, bool IsHtml = false)
{
    /// <summary>Plain text cell.</summary>
    public static implicit operator Cell(string text) => new(text);

    internal string ToHtml()
    {
        var attributes = new StringBuilder();
        if (CssClass is not null) attributes.Append($" class=\"{HtmlPage.Escape(CssClass)}\"");
        if (Data is not null)
            foreach (var (key, value) in Data) attributes.Append($" data-{key}=\"{HtmlPage.Escape(value)}\"");
        return $"<td{attributes}>{(IsHtml ? Text : HtmlPage.Escape(Text))}</td>";
    }
}
