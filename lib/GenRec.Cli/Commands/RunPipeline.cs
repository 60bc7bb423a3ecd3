// The stages of `genrec run`, in order, each skipped when its folder already holds a finished result for the
// same inputs. Stage 1 (semantic IDs) is also cached across run folders under the cache root, keyed by its
// inputs, so changing only the TIGER preset reuses the semantic IDs.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenRec.Data;
using GenRec.IO;
using GenRec.Quantization;
using GenRec.Runs;
using Spectre.Console;
using TorchSharp;

namespace GenRec.Cli.Commands;

public static class RunPipeline
{
    /// <summary>Paper's TIGER row on Amazon Beauty (Rajput et al. 2023, Table 2).</summary>
    public static readonly IReadOnlyDictionary<string, double> PaperBeauty = new Dictionary<string, double>
    {
        ["recall@5"] = 0.0454, ["ndcg@5"] = 0.0321, ["recall@10"] = 0.0648, ["ndcg@10"] = 0.0384,
    };

    public static int Execute(RunOptions options, TextWriter output)
    {
        var total = Stopwatch.StartNew();
        var runDir = PrepareRunFolder(options.OutDir);
        var stages = new List<(string Stage, string Status, double Seconds)>();
        output.WriteLine($"run folder: {runDir}");

        // Data: fails early, with one line, on an unknown dataset or a missing data folder.
        var clock = Stopwatch.StartNew();
        var data = DatasetLoading.Load(options.Dataset, options.DataDir, options.CacheDir);
        var dataFingerprint = RunStages.DataFingerprint(data);
        stages.Add(("data", $"{data.Users.Count:N0} users, {data.Items.Count:N0} items", clock.Elapsed.TotalSeconds));

        // Embeddings: the embedding cache decides (its file name carries model, template and text hash).
        clock.Restart();
        var (embedded, modelId, templateId) = EmbedCommand.Embed(data, options.CacheDir, console: output);
        stages.Add(("embeddings", embedded.CacheHit ? "cached" : "computed", clock.Elapsed.TotalSeconds));

        var device = TorchDevice.Pick(options.Device).type == DeviceType.CUDA ? "cuda" : "cpu";
        var stage1 = new JsonObject
        {
            ["method"] = options.SemanticIdMethod,
            ["estimator"] = "ste",
            ["steps"] = options.SemanticIdMethod == "rqvae" ? options.RqVaeSteps ?? new RqVaeTrainingConfig().Steps : null,
            ["seed"] = options.Seed,
            ["device"] = device,
            ["embeddings"] = Path.GetFileName(embedded.FilePath),
        };
        var config = new JsonObject
        {
            ["dataset"] = options.Dataset,
            ["seed"] = options.Seed,
            ["device"] = device,
            ["embedding_model"] = modelId,
            ["text_template"] = templateId,
            ["semantic_ids"] = stage1.DeepClone(),
            ["tiger"] = StageTwo.TigerConfigJson(options),
            ["sasrec"] = options.SasRec ? StageTwo.SasRecConfigJson(options) : null,
        };
        RunStages.CheckOrWriteConfig(runDir, config);

        // Stage 1: semantic IDs.
        clock.Restart();
        var stage1Fingerprint = RunStages.Fingerprint(stage1, dataFingerprint);
        var idsDir = Path.Combine(runDir, "semantic-ids");
        string status;
        if (RunStages.IsDone(idsDir, stage1Fingerprint)) status = "cached (run folder)";
        else
        {
            RunStages.Invalidate(idsDir);
            var shared = Path.Combine(DatasetLoading.CacheRoot(options.CacheDir), "semantic-ids", $"{options.Dataset}-{options.SemanticIdMethod}-{stage1Fingerprint}");
            if (RunStages.IsDone(shared, stage1Fingerprint)) status = "cached (shared cache)";
            else
            {
                output.WriteLine($"== semantic IDs ({options.SemanticIdMethod}, seed {options.Seed}) → {shared}");
                ComputeSemanticIds(options, embedded.Embeddings, device, shared, output);
                RunStages.MarkDone(shared, stage1Fingerprint, clock.Elapsed.TotalSeconds);
                status = "computed";
            }
            RunStages.CopyFiles(shared, idsDir);
        }
        stages.Add(("semantic IDs", status, clock.Elapsed.TotalSeconds));

        // Stage 2 and the control.
        var stageTwo = new StageTwo(options, runDir, data, idsDir, output);
        stages.AddRange(stageTwo.Run(stage1Fingerprint));

        // Summary: top-level metrics.json, TIGER's test predictions at the top, and the report.
        clock.Restart();
        var metrics = stageTwo.SummaryMetrics(PaperBeauty);
        // Timings go into their own file: metrics.json must be identical for the same seed, wall times never are.
        // Wall time of this invocation up to the report; stages reused from an earlier one are named, not timed again.
        RunFiles.WriteJson(Path.Combine(runDir, "timings.json"), new JsonObject
        {
            ["wall_seconds"] = Math.Round(total.Elapsed.TotalSeconds, 1),
            ["stages"] = new JsonArray([.. stages.Select(s => (JsonNode)new JsonObject
            {
                ["stage"] = s.Stage, ["status"] = s.Status, ["seconds"] = Math.Round(s.Seconds, 1),
            })]),
        });
        AtomicFile.WriteText(Path.Combine(runDir, "metrics.json"), metrics.ToJsonString(RunFiles.Json));
        File.Copy(Path.Combine(runDir, "tiger", "predictions_test.tsv"), Path.Combine(runDir, "predictions_test.tsv"), overwrite: true);
        stageTwo.WriteReport();
        stages.Add(("report", "written", clock.Elapsed.TotalSeconds));

        PrintSummary(output, stages, metrics, total.Elapsed, runDir);
        return 0;
    }

    /// <summary>Creates the run folder and proves it is writable before any expensive work starts.</summary>
    static string PrepareRunFolder(string outDir)
    {
        string full;
        try
        {
            full = Directory.CreateDirectory(outDir).FullName;
            var probe = Path.Combine(full, $".write-test-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write to the output folder \"{outDir}\": {e.Message}", e);
        }
        return full;
    }

    static void ComputeSemanticIds(RunOptions options, GenRec.Text.ItemEmbeddings embeddings, string device, string outDir, TextWriter output)
    {
        if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true); // an earlier attempt died half-way
        Directory.CreateDirectory(outDir);
        using var x = torch.tensor(embeddings.Vectors, embeddings.Count, embeddings.Dimension).to(new torch.Device(device)); // (N, D)
        var request = new SemanticIdRequest(options.SemanticIdMethod, "ste", options.Seed, options.RqVaeSteps, device, outDir);
        var steps = options.RqVaeSteps ?? new RqVaeTrainingConfig().Steps;
        var clock = Stopwatch.StartNew();
        var (ids, metrics) = EmbedCommand.WithProgress(steps, $"semantic IDs ({options.SemanticIdMethod})", progress =>
            SemanticIdRunner.Run(request, x, embeddings.ItemIds, new StepProgress(progress)), output);
        metrics["wall_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
        metrics["dataset"] = options.Dataset;
        SemanticIdsParquet.Save(ids, Path.Combine(outDir, "semantic_ids.parquet"));
        RunFiles.WriteJson(Path.Combine(outDir, "metrics.json"), metrics);
    }

    static void PrintSummary(TextWriter output, List<(string Stage, string Status, double Seconds)> stages, JsonObject metrics, TimeSpan total, string runDir)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Detect });
        var stageTable = new Table().AddColumns("stage", "status", "wall s");
        foreach (var (stage, status, seconds) in stages) stageTable.AddRow(Markup.Escape(stage), Markup.Escape(status), seconds.ToString("F1"));
        console.Write(stageTable);

        var table = new Table().AddColumns("model", "split", "Recall@5", "NDCG@5", "Recall@10", "NDCG@10");
        foreach (var (model, node) in metrics)
        {
            if (node is not JsonObject splits) continue;
            if (model == "paper") { table.AddRow(["TIGER (paper)", "test", .. Row(splits)]); continue; }
            foreach (var split in new[] { "valid", "test" })
                if (splits[split] is JsonObject values) table.AddRow([model, split, .. Row(values)]);
        }
        console.Write(table);
        output.WriteLine($"done in {total.TotalMinutes:F1} min → {Path.Combine(runDir, "report.html")}");

        static string[] Row(JsonObject values) =>
            new[] { "recall@5", "ndcg@5", "recall@10", "ndcg@10" }.Select(k => values[k]?.GetValue<double>().ToString("F4") ?? "-").ToArray();
    }

    /// <summary>Turns the trainer's step reports into the integer progress a bar shows.</summary>
    sealed class StepProgress(IProgress<int> steps) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => steps.Report(value.Step);
    }
}
