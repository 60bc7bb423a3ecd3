// The whole TIGER pipeline as one library call — what `genrec run` does, callable from a notebook or a test:
//   data → MiniLM item embeddings → semantic IDs → TIGER training → TIGER evaluation → SASRec control →
//   metrics.json, timings.json, predictions_test.tsv, report.html
// into one run folder. Finished stages are reused: each stage folder carries a marker naming its inputs
// (RunStages), the semantic IDs are also cached across run folders under <cache>/semantic-ids/ keyed by
// their inputs (so changing only the TIGER preset reuses them), and a run folder refuses a configuration
// other than the one it was made with (PipelineConfig). Progress goes to an IProgress; nothing is printed.
using System.Diagnostics;
using GenRec.Data;
using GenRec.Quantization;
using GenRec.Text;
using TorchSharp;

namespace GenRec.Runs;

/// <summary>What <see cref="Pipeline"/>.Run left in the run folder.</summary>
/// <param name="RunDirectory">Full path of the run folder.</param>
/// <param name="Config">The resolved configuration (config.json).</param>
/// <param name="Metrics">The summary metrics (metrics.json), with the paper's row for the dataset.</param>
/// <param name="Stages">How each stage went in this call (timings.json).</param>
/// <param name="WallSeconds">Wall time of this call up to the report.</param>
/// <param name="ReportPath">Full path of report.html.</param>
public sealed record PipelineResult(string RunDirectory, PipelineConfig Config, PipelineMetrics Metrics,
    IReadOnlyList<StageTiming> Stages, double WallSeconds, string ReportPath);

/// <summary>Runs the whole pipeline into one run folder, reusing whatever an earlier call finished.</summary>
public static class Pipeline
{
    /// <summary>
    /// Runs every stage of <paramref name="options"/> into <see cref="PipelineOptions.RunDirectory"/>. Fails before
    /// any expensive work on an unwritable folder, an unknown dataset or missing data (<see cref="IOException"/>,
    /// <see cref="DirectoryNotFoundException"/>, <see cref="ArgumentException"/>), and on a run folder holding another
    /// configuration (<see cref="InvalidOperationException"/> naming the differing keys).
    /// </summary>
    public static PipelineResult Run(PipelineOptions options, IProgress<PipelineProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var total = Stopwatch.StartNew();
        var runDir = PrepareRunFolder(options.RunDirectory);
        var stages = new List<StageTiming>();
        progress?.Report(new PipelineStarted(runDir));

        // Data: fails early, with one line, on an unknown dataset or a missing data folder.
        var clock = Stopwatch.StartNew();
        var data = DatasetLoading.Load(options.Dataset, options.DataDir, options.CacheDir);
        var dataFingerprint = RunStages.DataFingerprint(data);
        stages.Add(Finished(PipelineStage.Data, $"{data.Users.Count:N0} users, {data.Items.Count:N0} items", clock));

        // Embeddings: the embedding cache decides (its file name carries model, template and text hash).
        clock.Restart();
        var label = $"embedding {data.Items.Count:N0} {data.Name} items";
        var embedded = CatalogueEmbeddings.GetOrCompute(data, DatasetLoading.CacheRoot(options.CacheDir),
            progress: Steps(PipelineStage.Embeddings, label, data.Items.Count),
            warn: warning => progress?.Report(new StageMessage(PipelineStage.Embeddings, warning)));
        stages.Add(Finished(PipelineStage.Embeddings, embedded.Cache.CacheHit ? "cached" : "computed", clock));

        var device = TorchDevice.Pick(options.Device).type == DeviceType.CUDA ? "cuda" : "cpu";
        var config = PipelineConfig.Resolve(options, device, embedded);
        config.CheckOrWrite(runDir);

        clock.Restart();
        var (idsDir, stage1Fingerprint, status) = SemanticIds(options, config, runDir, embedded.Cache.Embeddings, dataFingerprint, progress);
        stages.Add(Finished(PipelineStage.SemanticIds, status, clock));

        stages.AddRange(new PipelineStageTwo(options, config, runDir, data, idsDir, progress).Run(stage1Fingerprint));

        // Summary: top-level metrics.json, TIGER's test predictions at the top, and the report.
        clock.Restart();
        var metrics = PipelineMetrics.Collect(runDir, options.Dataset, options.Preset, options.Seed, embedded.Coverage);
        // Timings go into their own file: metrics.json must be identical for the same seed, wall times never are.
        // Wall time of this invocation up to the report; stages reused from an earlier one are named, not timed again.
        var wall = total.Elapsed.TotalSeconds;
        RunTimings.From(wall, stages).Save(runDir);
        metrics.Save(runDir);
        GenRec.IO.AtomicFile.Copy(Path.Combine(runDir, RunFolder.TigerDir, "predictions_test.tsv"), Path.Combine(runDir, "predictions_test.tsv"));
        var report = RunReport.Write(runDir, data);
        stages.Add(Finished(PipelineStage.Report, "written", clock));
        return new PipelineResult(runDir, config, metrics, stages, wall, report.Path);

        StageTiming Finished(PipelineStage stage, string status, Stopwatch stageClock)
        {
            var timing = new StageTiming(stage, status, stageClock.Elapsed.TotalSeconds);
            progress?.Report(new StageFinished(timing));
            return timing;
        }

        // The embedder reports from its worker threads at the same time: one report at a time, counts only rising
        // (concurrent reports used to corrupt the console's progress dictionary and end the run with an
        // InvalidOperationException, "Operations that change non-concurrent collections must have exclusive access").
        IProgress<int>? Steps(PipelineStage stage, string what, int count) =>
            progress is null ? null : new Serialized(done => progress.Report(new StageSteps(stage, what, done, count)));
    }

    /// <summary>
    /// <see cref="Run(PipelineOptions, IProgress{PipelineProgress}?)"/> with progress handed to <paramref name="onProgress"/>
    /// one at a time and in order (on the pipeline's thread, except the embedder's counts, which come from its
    /// worker threads) — for a notebook: <c>Pipeline.Run(options, p => Console.WriteLine(p))</c>.
    /// </summary>
    public static PipelineResult Run(PipelineOptions options, Action<PipelineProgress> onProgress)
    {
        ArgumentNullException.ThrowIfNull(onProgress);
        return Run(options, new Immediate<PipelineProgress>(onProgress));
    }

    /// <summary>
    /// Stage 1: the run folder's semantic-ids/ when it finished with these inputs, else the shared cache's copy,
    /// else computed into the shared cache; returns the folder, its fingerprint and how it was obtained.
    /// </summary>
    static (string Dir, string Fingerprint, string Status) SemanticIds(PipelineOptions options, PipelineConfig config, string runDir,
        ItemEmbeddings embeddings, string dataFingerprint, IProgress<PipelineProgress>? progress)
    {
        var stage1 = config.SemanticIds;
        var fingerprint = RunStages.Fingerprint(stage1, dataFingerprint);
        var idsDir = Path.Combine(runDir, RunFolder.SemanticIdsDir);
        if (Checked(idsDir, "copying them again")) return (idsDir, fingerprint, "cached (run folder)");
        RunStages.Invalidate(idsDir);
        var shared = Path.Combine(DatasetLoading.CacheRoot(options.CacheDir), "semantic-ids", $"{options.Dataset}-{stage1.Method}-{fingerprint}");
        var status = "cached (shared cache)";
        if (!Checked(shared, "computing them again"))
        {
            progress?.Report(new StageStarted(PipelineStage.SemanticIds, $"semantic IDs ({stage1.Method}, seed {stage1.Seed}) → {shared}"));
            var clock = Stopwatch.StartNew();
            ComputeSemanticIds(options.Dataset, stage1, embeddings, shared, progress);
            RunStages.MarkDone(shared, fingerprint, clock.Elapsed.TotalSeconds, outputs: RunStages.OutputsOf(shared));
            status = "computed";
        }
        RunStages.CopyFiles(shared, idsDir);
        return (idsDir, fingerprint, status);

        // A finished stage folder whose marker or files were damaged afterwards is redone, with one warning line.
        bool Checked(string dir, string action)
        {
            var check = RunStages.Check(dir, fingerprint);
            if (check.Problem is { } problem) progress?.Report(new StageMessage(PipelineStage.SemanticIds, $"warning: {problem}; {action}."));
            return check.Done;
        }
    }

    static void ComputeSemanticIds(string dataset, SemanticIdStageConfig stage1, ItemEmbeddings embeddings, string outDir, IProgress<PipelineProgress>? progress)
    {
        if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true); // an earlier attempt died half-way
        Directory.CreateDirectory(outDir);
        using var x = torch.tensor(embeddings.Vectors, embeddings.Count, embeddings.Dimension).to(new torch.Device(stage1.Device)); // (N, D)
        var request = new SemanticIdRequest(stage1.Method, stage1.Estimator, stage1.Seed, stage1.Steps, stage1.Device, outDir);
        var steps = stage1.Steps ?? new RqVaeTrainingConfig().Steps;
        var label = $"semantic IDs ({stage1.Method})";
        var clock = Stopwatch.StartNew();
        var (ids, metrics) = SemanticIdRun.Run(request, x, embeddings.ItemIds,
            progress is null ? null : new Immediate<TrainingProgress>(p => progress.Report(new StageSteps(PipelineStage.SemanticIds, label, p.Step, steps))));
        metrics["wall_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
        metrics["dataset"] = dataset;
        SemanticIdsParquet.Save(ids, Path.Combine(outDir, "semantic_ids.parquet"));
        RunFiles.WriteJson(Path.Combine(outDir, "metrics.json"), metrics);
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

    /// <summary>Counts reported from several threads, passed on one at a time and only when larger than the last.</summary>
    sealed class Serialized(Action<int> report) : IProgress<int>
    {
        readonly Lock gate = new();
        int last = int.MinValue;

        public void Report(int value)
        {
            lock (gate)
            {
                if (value <= last) return;
                last = value;
                report(value);
            }
        }
    }

    /// <summary>Reports on the calling thread at once (Progress&lt;T&gt; would post to the thread pool).</summary>
    sealed class Immediate<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
