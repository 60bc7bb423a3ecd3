// RunReport on a generated run folder: the metric numbers on the page are the ones in metrics.json (parsed
// back out of the HTML), plotly.js is inlined exactly once with no network reference, the codebook heatmap
// holds the hand-computed per-code counts from semantic_ids.parquet, missing stages read "not run", examples
// mark hits with titles, and a malformed metrics.json fails naming file and line.
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenRec.Runs;

namespace GenRec.Tests.Runs;

public sealed class RunReportTests
{
    /// <summary>Charts of the full fixture: stage 1 = 4 curves + 2 heatmaps; TIGER = loss, learning rate, validation.</summary>
    // Summary bars, RQ-VAE losses, 2 codebook heatmaps, TIGER loss, learning rate and validation: 7. The fixture's
    // stage-1 usage, perplexity and uniqueness histories are constant (the same codes at both steps): text, not charts.
    internal const int FullFixtureCharts = 7;

    [Fact]
    public void Metrics_on_the_page_are_the_numbers_in_metrics_json()
    {
        using var run = new TinyRun();
        var result = RunReport.Write(run.RunDir, run.Dataset);
        var html = File.ReadAllText(result.Path);
        var cells = MetricCells(html);

        var top = JsonNode.Parse(File.ReadAllText(Path.Combine(run.RunDir, "metrics.json")))!;
        var sasrec = JsonNode.Parse(File.ReadAllText(Path.Combine(run.RunDir, "sasrec", "metrics.json")))!;
        var expected = new Dictionary<string, double>();
        foreach (var key in ReportedMetrics.Keys)
        {
            expected[$"tiger.valid.{key}"] = top["tiger"]!["valid"]![key]!.GetValue<double>();
            expected[$"tiger.test.{key}"] = top["tiger"]!["test"]![key]!.GetValue<double>();
            expected[$"sasrec.valid.{key}"] = sasrec["valid"]![key]!.GetValue<double>();
            expected[$"sasrec.test.{key}"] = sasrec["test"]![key]!.GetValue<double>();
            expected[$"paper.test.{key}"] = top["paper"]![key]!.GetValue<double>();
        }
        Assert.Equal(expected.Keys.Order(), cells.Keys.Order());
        foreach (var (id, value) in expected)
        {
            Assert.Equal(value, cells[id].Value); // full precision attribute
            Assert.Equal(value, cells[id].Shown, 4); // the 4-decimal text a reader sees
        }
        // Independent hand values: TIGER test recall@5 = 2/3 (users 1 and 3 hit), NDCG@5 = (1 + 1/log2 3)/3.
        Assert.Equal(2.0 / 3, cells["tiger.test.recall@5"].Value, 12);
        Assert.Equal((1 + 1 / Math.Log2(3)) / 3, cells["tiger.test.ndcg@5"].Value, 12);
        Assert.Equal(0.0648, cells["paper.test.recall@10"].Value);
    }

    [Fact]
    public void Plotly_js_is_inlined_once_and_nothing_is_loaded_from_the_network()
    {
        using var run = new TinyRun();
        var result = RunReport.Write(run.RunDir, run.Dataset);
        var html = File.ReadAllText(result.Path);

        Assert.Equal(FullFixtureCharts, result.ChartCount);
        var body = html[html.IndexOf("</head>", StringComparison.Ordinal)..]; // plotly.js itself mentions newPlot
        Assert.Equal(FullFixtureCharts, Regex.Matches(body, "Plotly\\.newPlot\\(").Count);
        Assert.Equal(FullFixtureCharts, Regex.Matches(html, "<div class=\"chart\">").Count);
        // The library's opening text appears once: one copy of plotly.js for all charts.
        var libraryStart = GenRec.Plots.PlotlyHtml.Library.Value[..200];
        Assert.Single(Regex.Matches(html, Regex.Escape(libraryStart)));
        Assert.Single(Regex.Matches(html, "<script type=\"text/javascript\">\n"));
        Assert.DoesNotMatch("<script[^>]+src=", html);
        Assert.DoesNotContain("cdn.plot.ly", body); // (plotly.js itself names the CDN as a default it never uses here)
        Assert.InRange(html.Length, GenRec.Plots.PlotlyHtml.Library.Value.Length, GenRec.Plots.PlotlyHtml.Library.Value.Length + 1_000_000);
    }

    [Fact]
    public void Codebook_heatmap_holds_per_code_counts_from_the_parquet_file()
    {
        using var run = new TinyRun();
        var html = File.ReadAllText(RunReport.Write(run.RunDir, run.Dataset).Path);
        // Items per code, by hand from TinyRun.Codes: level 1 codes {0,0,1,0} → [3,1,0]; level 2 {1,2,1,1} → [0,3,1].
        Assert.Contains("\"z\":[[3.0,1.0,0.0],[0.0,3.0,1.0]]", html);
        // Level-1 × level-2 pairs: (0,1) twice, (0,2) once, (1,1) once.
        Assert.Contains("\"z\":[[0.0,2.0,1.0],[0.0,1.0,0.0],[0.0,0.0,0.0]]", html);
    }

    [Fact]
    public void Same_run_folder_gives_a_byte_identical_page()
    {
        using var run = new TinyRun();
        var first = File.ReadAllText(RunReport.Write(run.RunDir, run.Dataset).Path);
        var second = File.ReadAllText(RunReport.Write(run.RunDir, run.Dataset).Path);
        Assert.Equal(first, second);
        Assert.Contains("<div id=\"chart-1\">", first); // numbered, not a fresh GUID per write
        Assert.Contains($"renderPlotly_chart{FullFixtureCharts}()", first);
    }

    [Fact]
    public void The_page_leads_with_the_summary_and_ends_with_the_folded_configuration()
    {
        using var run = new TinyRun();
        run.Json("timings.json", new JsonObject { ["wall_seconds"] = 2222.0, ["stages"] = new JsonArray() });
        var html = File.ReadAllText(RunReport.Write(run.RunDir, run.Dataset).Path);

        var headings = Regex.Matches(html, "<h2>([^<]+)</h2>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal("Summary", headings[0]);
        Assert.Equal(["Dataset", "Configuration"], headings[^2..]);
        var summary = html[html.IndexOf("<h2>Summary</h2>", StringComparison.Ordinal)..html.IndexOf("<h2>Stage 1", StringComparison.Ordinal)];
        Assert.Contains("dataset <b>tiny</b>", summary);
        Assert.Contains("whole run 37 min 2 s", summary);
        Assert.Contains("<div class=\"chart\">", summary);                        // the grouped bars
        Assert.Contains("TIGER's test Recall@10 is", summary);
        // the summary table holds exactly the test numbers of metrics.json (TIGER), sasrec/metrics.json and the paper
        var top = JsonNode.Parse(File.ReadAllText(Path.Combine(run.RunDir, "metrics.json")))!;
        var sasrec = JsonNode.Parse(File.ReadAllText(Path.Combine(run.RunDir, "sasrec", "metrics.json")))!;
        var cells = Regex.Matches(summary, "data-summary=\"([^\"]+)\" data-value=\"([^\"]+)\"")
            .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(12, cells.Count);
        foreach (var key in ReportedMetrics.Keys)
        {
            Assert.Equal(top["tiger"]!["test"]![key]!.GetValue<double>(), cells[$"tiger.test.{key}"]);
            Assert.Equal(sasrec["test"]![key]!.GetValue<double>(), cells[$"sasrec.test.{key}"]);
            Assert.Equal(top["paper"]![key]!.GetValue<double>(), cells[$"paper.test.{key}"]);
        }
        // configuration and dataset statistics are folded
        Assert.Matches("<h2>Configuration</h2>\n<details class=\"config\"><summary>", html);
        Assert.Matches("<h2>Dataset</h2>\n<details class=\"dataset\"><summary>", html);
    }

    [Fact]
    public void Validations_with_seconds_put_both_models_on_one_time_axis()
    {
        using var run = new TinyRun();
        Assert.DoesNotContain("learning per second", File.ReadAllText(RunReport.Write(run.RunDir, run.Dataset).Path)); // the fixture logs no seconds
        run.Json(Path.Combine("tiger", "training_history.json"), new JsonObject
        {
            ["train"] = new JsonArray(new JsonObject { ["step"] = 1, ["loss"] = 3.0, ["learning_rate"] = 0.001 }, new JsonObject { ["step"] = 2, ["loss"] = 2.0, ["learning_rate"] = 0.002 }),
            ["validation"] = new JsonArray(new JsonObject { ["step"] = 1, ["recall@10"] = 0.01, ["seconds"] = 30.0 }, new JsonObject { ["step"] = 2, ["recall@10"] = 0.02, ["seconds"] = 60.0 }),
        });
        run.Json(Path.Combine("sasrec", "training_history.json"), new JsonObject
        {
            ["train"] = new JsonArray(),
            ["validation"] = new JsonArray(new JsonObject { ["step"] = 5, ["recall@10"] = 0.05, ["seconds"] = 12.5 }),
        });
        var html = File.ReadAllText(RunReport.Write(run.RunDir, run.Dataset).Path);
        Assert.Contains("<h2>Stage 2: learning per second</h2>", html);
        Assert.Contains("\"x\":[30.0,60.0],\"y\":[0.01,0.02]", html);   // TIGER's curve on the seconds axis
        Assert.Contains("\"x\":[12.5],\"y\":[0.05]", html);             // SASRec's
    }

    [Fact]
    public void A_constant_series_is_a_sentence_not_a_chart()
    {
        using var run = new TinyRun();
        run.Json(Path.Combine("sasrec", "training_history.json"), new JsonObject
        {
            ["train"] = new JsonArray(
                new JsonObject { ["step"] = 1, ["loss"] = 5.0, ["learning_rate"] = 0.001 },
                new JsonObject { ["step"] = 2, ["loss"] = 4.0, ["learning_rate"] = 0.001 }),
            ["validation"] = new JsonArray(),
        });
        var result = RunReport.Write(run.RunDir, run.Dataset);
        var html = File.ReadAllText(result.Path);
        Assert.Contains("SASRec learning rate — learning rate: constant 0.0010 over step 1–2.", html);
        Assert.DoesNotContain("\"text\":\"SASRec learning rate\"", html);   // no chart titled so
        Assert.Contains("\"text\":\"SASRec training loss\"", html);          // the varying loss is still drawn
        Assert.Equal(FullFixtureCharts + 1, result.ChartCount);
    }

    [Fact]
    public void Missing_stages_are_shown_as_not_run()
    {
        using var run = new TinyRun(withSasRec: false, withTigerHistory: false);
        File.Delete(Path.Combine(run.RunDir, "config.json"));
        var result = RunReport.Write(run.RunDir, dataset: null);
        var html = File.ReadAllText(result.Path);

        Assert.Equal(["tiger", "sasrec", "examples", "dataset", "config"], result.NotRun);
        foreach (var section in result.NotRun) Assert.Contains($"data-section=\"{section}\">not run", html);
        Assert.Equal(4, result.ChartCount); // summary bars (TIGER beside the paper), RQ-VAE losses, 2 heatmaps
        var cells = MetricCells(html);
        Assert.DoesNotContain(cells.Keys, k => k.StartsWith("sasrec.", StringComparison.Ordinal));
        Assert.Equal(12, Regex.Matches(html, "<td class=\"not-run\">not run</td>").Count); // SASRec: summary row + valid + test rows, 4 metrics each
        Assert.True(cells.ContainsKey("tiger.test.ndcg@10"));
    }

    [Fact]
    public void Empty_run_folder_still_gives_a_page_and_names_no_paper_row_for_an_unknown_dataset()
    {
        using var temp = new TestSupport.TempDirectory();
        var result = RunReport.Write(temp.Path);
        var html = File.ReadAllText(result.Path);
        Assert.Equal(0, result.ChartCount);
        Assert.DoesNotContain("<script", html); // no charts, no plotly.js
        // Nothing names the dataset, so no paper row is the yardstick (it used to be Beauty's, whatever the run).
        Assert.DoesNotContain(MetricCells(html).Keys, k => k.StartsWith("paper.", StringComparison.Ordinal));
        Assert.Contains("The TIGER paper has no row for this run's dataset", html);
        Assert.Contains("semantic-ids", result.NotRun);
    }

    [Fact]
    public void The_paper_row_is_the_run_datasets_and_is_labelled_with_it()
    {
        using var run = new TinyRun();
        var top = JsonNode.Parse(File.ReadAllText(Path.Combine(run.RunDir, "metrics.json")))!.AsObject();

        // As the pipeline writes it for a Toys run: Toys' row, naming the dataset.
        top["paper"] = JsonSerializer.SerializeToNode(TigerPaper.For("toys"), RunFiles.Json);
        run.Json("metrics.json", top);
        var html = File.ReadAllText(RunReport.Write(run.RunDir, run.Dataset).Path);
        Assert.Contains("<td>TIGER (paper, Toys and Games)</td>", html);
        Assert.Equal(0.0521, MetricCells(html)["paper.test.recall@5"].Value);
        Assert.DoesNotContain("(paper, Beauty)", html);

        // No "paper" in metrics.json: the row of the dataset config.json names.
        top.Remove("paper");
        run.Json("metrics.json", top);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(run.RunDir, "config.json")))!.AsObject();
        config["dataset"] = "sports";
        run.Json("config.json", config);
        html = File.ReadAllText(RunReport.Write(run.RunDir, run.Dataset).Path);
        Assert.Contains("<td>TIGER (paper, Sports and Outdoors)</td>", html);
        Assert.Equal(0.0225, MetricCells(html)["paper.test.ndcg@10"].Value);

        // A dataset of no paper: no row, and the page says so.
        config["dataset"] = "tiny";
        run.Json("config.json", config);
        html = File.ReadAllText(RunReport.Write(run.RunDir, run.Dataset).Path);
        Assert.DoesNotContain(MetricCells(html).Keys, k => k.StartsWith("paper.", StringComparison.Ordinal));
        Assert.Contains("The TIGER paper has no row for dataset <b>tiny</b>", html);
    }

    [Fact]
    public void A_paper_object_without_a_dataset_is_labelled_beauty_whose_row_it_is()
    {
        // metrics.json written before rows were per dataset always held Beauty's row (TinyRun writes one such).
        using var run = new TinyRun();
        var html = File.ReadAllText(RunReport.Write(run.RunDir, run.Dataset).Path);
        Assert.Contains("<td>TIGER (paper, Beauty)</td>", html);
    }

    [Fact]
    public void Items_without_titles_are_named_beside_the_results()
    {
        using var run = new TinyRun();
        // TinyRun's dataset: item 2 of 4 has no title (no item_text in metrics.json: counted from the dataset).
        var html = File.ReadAllText(RunReport.Write(run.RunDir, run.Dataset).Path);
        Assert.Contains("item text title + brand + categories", html);
        Assert.Equal(2, Regex.Matches(html, "<p class=\"item-text-note\"><b>tiny</b>: 1 of 4 items have no title").Count); // summary and all metrics

        // As the pipeline records a Sports-like dataset: no item has a title.
        var top = JsonNode.Parse(File.ReadAllText(Path.Combine(run.RunDir, "metrics.json")))!.AsObject();
        top["item_text"] = JsonSerializer.SerializeToNode(new GenRec.Text.ItemTextCoverage(4, 0, 3, 4, 4), RunFiles.Json);
        run.Json("metrics.json", top);
        html = File.ReadAllText(RunReport.Write(run.RunDir, run.Dataset).Path);
        Assert.Contains("Item text is brand + categories + keywords: this dataset has no titles", html);
    }

    [Fact]
    public void Examples_show_titles_and_mark_the_held_out_item_when_recommended()
    {
        using var run = new TinyRun();
        var examples = RecommendationExamples.Pick(run.Dataset, Path.Combine(run.RunDir, "predictions_test.tsv"), count: 3, topK: 5, historyLength: 10);
        // Hits first (users 1 and 3, file order), then the miss (user 2).
        Assert.Equal([1, 3, 2], examples.Select(e => e.UserId));
        Assert.Equal([true, true, false], examples.Select(e => e.Hit));
        Assert.Equal([2, 1, 4, 3], examples[1].History); // user 3: 2 1 4 3 | 2

        var html = WebUtility.HtmlDecode(File.ReadAllText(RunReport.Write(run.RunDir, run.Dataset).Path));
        Assert.Contains("<li class=\"hit\">✔ Café Soap</li>", html); // user 1's top item is its held-out item 4
        Assert.Contains("<li>Nail \"Gloss\"</li>", html);
        Assert.Contains("(item 2, no title)", html);
    }

    [Fact]
    public void Malformed_metrics_json_fails_naming_file_and_line()
    {
        using var run = new TinyRun();
        var path = Path.Combine(run.RunDir, "tiger", "metrics.json");
        File.WriteAllText(path, "{\n  \"valid\": {\"recall@5\": 0.1,\n  \"test\": oops\n}");
        File.Delete(Path.Combine(run.RunDir, "metrics.json")); // so the stage file is the one read
        var error = Assert.Throws<InvalidDataException>(() => RunReport.Write(run.RunDir, run.Dataset));
        Assert.Contains(path + ":3:", error.Message);

        File.WriteAllText(path, "{\"valid\": {\"recall@5\": \"high\"}}");
        error = Assert.Throws<InvalidDataException>(() => RunReport.Write(run.RunDir, run.Dataset));
        Assert.Contains(path, error.Message);
        Assert.Contains("\"recall@5\" must be a number", error.Message);
        Assert.False(File.Exists(Path.Combine(run.RunDir, "report.html"))); // nothing half-written
    }

    /// <summary>data-metric id → (full-precision data-value, the number shown in the cell).</summary>
    internal static Dictionary<string, (double Value, double Shown)> MetricCells(string html) =>
        Regex.Matches(html, "<td class=\"num\" data-metric=\"([^\"]+)\" data-value=\"([^\"]+)\">([^<]+)</td>")
            .ToDictionary(m => m.Groups[1].Value, m => (
                double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)));
}
