// A complete run folder in the layout of CONTRACT.md, generated from tiny computed values: the four-item
// dataset of TinyPreparedDataset, semantic IDs of 2 levels × 3 codes saved through SemanticIdsParquet,
// metrics.json written the way the CLI writes it (RunFiles.Json options, QuantizerMetrics history), and TIGER /
// SASRec metrics computed by RankingMetrics from hand-chosen predictions.
using System.Text.Json;
using System.Text.Json.Nodes;
using GenRec.Data;
using GenRec.Evaluation;
using GenRec.Quantization;
using GenRec.Runs;
using GenRec.Tests.Data;
using GenRec.Tests.TestSupport;

namespace GenRec.Tests.Runs;

internal sealed class TinyRun : IDisposable
{
    public readonly TempDirectory Temp = new("genrec-run");
    public string RunDir => Temp.Combine("runs", "tiny");
    public AmazonDataset Dataset { get; }

    /// <summary>Per-item codes (item 1..4 × 2 levels, K = 3). Usage: level 1 [3,1,0], level 2 [0,3,1].</summary>
    public static readonly int[,] Codes = { { 0, 1 }, { 0, 2 }, { 1, 1 }, { 0, 1 } };

    /// <summary>
    /// Test predictions. Tiny dataset test targets (last items): user 1 → 4, user 2 → 1, user 3 → 2.
    /// User 1 hits at rank 1, user 2 misses, user 3 hits at rank 2.
    /// </summary>
    public static readonly (int User, int[] Items)[] TestPredictions = [(1, [4, 1, 2]), (2, [2, 3, 4]), (3, [1, 2, 3])];

    /// <summary>Validation targets: user 1 → 3, user 2 → 3, user 3 → 3; only user 2 hits (rank 1).</summary>
    public static readonly (int User, int[] Items)[] ValidPredictions = [(1, [1, 2]), (2, [3, 1]), (3, [1, 4])];

    public TinyRun(bool withSasRec = true, bool withTigerHistory = true)
    {
        Dataset = AmazonDataset.Load(TinyPreparedDataset.Write(Temp));
        Directory.CreateDirectory(RunDir);
        Json("config.json", new JsonObject
        {
            ["preset"] = "tiny", ["seed"] = 7, ["dataset"] = "tiny",
            ["tiger"] = new JsonObject { ["model"] = new JsonObject { ["d_model"] = 16, ["layers"] = 2 }, ["trainer"] = new JsonObject { ["steps"] = 20 } },
        });

        var ids = SemanticIds.FromCodes([1, 2, 3, 4], Codes, 3);
        SemanticIdsParquet.Save(ids, Path.Combine(RunDir, "semantic-ids", "semantic_ids.parquet"));
        var semanticMetrics = new Dictionary<string, object>
        {
            ["method"] = "rqvae",
            ["codebook_usage"] = CodebookMetrics.UsagePerLevel(Codes, 3),
            ["unique_fraction_before_dedup"] = CodebookMetrics.UniqueItemFraction(Codes),
            ["history"] = new[] { History(0, 1.0), History(10, 0.5) },
        };
        Json(Path.Combine("semantic-ids", "metrics.json"), JsonSerializer.SerializeToNode(semanticMetrics, RunFiles.Json)!);

        var test = Evaluate(TestPredictions, Split.Test);
        var valid = Evaluate(ValidPredictions, Split.Validation);
        PredictionsTsv.Write(Path.Combine(RunDir, "predictions_test.tsv"), TestPredictions.Select(p => (p.User, (IReadOnlyList<int>)p.Items)));
        if (withTigerHistory)
            Json(Path.Combine("tiger", "training_history.json"), new JsonObject
            {
                ["train"] = new JsonArray(Train(1, 3.0), Train(2, 2.5), Train(3, 2.25)),
                ["validation"] = new JsonArray(Validation(2, valid)),
            });
        Json(Path.Combine("tiger", "metrics.json"), new JsonObject { ["model"] = "tiger", ["valid"] = valid.DeepClone(), ["test"] = test.DeepClone() });
        if (withSasRec)
        {
            // SASRec only in its stage folder: the report must fall back to sasrec/metrics.json.
            var sasTest = Evaluate([(1, [2, 4]), (2, [1, 4]), (3, [3, 4])], Split.Test); // hits: user 2 at rank 1
            Json(Path.Combine("sasrec", "metrics.json"), new JsonObject { ["model"] = "sasrec", ["valid"] = valid.DeepClone(), ["test"] = sasTest });
        }
        Json("metrics.json", new JsonObject
        {
            ["tiger"] = new JsonObject { ["valid"] = valid, ["test"] = test },
            ["paper"] = new JsonObject { ["recall@5"] = 0.0454, ["ndcg@5"] = 0.0321, ["recall@10"] = 0.0648, ["ndcg@10"] = 0.0384 },
        });
    }

    public enum Split { Validation, Test }

    /// <summary>Contract metrics object computed with RankingMetrics against the leave-one-out targets.</summary>
    JsonObject Evaluate((int User, int[] Items)[] predictions, Split split)
    {
        var leaveOneOut = LeaveOneOutSplit.Create(Dataset);
        var targets = (split == Split.Test ? leaveOneOut.Test : leaveOneOut.Validation).ToDictionary(e => e.UserId, e => e.Target);
        double Mean(Func<int[], int, double> metric) => predictions.Average(p => metric(p.Items, targets[p.User]));
        return new JsonObject
        {
            ["recall@5"] = Mean((r, t) => RankingMetrics.Recall(r, t, 5)),
            ["recall@10"] = Mean((r, t) => RankingMetrics.Recall(r, t, 10)),
            ["ndcg@5"] = Mean((r, t) => RankingMetrics.Ndcg(r, t, 5)),
            ["ndcg@10"] = Mean((r, t) => RankingMetrics.Ndcg(r, t, 10)),
            ["users"] = predictions.Length,
        };
    }

    static QuantizerMetrics History(int step, double loss) => new(
        step, TrainingPhase.Quantized, loss, loss / 4, loss / 8, loss * 1.375,
        CodebookMetrics.UsagePerLevel(Codes, 3), CodebookMetrics.EntropyNats(Codes, 3), CodebookMetrics.Perplexity(Codes, 3),
        CodebookMetrics.UniqueItemFraction(Codes), CodebookMetrics.DistinctTupleFraction(Codes),
        CodebookMetrics.MaxDuplicates(Codes), CodebookMetrics.MaxDuplicateFraction(Codes), loss * 1.1, null, step * 0.01);

    static JsonObject Train(int step, double loss) => new()
    {
        ["step"] = step, ["epoch"] = 0, ["loss"] = loss, ["learning_rate"] = 1e-3 * step, ["seconds"] = 0.1 * step,
    };

    static JsonObject Validation(int step, JsonObject metrics)
    {
        var entry = (JsonObject)metrics.DeepClone();
        entry["step"] = step;
        return entry;
    }

    public void Json(string relative, JsonNode node) => Temp.Write(Path.Combine("runs", "tiny", relative), node.ToJsonString(RunFiles.Json));

    public void Dispose() => Temp.Dispose();
}
