// "What the ID is worth": TIGER's ablation of the semantic-ID method (Rajput et al., NeurIPS 2023, §4.3 and
// Table 4; Beauty R@5 / R@10: random IDs .0296 / .0434, LSH IDs .0379 / .0533, RQ-VAE IDs .0454 / .0648). Stage 2
// is trained with one preset — the run's, unchanged — on each method's IDs; only stage 1 differs. The method the
// run folder was made with is the run folder itself (reused when finished); every other method gets its own
// pipeline run folder under experiments/ids/<method>/ (without the SASRec control, which does not read IDs).
using GenRec.Data;

namespace GenRec.Runs.Experiments;

/// <summary>Settings of the ID ablation.</summary>
/// <param name="Methods">Stage-1 methods to compare (<see cref="PipelineConfig.SemanticIdMethods"/>), in table order.
/// Residual k-means needs ≥ 256 items, so a tiny test catalogue leaves it out.</param>
public sealed record IdAblationConfig(IReadOnlyList<string>? Methods = null)
{
    /// <summary>The methods that run: <see cref="Methods"/>, else random, LSH, residual k-means and the RQ-VAE.</summary>
    public IReadOnlyList<string> ResolvedMethods => Methods ?? ["random", "lsh", "rqkmeans", "rqvae"];
}

/// <summary>One method's row: its test and validation metrics, and the paper's numbers for it when Table 4 has them.</summary>
/// <param name="Method">Stage-1 method.</param>
/// <param name="RunDirectory">The pipeline run folder that trained and evaluated it (relative to the run folder).</param>
/// <param name="Test">Test metrics of stage 2 on these IDs.</param>
/// <param name="Valid">Validation metrics.</param>
/// <param name="CollidingItems">Items sharing their code tuple with another item (what the de-dup position had to separate).</param>
/// <param name="Paper">The paper's Beauty numbers for this method (recall@5, recall@10), when the dataset is Beauty and the paper has the method.</param>
public sealed record IdAblationRow(string Method, string RunDirectory, SplitMetrics? Test, SplitMetrics? Valid, int? CollidingItems, PaperRecall? Paper);

/// <summary>A published (Recall@5, Recall@10) pair.</summary>
public sealed record PaperRecall(
    [property: System.Text.Json.Serialization.JsonPropertyName("recall@5")] double Recall5,
    [property: System.Text.Json.Serialization.JsonPropertyName("recall@10")] double Recall10);

/// <summary>experiments/ids.json.</summary>
public sealed record IdAblationResult(string Experiment, string Dataset, string Preset, string Model, long Seed, IReadOnlyList<IdAblationRow> Rows, string PaperSource);

/// <summary>Runs the ID ablation.</summary>
public static class IdAblation
{
    /// <summary>Experiment name (CLI and file name).</summary>
    public const string Name = "ids";

    /// <summary>Table 4 of the paper (Beauty only): Recall@5 and Recall@10 per ID method.</summary>
    public static IReadOnlyDictionary<string, PaperRecall> PaperBeauty { get; } = new Dictionary<string, PaperRecall>
    {
        ["random"] = new(0.0296, 0.0434),
        ["lsh"] = new(0.0379, 0.0533),
        ["rqvae"] = new(0.0454, 0.0648),
    };

    /// <summary>Where <see cref="PaperBeauty"/> is published.</summary>
    public const string PaperSource = "Rajput et al., NeurIPS 2023, §4.3, Table 4 (Amazon Beauty)";

    /// <summary>
    /// Runs the pipeline of <paramref name="options"/> (reusing what is finished), then the same preset on every other
    /// method's IDs, and writes experiments/ids.json into the run folder. <paramref name="progress"/> gets each
    /// pipeline's progress.
    /// </summary>
    public static IdAblationResult Run(PipelineOptions options, IdAblationConfig? config = null, IProgress<PipelineProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        config ??= new IdAblationConfig();
        foreach (var method in config.ResolvedMethods)
            if (!PipelineConfig.SemanticIdMethods.Contains(method))
                throw new ArgumentException($"Unknown semantic-ID method \"{method}\": expected one of {string.Join(", ", PipelineConfig.SemanticIdMethods)}.");
        var main = Pipeline.Run(options, progress);
        var rows = new List<IdAblationRow>();
        foreach (var method in config.ResolvedMethods)
        {
            var result = method == main.Config.SemanticIds.Method ? main
                : Pipeline.Run(options with
                {
                    SemanticIdMethod = method,
                    SasRec = false,
                    OutDir = Path.Combine(main.RunDirectory, ExperimentFiles.Folder, Name, method),
                }, progress);
            var tiger = RunFiles.ReadJson<TigerMetrics>(Path.Combine(result.RunDirectory, RunFolder.TigerDir, TigerMetrics.FileName));
            var stage1 = new RunFolder(result.RunDirectory).ReadJsonOrNull(RunFolder.SemanticIdsDir, "metrics.json");
            var colliding = RunFolder.Number(stage1, "colliding_items", "semantic-ids/metrics.json") is double c ? (int)c : (int?)null;
            var paper = string.Equals(options.Dataset, "beauty", StringComparison.OrdinalIgnoreCase) && PaperBeauty.TryGetValue(method, out var p) ? p : null;
            rows.Add(new IdAblationRow(method, Path.GetRelativePath(main.RunDirectory, result.RunDirectory), tiger.Test, tiger.Valid, colliding, paper));
        }
        var ablation = new IdAblationResult(Name, options.Dataset, main.Config.Tiger.Name, main.Config.Tiger.Model, options.Seed, rows, PaperSource);
        ExperimentFiles.Save(main.RunDirectory, Name, ablation);
        RunReport.Write(main.RunDirectory, DatasetLoading.Load(options.Dataset, options.DataDir, options.CacheDir));
        return ablation;
    }
}
