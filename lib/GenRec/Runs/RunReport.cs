// report.html of one run: a single offline page that leads with the answer — a summary of dataset, model, the
// test Recall/NDCG@5/10 of TIGER beside SASRec and the paper's row (table + grouped bars) and the wall time —
// then stage 1 (semantic-ID training curves and codebook-usage heatmaps), stage 2 (TIGER / SASRec curves), the
// full metrics table (valid and test), example recommendations with item titles, and last, folded, the
// dataset statistics and the whole configuration. Everything is read from the run folder of CONTRACT.md; a
// stage whose files are missing is shown as "not run".
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GenRec.Data;
using GenRec.IO;

namespace GenRec.Runs;

/// <summary>Options of <see cref="RunReport.Write"/>.</summary>
public sealed record RunReportOptions
{
    /// <summary>How many users the example-recommendations section shows.</summary>
    public int Examples { get; init; } = 5;
    /// <summary>How many recommended titles each example lists.</summary>
    public int ExampleTopK { get; init; } = 5;
    /// <summary>How many of the most recent history items each example lists.</summary>
    public int ExampleHistory { get; init; } = 10;
    /// <summary>Page title; default "GenRec run &lt;folder name&gt;".</summary>
    public string? Title { get; init; }
    /// <summary>Output file; default report.html inside the run folder.</summary>
    public string? OutputPath { get; init; }
}

/// <summary>What <see cref="RunReport.Write"/> produced.</summary>
/// <param name="Path">Full path of the written HTML file.</param>
/// <param name="ChartCount">Number of Plotly charts on the page.</param>
/// <param name="NotRun">Sections shown as "not run" (e.g. "sasrec") because their files are missing.</param>
public sealed record RunReportResult(string Path, int ChartCount, IReadOnlyList<string> NotRun);

/// <summary>Writes report.html for a run folder.</summary>
public static class RunReport
{
    /// <summary>
    /// Reads <paramref name="runDir"/> (layout of CONTRACT.md) and writes one self-contained report.html
    /// (atomically). <paramref name="dataset"/> supplies the statistics and the item titles of the examples;
    /// without it those two sections say so. Throws <see cref="InvalidDataException"/> naming file and line
    /// when a present file is malformed.
    /// </summary>
    public static RunReportResult Write(string runDir, AmazonDataset? dataset = null, RunReportOptions? options = null)
    {
        options ??= new RunReportOptions();
        var run = new RunFolder(runDir);
        var page = new HtmlPage();
        var notRun = new List<string>();
        var title = options.Title ?? "GenRec run " + Path.GetFileName(run.Root);

        page.Element("h1", title);
        page.Raw($"<p>Run folder <code>{HtmlPage.Escape(run.Root)}</code> · TIGER: generative retrieval with semantic IDs (Rajput et al., NeurIPS 2023).</p>");

        SummarySection(page, run, dataset);
        StageOneSections.Write(page, run, notRun);
        StageTwoSections.Write(page, run, notRun);
        MetricsSection(page, run);
        ExampleSection(page, run, dataset, options, notRun);
        DatasetSection(page, dataset, notRun);
        ConfigSection(page, run, notRun);

        var output = Path.GetFullPath(options.OutputPath ?? run.PathOf("report.html"));
        AtomicFile.WriteText(output, page.ToHtml(title));
        return new RunReportResult(output, page.ChartCount, notRun);
    }

    /// <summary>Appends a "not run" line for a section and remembers its name.</summary>
    internal static void NotRun(HtmlPage page, List<string> notRun, string section, string why)
    {
        notRun.Add(section);
        page.Raw($"<p class=\"not-run\" data-section=\"{HtmlPage.Escape(section)}\">not run — {HtmlPage.Escape(why)}</p>");
    }

    /// <summary>Invariant short number text: 4 decimals for metrics in [0, 1], else general format.</summary>
    internal static string Format(double value) =>
        double.IsNaN(value) ? "NaN"
        : Math.Abs(value) < 1 && value != 0 && Math.Abs(value) >= 1e-4 ? value.ToString("0.0000", CultureInfo.InvariantCulture)
        : value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>
    /// "Did it work?" in one screen: dataset, model, seed and wall time; the test metrics of TIGER, SASRec and
    /// the paper's row as a table and one grouped bar chart; TIGER's Recall@10 as a share of the paper's and SASRec's.
    /// </summary>
    static void SummarySection(HtmlPage page, RunFolder run, AmazonDataset? dataset)
    {
        page.Element("h2", "Summary");
        var config = run.ReadJsonOrNull("config.json");
        var timings = run.ReadJsonOrNull("timings.json");
        var (tiger, sasrec, paper) = RunMetricsTable.Read(run);

        var facts = new List<string>();
        var datasetName = config?["dataset"]?.ToString() ?? dataset?.Name;
        if (datasetName is not null)
            facts.Add($"dataset <b>{HtmlPage.Escape(datasetName)}</b>" + (dataset is null ? "" :
                string.Create(CultureInfo.InvariantCulture, $" ({dataset.Sequences.Count:N0} users, {dataset.ItemCount:N0} items, {dataset.InteractionCount:N0} interactions)")));
        if (config?["tiger"] is JsonObject tigerConfig)
            facts.Add($"model TIGER, preset <b>{HtmlPage.Escape(tigerConfig["name"]?.ToString() ?? "?")}</b>" +
                      (tigerConfig["model"] is JsonValue kind ? $" ({HtmlPage.Escape(kind.ToString())})" : ""));
        if (config?["seed"] is { } seed) facts.Add($"seed {HtmlPage.Escape(seed.ToString())}");
        var reused = (timings?["stages"] as JsonArray)?.Count(st => st?["status"]?.ToString().StartsWith("cached", StringComparison.Ordinal) == true) ?? 0;
        facts.Add(timings?["wall_seconds"] is JsonValue wall && wall.TryGetValue<double>(out var seconds)
            ? reused == 0 ? $"whole run {HtmlPage.Escape(Duration(seconds))}" : $"{HtmlPage.Escape(Duration(seconds))} in the last invocation ({reused} stages reused from earlier ones)"
            : "wall time not recorded");
        page.Raw($"<p class=\"summary\">{string.Join(" · ", facts)}</p>");

        var rows = new List<IReadOnlyList<Cell>>();
        var series = new Dictionary<string, double[]>();
        foreach (var (name, id, metrics) in new[] { ("TIGER (this run)", "tiger", tiger?.Test), ("SASRec (this run)", "sasrec", sasrec?.Test), (PaperLabel, "paper", paper) })
        {
            var cells = new List<Cell> { name };
            foreach (var key in ReportedMetrics.Keys)
                cells.Add(metrics?[key] is double v
                    ? new Cell(Format(v), "num", new Dictionary<string, string> { ["summary"] = $"{id}.test.{key}", ["value"] = v.ToString("R", CultureInfo.InvariantCulture) })
                    : new Cell("not run", "not-run"));
            rows.Add(cells);
            if (metrics is not null && ReportedMetrics.Keys.All(k => metrics[k] is not null))
                series[name] = [.. ReportedMetrics.Keys.Select(k => metrics[k]!.Value)];
        }
        page.Table(["test split", .. ReportedMetrics.Keys], rows, "summary");
        if (tiger?.Test?.Recall10 is double r10)
        {
            var shares = new List<string> { $"{100 * r10 / paper.Recall10!.Value:F0} % of the paper's" };
            if (sasrec?.Test?.Recall10 is double s10 && s10 > 0) shares.Add($"{100 * r10 / s10:F0} % of SASRec's");
            page.Raw($"<p>TIGER's test Recall@10 is {string.Join(" and ", shares)}.</p>");
        }
        if (series.Count > 1) page.Chart(RunCharts.GroupedBars(ReportedMetrics.Keys, series, "Test metrics: this run beside the paper", "metric"));
    }

    const string PaperLabel = "TIGER (paper, Beauty)";

    static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes} min" : $"{t.Minutes} min {t.Seconds} s";
    }

    static void ConfigSection(HtmlPage page, RunFolder run, List<string> notRun)
    {
        page.Element("h2", "Configuration");
        var config = run.ReadJsonOrNull("config.json");
        if (config is null) { NotRun(page, notRun, "config", $"no config.json in {run.Root}"); return; }
        var rows = new List<IReadOnlyList<Cell>>();
        Flatten(config, "", rows);
        page.Raw("<details class=\"config\"><summary>Every resolved setting (config.json)</summary>");
        page.Table(["setting", "value"], rows, "config");
        page.Raw("</details>");
    }

    /// <summary>Nested JSON as (dotted.path, value) rows; arrays of scalars stay on one row.</summary>
    static void Flatten(JsonNode? node, string prefix, List<IReadOnlyList<Cell>> rows)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj) Flatten(value, prefix.Length == 0 ? key : prefix + "." + key, rows);
                break;
            case JsonArray array when array.Any(e => e is JsonObject or JsonArray):
                for (int i = 0; i < array.Count; i++) Flatten(array[i], $"{prefix}[{i}]", rows);
                break;
            default:
                rows.Add([prefix, node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "null"]);
                break;
        }
    }

    static void DatasetSection(HtmlPage page, AmazonDataset? dataset, List<string> notRun)
    {
        page.Element("h2", "Dataset");
        if (dataset is null) { NotRun(page, notRun, "dataset", "no dataset was given to the report writer"); return; }
        var stats = DatasetStatistics.Compute(dataset);
        page.Raw($"<details class=\"dataset\"><summary>Statistics of {HtmlPage.Escape(dataset.Name)}</summary>");
        page.Table(["statistic", "value"], stats.Rows().Select(r => (IReadOnlyList<Cell>)[r.Statistic, new Cell(r.Value, "num")]), "dataset");
        page.Raw("</details>");
    }

    static void MetricsSection(HtmlPage page, RunFolder run)
    {
        page.Element("h2", "All metrics (validation and test)");
        var (tiger, sasrec, paper) = RunMetricsTable.Read(run);
        var rows = new List<IReadOnlyList<Cell>>();
        foreach (var (name, model) in new[] { ("TIGER", tiger), ("SASRec", sasrec) })
            foreach (var (split, metrics) in new[] { ("valid", model?.Valid), ("test", model?.Test) })
                rows.Add(MetricRow(name, split, model is null ? null : Path.GetRelativePath(run.Root, model.Source), metrics, $"{name.ToLowerInvariant()}.{split}"));
        rows.Add(MetricRow(PaperLabel, "test", "Rajput et al. 2023, Table 2", paper, "paper.test"));
        page.Table(["model", "split", .. ReportedMetrics.Keys, "users", "source"], rows, "metrics");
    }

    static IReadOnlyList<Cell> MetricRow(string model, string split, string? source, ReportedMetrics? metrics, string id)
    {
        var cells = new List<Cell> { model, split };
        foreach (var key in ReportedMetrics.Keys)
        {
            if (metrics?[key] is double v)
                cells.Add(new Cell(Format(v), "num", new Dictionary<string, string>
                {
                    ["metric"] = $"{id}.{key}",
                    ["value"] = v.ToString("R", CultureInfo.InvariantCulture),
                }));
            else cells.Add(new Cell(metrics is null ? "not run" : "—", metrics is null ? "not-run" : "num"));
        }
        cells.Add(new Cell(metrics?.Users is double u ? u.ToString("N0", CultureInfo.InvariantCulture) : "", "num"));
        cells.Add(source ?? "not run");
        return cells;
    }

    static void ExampleSection(HtmlPage page, RunFolder run, AmazonDataset? dataset, RunReportOptions options, List<string> notRun)
    {
        page.Element("h2", "Example recommendations (TIGER, test)");
        var path = new[] { run.PathOf("predictions_test.tsv"), run.PathOf(RunFolder.TigerDir, "predictions_test.tsv") }.FirstOrDefault(File.Exists);
        if (path is null) { NotRun(page, notRun, "examples", "no predictions_test.tsv"); return; }
        if (dataset is null) { NotRun(page, notRun, "examples", "no dataset was given, so items have no titles"); return; }
        var examples = RecommendationExamples.Pick(dataset, path, options.Examples, options.ExampleTopK, options.ExampleHistory);
        page.Raw($"<p>Users from <code>{HtmlPage.Escape(Path.GetRelativePath(run.Root, path))}</code>; the held-out test item is marked when it is among the top {options.ExampleTopK}.</p>");
        var rows = examples.Select(e => (IReadOnlyList<Cell>)
        [
            new Cell(e.UserId.ToString(CultureInfo.InvariantCulture), "num"),
            new Cell(OrderedList(e.History.Select(Title)), IsHtml: true),
            new Cell(OrderedList(e.Recommended.Select(id => (Title(id), id == e.Target))), IsHtml: true,
                Data: new Dictionary<string, string> { ["hit"] = e.Hit ? "true" : "false" }),
            new Cell(Title(e.Target), e.Hit ? "hit" : null),
        ]);
        page.Table(["user", $"history (last {options.ExampleHistory}, oldest first)", $"top {options.ExampleTopK}", "held-out item"], rows, "examples");

        string Title(int id) => RecommendationExamples.Title(dataset, id);
    }

    static string OrderedList(IEnumerable<string> items) => OrderedList(items.Select(i => (i, false)));

    static string OrderedList(IEnumerable<(string Text, bool Hit)> items) =>
        "<ol>" + string.Concat(items.Select(i => i.Hit ? $"<li class=\"hit\">✔ {HtmlPage.Escape(i.Text)}</li>" : $"<li>{HtmlPage.Escape(i.Text)}</li>")) + "</ol>";
}
