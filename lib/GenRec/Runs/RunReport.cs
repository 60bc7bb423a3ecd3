// report.html of one run: a single offline page that leads with the answer — a summary of dataset, model, the
// test Recall/NDCG@5/10 of TIGER beside SASRec and the paper's row for the run's dataset (table + grouped bars;
// none for a dataset the paper did not evaluate), the item text's fields (with a caveat where items have no
// titles, as on Sports) and the wall time —
// then stage 1 (semantic-ID training curves and codebook-usage heatmaps), stage 2 (TIGER / SASRec curves), the
// full metrics table (valid and test), example recommendations with item titles, and last, folded, the
// dataset statistics and the whole configuration. Everything is read from the run folder of CONTRACT.md; a
// stage whose files are missing is shown as "not run".
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenRec.Data;
using GenRec.IO;
using GenRec.Text;

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

        var itemText = ItemText(run, dataset);
        SummarySection(page, run, dataset, itemText);
        StageOneSections.Write(page, run, notRun);
        StageTwoSections.Write(page, run, notRun);
        MetricsSection(page, run, dataset, itemText);
        Experiments.ExperimentSections.Write(page, run);
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
    static void SummarySection(HtmlPage page, RunFolder run, AmazonDataset? dataset, ItemTextCoverage? itemText)
    {
        page.Element("h2", "Summary");
        var config = run.ReadJsonOrNull("config.json");
        var timings = run.ReadJsonOrNull("timings.json");
        var (tiger, sasrec, paper) = RunMetricsTable.Read(run, dataset?.Name);

        var facts = new List<string>();
        var datasetName = config?["dataset"]?.ToString() ?? dataset?.Name;
        if (datasetName is not null)
            facts.Add($"dataset <b>{HtmlPage.Escape(datasetName)}</b>" + (dataset is null ? "" :
                string.Create(CultureInfo.InvariantCulture, $" ({dataset.Sequences.Count:N0} users, {dataset.ItemCount:N0} items, {dataset.InteractionCount:N0} interactions)")));
        if (config?["tiger"] is JsonObject tigerConfig)
            facts.Add($"model TIGER, preset <b>{HtmlPage.Escape(tigerConfig["name"]?.ToString() ?? "?")}</b>" +
                      (tigerConfig["model"] is JsonValue kind ? $" ({HtmlPage.Escape(kind.ToString())})" : ""));
        if (config?["seed"] is { } seed) facts.Add($"seed {HtmlPage.Escape(seed.ToString())}");
        if (itemText is not null) facts.Add($"item text {HtmlPage.Escape(itemText.Fields)}");
        var reused = (timings?["stages"] as JsonArray)?.Count(st => st?["status"]?.ToString().StartsWith("cached", StringComparison.Ordinal) == true) ?? 0;
        facts.Add(timings?["wall_seconds"] is JsonValue wall && wall.TryGetValue<double>(out var seconds)
            ? reused == 0 ? $"whole run {HtmlPage.Escape(Duration(seconds))}" : $"{HtmlPage.Escape(Duration(seconds))} in the last invocation ({reused} stages reused from earlier ones)"
            : "wall time not recorded");
        page.Raw($"<p class=\"summary\">{string.Join(" · ", facts)}</p>");

        var rows = new List<IReadOnlyList<Cell>>();
        var series = new Dictionary<string, double[]>();
        var summaryRows = new List<(string, string, ReportedMetrics?)> { ("TIGER (this run)", "tiger", tiger?.Test), ("SASRec (this run)", "sasrec", sasrec?.Test) };
        if (paper is not null) summaryRows.Add((paper.Label, "paper", paper.Metrics));
        foreach (var (name, id, metrics) in summaryRows)
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
        Notes(page, run, dataset, paper, itemText);
        if (tiger?.Test?.Recall10 is double r10)
        {
            var shares = new List<string>();
            if (paper?.Metrics.Recall10 is double p10 && p10 > 0) shares.Add($"{100 * r10 / p10:F0} % of the paper's");
            if (sasrec?.Test?.Recall10 is double s10 && s10 > 0) shares.Add($"{100 * r10 / s10:F0} % of SASRec's");
            if (shares.Count > 0) page.Raw($"<p>TIGER's test Recall@10 is {string.Join(" and ", shares)}.</p>");
        }
        if (series.Count > 1) page.Chart(RunCharts.GroupedBars(ReportedMetrics.Keys, series, "Test metrics: this run beside the paper", "metric"));
    }

    /// <summary>
    /// What a reader must know beside the numbers: that the paper has no row for this dataset, and — when items
    /// lack titles (Sports) — what the item text was made of instead.
    /// </summary>
    static void Notes(HtmlPage page, RunFolder run, AmazonDataset? dataset, PaperReference? paper, ItemTextCoverage? itemText)
    {
        var name = RunMetricsTable.DatasetOf(run) ?? dataset?.Name;
        if (paper is null)
            page.Raw($"<p class=\"no-paper-row\">The TIGER paper has no row for {(name is null ? "this run's dataset" : $"dataset <b>{HtmlPage.Escape(name)}</b>")} " +
                     $"({HtmlPage.Escape(TigerPaper.Source)} covers {HtmlPage.Escape(string.Join(", ", TigerPaper.Table2.Select(r => r.Category)))}).</p>");
        ItemTextNote(page, name, itemText);
    }

    static void ItemTextNote(HtmlPage page, string? dataset, ItemTextCoverage? itemText)
    {
        if (itemText?.Caveat is { } caveat)
            page.Raw($"<p class=\"item-text-note\">{(dataset is null ? "" : $"<b>{HtmlPage.Escape(dataset)}</b>: ")}{HtmlPage.Escape(caveat)}</p>");
    }

    /// <summary>The item-text coverage metrics.json recorded, else the dataset's own; null when neither is at hand.</summary>
    static ItemTextCoverage? ItemText(RunFolder run, AmazonDataset? dataset)
    {
        var path = run.PathOf("metrics.json");
        if (run.ReadJsonOrNull("metrics.json")?["item_text"] is JsonObject node)
        {
            try { return node.Deserialize<ItemTextCoverage>(RunFiles.Json); }
            catch (JsonException e) { throw new InvalidDataException($"{path} \"item_text\": {e.Message}", e); }
        }
        return dataset is null ? null : ItemTextTemplate.ForCatalogue(dataset.Items).Coverage(dataset.Items);
    }

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

    static void MetricsSection(HtmlPage page, RunFolder run, AmazonDataset? dataset, ItemTextCoverage? itemText)
    {
        page.Element("h2", "All metrics (validation and test)");
        var (tiger, sasrec, paper) = RunMetricsTable.Read(run, dataset?.Name);
        var rows = new List<IReadOnlyList<Cell>>();
        foreach (var (name, model) in new[] { ("TIGER", tiger), ("SASRec", sasrec) })
            foreach (var (split, metrics) in new[] { ("valid", model?.Valid), ("test", model?.Test) })
                rows.Add(MetricRow(name, split, model is null ? null : Path.GetRelativePath(run.Root, model.Source), metrics, $"{name.ToLowerInvariant()}.{split}"));
        if (paper is not null) rows.Add(MetricRow(paper.Label, "test", TigerPaper.Source, paper.Metrics, "paper.test"));
        page.Table(["model", "split", .. ReportedMetrics.Keys, "users", "source"], rows, "metrics");
        ItemTextNote(page, RunMetricsTable.DatasetOf(run) ?? dataset?.Name, itemText);
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
