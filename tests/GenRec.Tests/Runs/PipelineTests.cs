// The pipeline as a library call, without the command line: Pipeline.Run on the generated 30-item dataset
// (named "toys", so the paper has a row for it) writes the run folder, reports its progress in order, puts
// Toys' row — not Beauty's — into metrics.json and report.html, and a second call reuses every stage. Cheap
// checks of the pieces: the paper's Table 2, the config records' JSON (which keys the shared semantic-ID cache
// and resumed stages), and the refusal of a folder made with another configuration.
using System.Text.Json;
using System.Text.Json.Nodes;
using GenRec.Runs;
using GenRec.Tests.TestSupport;

namespace GenRec.Tests.Runs;

public sealed class PipelineTests
{
    static PipelineOptions Short(TempDirectory temp, string dataset, string runDir) => new(dataset)
    {
        DataDir = temp.Path, CacheDir = temp.Combine("cache"), OutDir = runDir, Seed = 3, Device = "cpu",
        SemanticIdMethod = "rqvae", RqVaeSteps = 30, TigerSteps = 2, SasRecEpochs = 1,   // residual k-means needs ≥ 256 items
    };

    /// <summary>Collects reports on the pipeline's thread, in order.</summary>
    sealed class Recorder : IProgress<PipelineProgress>
    {
        public List<PipelineProgress> Reports { get; } = [];
        public void Report(PipelineProgress value) => Reports.Add(value);
    }

    [Fact]
    public void A_toys_run_writes_the_run_folder_with_toys_paper_row_and_a_second_run_reuses_every_stage()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp, "toys");
        var runDir = temp.Combine("runs", "toys");
        var progress = new Recorder();

        var result = Pipeline.Run(Short(temp, "toys", runDir), progress);

        Assert.Equal(Path.GetFullPath(runDir), result.RunDirectory);
        foreach (var file in new[] { "config.json", "metrics.json", "timings.json", "predictions_test.tsv", "report.html",
                     "semantic-ids/semantic_ids.parquet", "tiger/checkpoints/last.pt", "tiger/metrics.json", "sasrec/metrics.json" })
            Assert.True(File.Exists(Path.Combine(runDir, file)), $"missing {file}");

        // Progress: the folder first, then every stage finishes once in pipeline order; each computed stage announced itself.
        Assert.Equal(new PipelineStarted(result.RunDirectory), progress.Reports[0]);
        var finished = progress.Reports.OfType<StageFinished>().Select(f => f.Timing.Stage).ToList();
        Assert.Equal(Enum.GetValues<PipelineStage>(), finished);
        Assert.Equal([PipelineStage.SemanticIds, PipelineStage.TigerTraining, PipelineStage.TigerEvaluation, PipelineStage.SasRec],
            progress.Reports.OfType<StageStarted>().Select(s => s.Stage));
        var rqvae = progress.Reports.OfType<StageSteps>().Where(s => s.Stage == PipelineStage.SemanticIds).ToList();
        Assert.Equal((30L, 30L), (rqvae[^1].Done, rqvae[^1].Total));
        Assert.Contains(progress.Reports.OfType<StageTigerProgress>(), t => t.Report.Phase == TigerPhase.Training && t.Report.Done == 2);
        Assert.Contains(progress.Reports.OfType<StageMessage>(), m => m.Stage == PipelineStage.SasRec && m.Text.StartsWith("best epoch", StringComparison.Ordinal));
        Assert.Equal(result.Stages, progress.Reports.OfType<StageFinished>().Select(f => f.Timing));

        // metrics.json: the stages' own metrics, Toys' row of the paper naming its dataset, no wall times.
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "metrics.json")))!;
        Assert.Equal("toys", metrics["paper"]!["dataset"]!.GetValue<string>());
        Assert.Equal("Toys and Games", metrics["paper"]!["category"]!.GetValue<string>());
        Assert.Equal([0.0521, 0.0371, 0.0712, 0.0432], new[] { "recall@5", "ndcg@5", "recall@10", "ndcg@10" }.Select(k => metrics["paper"]![k]!.GetValue<double>()));
        var tigerStage = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "tiger", "metrics.json")))!;
        Assert.True(JsonNode.DeepEquals(tigerStage["test"], metrics["tiger"]!["test"]));
        Assert.Equal(result.Metrics, PipelineMetrics.Load(runDir));
        Assert.Equal("title", result.Metrics.ItemText!.Fields);
        Assert.Null(result.Metrics.ItemText.Caveat);
        Assert.DoesNotContain("seconds", File.ReadAllText(Path.Combine(runDir, "metrics.json")));
        Assert.Equal(result.Config.ToJson().ToJsonString(), PipelineConfig.Load(runDir).ToJson().ToJsonString());

        // report.html: Toys' row, labelled so, with exactly metrics.json's numbers; Beauty's row nowhere.
        var html = File.ReadAllText(result.ReportPath);
        Assert.Contains("TIGER (paper, Toys and Games)", html);
        Assert.DoesNotContain("TIGER (paper, Beauty)", html);
        var cells = RunReportTests.MetricCells(html);
        Assert.Equal(0.0712, cells["paper.test.recall@10"].Value);
        Assert.Equal(0.0432, cells["paper.test.ndcg@10"].Value);
        Assert.DoesNotContain("item-text-note", html);          // every item has a title

        // A second call: every stage reused, nothing announced, the same metrics.
        var again = new List<PipelineProgress>();
        var second = Pipeline.Run(Short(temp, "toys", runDir), again.Add);   // the callback overload, as a notebook would
        Assert.Empty(again.OfType<StageStarted>());
        Assert.Equal(7, again.OfType<StageFinished>().Count());
        Assert.Equal(["cached", "cached (run folder)", "cached", "cached", "cached"],
            second.Stages.Where(s => s.Stage is not (PipelineStage.Data or PipelineStage.Report)).Select(s => s.Status));
        Assert.Equal(result.Metrics, second.Metrics);
    }

    [Fact]
    public void Reports_never_overlap_even_while_the_embedder_counts_from_its_worker_threads()
    {
        // The embedder runs one session per core and reports from each: forwarded as they came, two reports at once
        // corrupted the CLI's progress dictionary and ended a run (found by bench/scripts/kill-resume.sh on 30 items).
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp, "toys");
        int inside = 0, overlaps = 0;
        var embedded = new List<long>();
        Pipeline.Run(Short(temp, "toys", temp.Combine("runs", "toys")) with { SasRec = false }, report =>
        {
            if (Interlocked.Increment(ref inside) > 1) Interlocked.Increment(ref overlaps);
            if (report is StageSteps { Stage: PipelineStage.Embeddings } steps)
            {
                embedded.Add(steps.Done);
                Thread.Sleep(50);   // a slow consumer: a second worker's report would arrive meanwhile
            }
            Interlocked.Decrement(ref inside);
        });
        Assert.Equal(0, overlaps);
        Assert.Equal(embedded.Order(), embedded);   // counts only rise
        Assert.Equal(TinyTigerRun.Items, embedded[^1]);
    }

    [Fact]
    public void The_paper_rows_are_table_2_of_the_paper_and_only_its_datasets_have_one()
    {
        Assert.Equal(new PaperRow("beauty", "Beauty", 0.0454, 0.0321, 0.0648, 0.0384), TigerPaper.For("beauty"));
        Assert.Equal(new PaperRow("sports", "Sports and Outdoors", 0.0264, 0.0181, 0.0400, 0.0225), TigerPaper.For("sports"));
        Assert.Equal(new PaperRow("toys", "Toys and Games", 0.0521, 0.0371, 0.0712, 0.0432), TigerPaper.For("Toys"));
        Assert.Null(TigerPaper.For("tiny"));
        Assert.Null(TigerPaper.For(null));
        Assert.Equal("TIGER (paper, Sports and Outdoors)", TigerPaper.For("sports")!.Label);
    }

    [Fact]
    public void The_stage_one_config_hashes_to_the_json_the_command_line_built_by_hand()
    {
        // The shared semantic-ID cache and every finished stage are found by fingerprints of this JSON; the
        // records must give the same text as the JsonObject the CLI built before they existed.
        var config = Resolved(new PipelineOptions("beauty") { Seed = 4, SemanticIdMethod = "rqvae", RqVaeSteps = 30 });
        var handBuilt = new JsonObject
        {
            ["method"] = "rqvae", ["estimator"] = "ste", ["steps"] = 30, ["seed"] = 4L, ["device"] = "cpu", ["embeddings"] = "beauty-x.npy",
        };
        Assert.Equal(RunStages.Fingerprint(handBuilt, "data"), RunStages.Fingerprint(config.SemanticIds, "data"));
        Assert.Equal(["dataset", "seed", "device", "embedding_model", "text_template", "semantic_ids", "tiger", "sasrec"],
            config.ToJson().Select(p => p.Key));
        Assert.Equal(["model", "trainer"], config.ToJson()["sasrec"]!.AsObject().Select(p => p.Key));
        Assert.Null(Resolved(new PipelineOptions("beauty") { SemanticIdMethod = "rqkmeans" }).SemanticIds.Steps);
        // Without a method the preset's own: the cpu decoder-only was tuned on residual k-means IDs, the encoder-decoder on RQ-VAE IDs.
        Assert.Equal("rqkmeans", Resolved(new PipelineOptions("beauty")).SemanticIds.Method);
        Assert.Equal("rqvae", Resolved(new PipelineOptions("beauty") { Model = "encoder-decoder" }).SemanticIds.Method);
        Assert.Null(Resolved(new PipelineOptions("beauty") { SasRec = false }).SasRec);
        // LSH and random IDs (the paper's ID ablation) train nothing in stage 1; an unknown method is refused.
        Assert.Null(Resolved(new PipelineOptions("beauty") { SemanticIdMethod = "lsh" }).SemanticIds.Steps);
        Assert.Equal("random", Resolved(new PipelineOptions("beauty") { SemanticIdMethod = "random" }).SemanticIds.Method);
        Assert.Throws<ArgumentException>(() => Resolved(new PipelineOptions("beauty") { SemanticIdMethod = "vq" }));
    }

    [Fact]
    public void A_run_folder_of_another_configuration_is_refused_naming_the_differing_keys()
    {
        using var temp = new TempDirectory();
        Resolved(new PipelineOptions("beauty") { Seed = 1 }).CheckOrWrite(temp.Path);
        Resolved(new PipelineOptions("beauty") { Seed = 1 }).CheckOrWrite(temp.Path);   // the same: accepted
        var error = Assert.Throws<InvalidOperationException>(() => Resolved(new PipelineOptions("beauty") { Seed = 2, TigerSteps = 7 }).CheckOrWrite(temp.Path));
        Assert.Contains("different configuration (seed, semantic_ids.seed, ", error.Message);
        Assert.Contains("tiger.fit.max_steps", error.Message);
    }

    [Fact]
    public void Default_run_folder_names_dataset_preset_model_only_when_not_the_default_and_seed()
    {
        Assert.Equal(Path.Combine("runs", "toys-cpu-seed2"), new PipelineOptions("toys") { Seed = 2 }.RunDirectory);
        var other = TigerPresets.List.First(p => p.Name == "cpu" && p.Model != TigerPresets.DefaultModel("cpu")).Model;
        Assert.Equal(Path.Combine("runs", $"beauty-cpu-{other}-seed0"), new PipelineOptions { Model = other }.RunDirectory);
        Assert.Equal("elsewhere", new PipelineOptions { OutDir = "elsewhere" }.RunDirectory);
        Assert.Throws<ArgumentException>(() => new PipelineOptions { Preset = "gpu" }.RunDirectory);
    }

    static PipelineConfig Resolved(PipelineOptions options)
    {
        var embeddings = new GenRec.Text.CatalogueEmbeddingsResult(
            new GenRec.Text.EmbeddingCacheResult(new GenRec.Text.ItemEmbeddings([1], 1, [1f]), CacheHit: true, FilePath: "/cache/embeddings/beauty-x.npy", Warning: null),
            "all-MiniLM-L6-v2", "title-brand-categories-keywordsifnotitle-v1", new GenRec.Text.ItemTextCoverage(1, 1, 0, 0, 0));
        return PipelineConfig.Resolve(options, "cpu", embeddings);
    }
}
