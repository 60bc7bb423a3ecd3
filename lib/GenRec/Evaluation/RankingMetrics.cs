// Ranking metrics for leave-one-out evaluation with exactly one held-out target per user, as in TIGER
// (Rajput et al., 2023) and the P5 / S3-Rec protocol it follows: a user's model output is a ranked list
// of item ids, the truth is one item id.
//   Recall@K = 1 if the target is among the first K items, else 0 (with a single target, Recall@K = HR@K).
//   NDCG@K   = 1 / log2(rank + 1) with the 1-based rank of the target when rank ≤ K, else 0. With one
//              relevant item the ideal DCG is 1 / log2(2) = 1, so no normalisation term is needed.
namespace GenRec.Evaluation;

/// <summary>Per-user ranking metrics for a single held-out target.</summary>
public static class RankingMetrics
{
    /// <summary>1-based position of <paramref name="target"/> in <paramref name="ranked"/>, or null when absent.</summary>
    public static int? Rank(IReadOnlyList<int> ranked, int target)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        for (var i = 0; i < ranked.Count; i++)
            if (ranked[i] == target) return i + 1;
        return null;
    }

    /// <summary>1 when the target is among the first <paramref name="k"/> items, else 0.</summary>
    public static double Recall(IReadOnlyList<int> ranked, int target, int k)
    {
        CheckK(k);
        return Rank(ranked, target) is int rank && rank <= k ? 1.0 : 0.0;
    }

    /// <summary>1 / log2(rank + 1) when the target's 1-based rank is at most <paramref name="k"/>, else 0.</summary>
    public static double Ndcg(IReadOnlyList<int> ranked, int target, int k)
    {
        CheckK(k);
        return Rank(ranked, target) is int rank && rank <= k ? 1.0 / Math.Log2(rank + 1) : 0.0;
    }

    static void CheckK(int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "K must be at least 1.");
    }
}
