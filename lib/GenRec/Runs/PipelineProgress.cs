// What the pipeline tells its caller while it runs. The library never writes to the console: Pipeline.Run
// reports these records to an IProgress, and the caller draws them — the CLI as Spectre bars on a terminal
// or PlainProgress lines without one, a notebook however it likes (their ToString reads well enough to print).
// Reports arrive one at a time and in order, on the pipeline's own thread (the embedding counts on the embedder's
// worker threads, serialized); pass an IProgress that handles them at once (Progress<T> posts them to the thread
// pool, so lines may print out of order).
namespace GenRec.Runs;

/// <summary>The stages of the pipeline, in the order they run.</summary>
public enum PipelineStage { Data, Embeddings, SemanticIds, TigerTraining, TigerEvaluation, SasRec, Report }

/// <summary>One report of <see cref="Pipeline"/>.Run; one of the records below.</summary>
public abstract record PipelineProgress;

/// <summary>The run folder exists and is writable; nothing expensive has started yet.</summary>
public sealed record PipelineStarted(string RunDirectory) : PipelineProgress;

/// <summary>A stage starts real work (a stage reused from the run folder or a cache does not report this).</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Description">What and where, e.g. "semantic IDs (rqvae, seed 0) → …/artifacts/cache/semantic-ids/…".</param>
public sealed record StageStarted(PipelineStage Stage, string Description) : PipelineProgress;

/// <summary><paramref name="Done"/> of <paramref name="Total"/> units of a counted step (items embedded, RQ-VAE steps).</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Label">What is counted, e.g. "embedding 12,101 beauty items" or "semantic IDs (rqvae)".</param>
/// <param name="Done">Units done.</param>
/// <param name="Total">Units in all.</param>
public sealed record StageSteps(PipelineStage Stage, string Label, long Done, long Total) : PipelineProgress;

/// <summary>TIGER training or evaluation progress exactly as <see cref="TigerTraining"/> and <see cref="TigerEvaluation"/> report it.</summary>
public sealed record StageTigerProgress(PipelineStage Stage, TigerProgress Report) : PipelineProgress;

/// <summary>A line worth showing (SASRec's per-epoch line, an embedding-cache warning).</summary>
public sealed record StageMessage(PipelineStage Stage, string Text) : PipelineProgress;

/// <summary>A stage is done, computed or reused.</summary>
public sealed record StageFinished(StageTiming Timing) : PipelineProgress;

/// <summary>How a stage went: its status ("computed", "cached (shared cache)", "2 steps, …") and wall seconds in this call.</summary>
public sealed record StageTiming(PipelineStage Stage, string Status, double Seconds)
{
    /// <summary>The name timings.json and the summary table use ("semantic IDs", "TIGER training", …).</summary>
    public string Name => Stage switch
    {
        PipelineStage.Data => "data",
        PipelineStage.Embeddings => "embeddings",
        PipelineStage.SemanticIds => "semantic IDs",
        PipelineStage.TigerTraining => "TIGER training",
        PipelineStage.TigerEvaluation => "TIGER evaluation",
        PipelineStage.SasRec => "SASRec control",
        PipelineStage.Report => "report",
        _ => Stage.ToString(),
    };
}
