// Stage-1 part of the report: the semantic-ID summary numbers, the RQ-VAE training curves from
// metrics.json "history" (losses, codebook usage, share of unique IDs), and heatmaps of code usage
// (level × code) and of how codes of levels 1 and 2 co-occur. metrics.json does not carry per-code counts,
// so those come from semantic_ids.parquet via CodebookMetrics.
using System.Text.Json.Nodes;
using GenRec.Quantization;

namespace GenRec.Runs;

internal static class StageOneSections
{
    public static void Write(HtmlPage page, RunFolder run, List<string> notRun)
    {
        page.Element("h2", "Stage 1: semantic IDs");
        var metricsPath = run.PathOf(RunFolder.SemanticIdsDir, "metrics.json");
        var metrics = run.ReadJsonOrNull(RunFolder.SemanticIdsDir, "metrics.json");
        var parquetPath = run.PathOf(RunFolder.SemanticIdsDir, "semantic_ids.parquet");
        if (metrics is null && !File.Exists(parquetPath))
        {
            RunReport.NotRun(page, notRun, "semantic-ids", $"no {RunFolder.SemanticIdsDir}/metrics.json or semantic_ids.parquet");
            return;
        }
        if (metrics is not null) Summary(page, metrics);
        Curves(page, metrics, metricsPath);
        if (File.Exists(parquetPath)) Heatmaps(page, SemanticIdsParquet.Load(parquetPath));
        else page.Raw("<p class=\"not-run\">No semantic_ids.parquet: codebook heatmaps need the per-item codes.</p>");
    }

    /// <summary>Top-level scalars and per-level arrays of metrics.json (not the history or nested configs).</summary>
    static void Summary(HtmlPage page, JsonNode metrics)
    {
        var rows = new List<IReadOnlyList<Cell>>();
        foreach (var (key, value) in metrics.AsObject())
        {
            if (value is JsonValue v)
                rows.Add([key, new Cell(v.TryGetValue<double>(out var d) ? RunReport.Format(d) : v.ToString(), "num")]);
            else if (value is JsonArray a && a.All(e => e is JsonValue ev && ev.TryGetValue<double>(out _)))
                rows.Add([key, new Cell(string.Join(", ", a.Select(e => RunReport.Format(e!.GetValue<double>()))), "num")]);
        }
        page.Table(["quantity", "value"], rows, "semantic-ids");
    }

    static void Curves(HtmlPage page, JsonNode? metrics, string source)
    {
        var history = RunFolder.Objects(metrics, "history", source);
        if (history.Count == 0)
        {
            page.Raw("<p class=\"not-run\">No training history (a method without training, such as residual k-means or LSH, or no metrics.json).</p>");
            return;
        }
        var steps = history.Select((h, i) => RunFolder.Number(h, "step", $"{source} history[{i}]") ?? i).ToArray();
        var losses = new Dictionary<string, (double[], double[])>();
        foreach (var key in history[0].Select(p => p.Key).Where(k => k.EndsWith("_loss", StringComparison.Ordinal)))
            AddSeries(losses, key.Replace('_', ' '), steps, history.Select((h, i) => RunFolder.Number(h, key, $"{source} history[{i}]")));
        if (losses.Count > 0) RunCharts.LinesOrConstants(page, losses, "RQ-VAE losses", "step", "loss");

        foreach (var (key, title) in new[] { ("usage_per_level", "Codebook usage (share of codes used)"), ("perplexity_per_level", "Perplexity per level (effective codes)") })
        {
            var perLevel = history.Select((h, i) => RunFolder.Numbers(h, key, $"{source} history[{i}]")).ToArray();
            if (perLevel.Any(p => p is null)) continue;
            var levels = perLevel.Max(p => p!.Length);
            var series = new Dictionary<string, (double[], double[])>();
            for (int l = 0; l < levels; l++)
                AddSeries(series, $"level {l + 1}", steps, perLevel.Select(p => l < p!.Length ? p[l] : (double?)null));
            RunCharts.LinesOrConstants(page, series, title, "step", key.StartsWith("usage", StringComparison.Ordinal) ? "share of codes" : "perplexity");
        }

        var fractions = new Dictionary<string, (double[], double[])>();
        foreach (var key in new[] { "unique_item_fraction", "distinct_tuple_fraction" })
            if (history[0].ContainsKey(key))
                AddSeries(fractions, key.Replace('_', ' '), steps, history.Select((h, i) => RunFolder.Number(h, key, $"{source} history[{i}]")));
        if (fractions.Count > 0) RunCharts.LinesOrConstants(page, fractions, "Semantic-ID uniqueness", "step", "fraction of items");
    }

    /// <summary>Adds a series keeping only the finite points (plotly would draw NaN as a gap or fail on it).</summary>
    internal static void AddSeries(Dictionary<string, (double[], double[])> series, string name, double[] x, IEnumerable<double?> y)
    {
        var points = x.Zip(y).Where(p => p.Second is double v && double.IsFinite(v)).ToArray();
        if (points.Length > 0) series[name] = (points.Select(p => p.First).ToArray(), points.Select(p => p.Second!.Value).ToArray());
    }

    static void Heatmaps(HtmlPage page, SemanticIds ids)
    {
        var usage = CodebookMetrics.UsageHistogram(ids.Codes, ids.CodebookSize); // (L, K)
        page.Chart(RunCharts.Heatmap(Rows(usage), $"Items per code ({ids.Count} items, {ids.Levels} levels × {ids.CodebookSize} codes)",
            "code", "level (row 0 = level 1)", height: 160 + 60 * ids.Levels));
        if (ids.Levels >= 2)
            page.Chart(RunCharts.Heatmap(Rows(CodebookMetrics.CoOccurrence(ids.Codes, 0, 1, ids.CodebookSize)),
                "Co-occurrence of level-1 and level-2 codes", "level-2 code", "level-1 code", height: 800));
    }

    static double[][] Rows(long[,] m) =>
        Enumerable.Range(0, m.GetLength(0)).Select(r => Enumerable.Range(0, m.GetLength(1)).Select(c => (double)m[r, c]).ToArray()).ToArray();
}
