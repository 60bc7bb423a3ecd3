// The metrics of one run as the report shows them: TIGER and SASRec on validation and test, next to the
// TIGER paper's row for the run's dataset (Rajput et al., NeurIPS 2023, Table 2; see TigerPaper). Values are
// read from the top-level metrics.json when it has the model, else from the stage's own metrics.json — never
// recomputed here, so the page shows exactly what the run wrote. A metrics.json "paper" object without a
// "dataset" key was written before rows were per dataset, when every run showed Beauty's row: it is labelled
// Beauty, which is what its numbers are.
using System.Text.Json.Nodes;

namespace GenRec.Runs;

/// <summary>Recall/NDCG at 5 and 10 of one model on one split, and how many users were evaluated.</summary>
public sealed record ReportedMetrics(double? Recall5, double? Ndcg5, double? Recall10, double? Ndcg10, double? Users)
{
    /// <summary>The metric keys of the contract, in display order.</summary>
    public static readonly string[] Keys = ["recall@5", "ndcg@5", "recall@10", "ndcg@10"];

    /// <summary>Value of one of <see cref="Keys"/>.</summary>
    public double? this[string key] => key switch
    {
        "recall@5" => Recall5, "ndcg@5" => Ndcg5, "recall@10" => Recall10, "ndcg@10" => Ndcg10,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "expected one of " + string.Join(", ", Keys)),
    };

    /// <summary>Reads {"recall@5", …, "users"} from a JSON object; null when <paramref name="node"/> is null.</summary>
    public static ReportedMetrics? From(JsonNode? node, string source)
    {
        if (node is null) return null;
        if (node is not JsonObject) throw new InvalidDataException($"{source}: expected an object with recall@5, ndcg@5, recall@10, ndcg@10.");
        var m = new ReportedMetrics(
            RunFolder.Number(node, "recall@5", source), RunFolder.Number(node, "ndcg@5", source),
            RunFolder.Number(node, "recall@10", source), RunFolder.Number(node, "ndcg@10", source),
            RunFolder.Number(node, "users", source));
        if (Keys.All(k => m[k] is null)) throw new InvalidDataException($"{source}: none of {string.Join(", ", Keys)} is present.");
        return m;
    }
}

/// <summary>One row group of the metrics table: a model's validation and test metrics and the file they came from.</summary>
public sealed record ModelMetrics(string Model, ReportedMetrics? Valid, ReportedMetrics? Test, string Source);

/// <summary>The paper's row as a run shows it: its label names the dataset ("TIGER (paper, Toys and Games)").</summary>
public sealed record PaperReference(string Label, ReportedMetrics Metrics);

/// <summary>Collects the metrics of a run folder.</summary>
public static class RunMetricsTable
{
    /// <summary>
    /// TIGER and SASRec metrics (null entry when that model was not run) and the paper's row: the top-level
    /// metrics.json "paper" object when present, else the row of the run's dataset (config.json's "dataset", else
    /// <paramref name="dataset"/>), else null — the paper has no row for that dataset, or none is named.
    /// </summary>
    public static (ModelMetrics? Tiger, ModelMetrics? SasRec, PaperReference? Paper) Read(RunFolder run, string? dataset = null)
    {
        var topPath = run.PathOf("metrics.json");
        var top = run.ReadJsonOrNull("metrics.json");
        return (Model(run, top, topPath, "tiger", RunFolder.TigerDir), Model(run, top, topPath, "sasrec", RunFolder.SasRecDir),
            Paper(top?["paper"], topPath + " \"paper\"") ?? Paper(DatasetOf(run) ?? dataset));
    }

    /// <summary>The dataset named by the run folder's config.json (or metrics.json); null when neither names one.</summary>
    public static string? DatasetOf(RunFolder run) =>
        (run.ReadJsonOrNull("config.json")?["dataset"] ?? run.ReadJsonOrNull("metrics.json")?["dataset"]) is JsonValue v && v.TryGetValue<string>(out var name) ? name : null;

    static PaperReference? Paper(JsonNode? node, string source)
    {
        if (ReportedMetrics.From(node, source) is not { } metrics) return null;
        var dataset = node?["dataset"] is JsonValue d && d.TryGetValue<string>(out var name) ? name : "beauty"; // see the header
        var category = node?["category"] is JsonValue c && c.TryGetValue<string>(out var text) ? text : TigerPaper.For(dataset)?.Category ?? dataset;
        return new PaperReference($"TIGER (paper, {category})", metrics);
    }

    static PaperReference? Paper(string? dataset) => TigerPaper.For(dataset) is { } row ? new PaperReference(row.Label, row.ToReported()) : null;

    static ModelMetrics? Model(RunFolder run, JsonNode? top, string topPath, string model, string stageDir)
    {
        if (top?[model] is JsonNode fromTop)
            return new ModelMetrics(model, ReportedMetrics.From(fromTop["valid"], $"{topPath} \"{model}.valid\""),
                ReportedMetrics.From(fromTop["test"], $"{topPath} \"{model}.test\""), topPath);
        var stagePath = run.PathOf(stageDir, "metrics.json");
        var stage = run.ReadJsonOrNull(stageDir, "metrics.json");
        if (stage is null) return null;
        return new ModelMetrics(model, ReportedMetrics.From(stage["valid"], $"{stagePath} \"valid\""),
            ReportedMetrics.From(stage["test"], $"{stagePath} \"test\""), stagePath);
    }
}
