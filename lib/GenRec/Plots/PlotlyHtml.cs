// Plotly charts as offline HTML, for both homes of our charts: report.html (HtmlPage) and executed notebooks
// (NotebookCharts). plotly.js comes from the resource Plotly.NET ships inside its assembly — the version its
// charts are generated for — and is inlined once per page; each chart is a bare <div> + newPlot script.
// Plotly.NET's own "Full" reference would inline the ~3.5 MB library once per chart, and its default CDN
// reference leaves charts blank without a network.
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.FSharp.Core;
using Plotly.NET;

namespace GenRec.Plots;

/// <summary>plotly.js and chart snippets for self-contained HTML.</summary>
public static class PlotlyHtml
{
    /// <summary>The plotly.js bundled in Plotly.NET's assembly.</summary>
    public static readonly Lazy<string> Library = new(() =>
    {
        var assembly = typeof(GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames()
            .SingleOrDefault(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No plotly-*.min.js resource in {assembly.FullName}; the Plotly.NET version changed how it ships plotly.js.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>
    /// A &lt;script&gt; element that defines <c>window.Plotly</c>. plotly.js is a UMD bundle: where an AMD loader
    /// is present (classic Jupyter defines <c>define</c> and <c>require</c>) it would register an anonymous module
    /// instead of the global, and every newPlot would fail; shadowing define/module/exports inside a function
    /// makes it take the global branch everywhere.
    /// </summary>
    public static string LibraryScript() =>
        "<script type=\"text/javascript\">\n(function (define, module, exports) {\n" + ScriptSafe(Library.Value) +
        "\n}).call(window, undefined, undefined, undefined);\n</script>";

    /// <summary>A chart's div and the script that draws it, without any plotly.js reference (the page provides it).</summary>
    public static string ChartWithoutLibrary(GenericChart chart)
    {
        var options = DisplayOptions.init(
            DocumentTitle: null, DocumentCharset: null, DocumentDescription: null, DocumentFavicon: null,
            AdditionalHeadTags: null, ChartDescription: null,
            PlotlyJSReference: FSharpOption<PlotlyJSReference>.Some(PlotlyJSReference.NoReference));
        return GenericChart.toChartHTML(Plotly.NET.Chart.withDisplayOptions(options).Invoke(chart));
    }

    /// <summary>
    /// Plotly.NET names each chart's div (and its render function) after a fresh GUID; <paramref name="name"/>
    /// instead makes the same content give byte-identical HTML.
    /// </summary>
    public static string WithStableIds(string chartHtml, string name)
    {
        var match = Regex.Match(chartHtml, "<div id=\"([0-9a-fA-F-]{36})\"");
        if (!match.Success) return chartHtml;
        var guid = match.Groups[1].Value;
        return chartHtml.Replace(guid, name).Replace(guid.Replace("-", ""), name.Replace("-", ""));
    }

    /// <summary>Makes script text safe inside &lt;script&gt;: a literal "&lt;/script" would end the element early.</summary>
    public static string ScriptSafe(string js) => js.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
}
