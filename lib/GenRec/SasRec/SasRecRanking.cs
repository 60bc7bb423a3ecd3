// Full-ranking evaluation of SASRec on leave-one-out examples: every catalogue item 1..N is scored for
// every user and the 10 best form the ranked list that Evaluator / PredictionsTsv take. No item is
// masked — items already in the history stay candidates — exactly as TIGER's generation can return any
// item, so both models face the same candidate set (Beauty's test targets are never history repeats in
// the 5-core data, but a masked ranking would still be a different protocol).
//
// Ties. A float score can tie (an untrained model, items never seen in training that kept identical
// scores, saturated logits). torch.topk would then order tied items by whatever its kernel does, and an
// id-ordered tie-break would let the target win by the luck of a small id. Here the order is total and
// pessimistic: higher score first; among equal scores the held-out target comes AFTER every other item;
// the rest by ascending id. A target that ties the 10th item is thus left out. Because the order depends
// on the target, the written predictions are the ranking the metrics were computed on, and recomputing
// the metrics from predictions_*.tsv gives the same numbers.
using GenRec.Data;
using GenRec.Evaluation;
using static TorchSharp.torch;

namespace GenRec.SasRec;

/// <summary>Top-K selection with pessimistic tie handling, and model evaluation on <see cref="SequenceExample"/>s.</summary>
public static class SasRecRanking
{
    /// <summary>
    /// Item ids (1-based) of the <paramref name="k"/> best scores, best first; <c>scores[j]</c> is item j + 1.
    /// Equal scores: <paramref name="target"/> last, then ascending id. A NaN score throws.
    /// </summary>
    public static int[] TopK(ReadOnlySpan<float> scores, int target, int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "K must be at least 1.");
        k = Math.Min(k, scores.Length);
        var ids = new int[k];
        var values = new float[k];
        var count = 0;
        for (var j = 0; j < scores.Length; j++)
        {
            var score = scores[j];
            if (float.IsNaN(score)) throw new InvalidOperationException($"Score of item {j + 1} is NaN; the model is broken.");
            var id = j + 1;
            if (count == k && !Before(score, id, values[k - 1], ids[k - 1], target)) continue;
            var position = count < k ? count++ : k - 1;      // drop the current last when full
            while (position > 0 && Before(score, id, values[position - 1], ids[position - 1], target))
            {
                values[position] = values[position - 1];
                ids[position] = ids[position - 1];
                position--;
            }
            values[position] = score;
            ids[position] = id;
        }
        return ids;
    }

    // true when (score a, item a) ranks strictly before (score b, item b)
    static bool Before(float scoreA, int idA, float scoreB, int idB, int target)
    {
        if (scoreA != scoreB) return scoreA > scoreB;
        if ((idA == target) != (idB == target)) return idB == target;
        return idA < idB;
    }

    /// <summary>
    /// Scores all items for each example's history (cut to the model's MaxLength), ranks them with
    /// <see cref="TopK"/> and aggregates Recall/NDCG@5/10. Predictions are in example order.
    /// The model is put in evaluation mode.
    /// </summary>
    public static (EvaluationResult Metrics, List<(int UserId, IReadOnlyList<int> Items)> Predictions) Evaluate(
        SasRecModel model, IReadOnlyList<SequenceExample> examples, int k = 10, int batchSize = 512)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be at least 1.");
        var itemCount = model.Config.ItemCount;
        foreach (var e in examples)
            if (e.Target < 1 || e.Target > itemCount || e.History.Any(i => i < 1 || i > itemCount))
                throw new ArgumentException($"Example of user {e.UserId} has an item id outside 1..{itemCount}.", nameof(examples));
        model.eval();
        var evaluator = new Evaluator();
        var predictions = new List<(int, IReadOnlyList<int>)>(examples.Count);
        using var noGrad = no_grad();
        for (var start = 0; start < examples.Count; start += batchSize)
        {
            var batch = examples.Skip(start).Take(batchSize).ToList();
            float[] scores;
            using (var scope = NewDisposeScope())
            {
                var items = SasRecWindows.PadHistories([.. batch.Select(e => e.History)], model.Config.MaxLength, model.Device);   // (B, L)
                scores = model.ScoreNext(items).to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();                // (B·N)
            }
            for (var b = 0; b < batch.Count; b++)
            {
                var ranked = TopK(scores.AsSpan(b * itemCount, itemCount), batch[b].Target, k);
                evaluator.Add(batch[b].UserId, ranked, batch[b].Target);
                predictions.Add((batch[b].UserId, ranked));
            }
        }
        return (evaluator.Result(), predictions);
    }
}
