// Aggregates per-user ranking metrics (RankingMetrics) into the four numbers TIGER reports:
// Recall@5, Recall@10, NDCG@5, NDCG@10, each the plain mean over users. A user whose target is not in
// the ranked list contributes 0, never "skipped" — otherwise a model that returns fewer items would look
// better than one that returns more.
namespace GenRec.Evaluation;

/// <summary>Mean metrics over <see cref="Users"/> users (each in [0, 1]).</summary>
public sealed record EvaluationResult(double Recall5, double Recall10, double Ndcg5, double Ndcg10, int Users)
{
    /// <summary>One line for logs: "R@5 0.0123  R@10 …  N@5 …  N@10 …  (users 22363)".</summary>
    public override string ToString() =>
        $"R@5 {Recall5:F4}  R@10 {Recall10:F4}  N@5 {Ndcg5:F4}  N@10 {Ndcg10:F4}  (users {Users})";
}

/// <summary>Accumulates one ranked list and one target per user; <see cref="Result"/> averages.</summary>
public sealed class Evaluator
{
    double recall5, recall10, ndcg5, ndcg10;
    readonly HashSet<int> seenUsers = [];

    /// <summary>Users added so far.</summary>
    public int Users => seenUsers.Count;

    /// <summary>
    /// Adds one user's ranked item ids (best first) and held-out target. A user may be added once; a ranked
    /// list may not repeat an item (a duplicate would be a bug upstream and could inflate nothing here, but
    /// it means the list is not a ranking).
    /// </summary>
    public void Add(int userId, IReadOnlyList<int> ranked, int target)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        if (!seenUsers.Add(userId))
            throw new ArgumentException($"User {userId} was already added to this evaluation.", nameof(userId));
        var distinct = new HashSet<int>();
        foreach (var item in ranked)
            if (!distinct.Add(item))
                throw new ArgumentException($"Ranked list of user {userId} contains item {item} twice.", nameof(ranked));
        recall5 += RankingMetrics.Recall(ranked, target, 5);
        recall10 += RankingMetrics.Recall(ranked, target, 10);
        ndcg5 += RankingMetrics.Ndcg(ranked, target, 5);
        ndcg10 += RankingMetrics.Ndcg(ranked, target, 10);
    }

    /// <summary>Means over the users added; throws when none was added (a mean of nothing is no result).</summary>
    public EvaluationResult Result()
    {
        var n = seenUsers.Count;
        if (n == 0) throw new InvalidOperationException("No users were evaluated.");
        return new EvaluationResult(recall5 / n, recall10 / n, ndcg5 / n, ndcg10 / n, n);
    }

    /// <summary>Convenience: evaluates (user, ranked, target) triples in one call.</summary>
    public static EvaluationResult Evaluate(IEnumerable<(int UserId, IReadOnlyList<int> Ranked, int Target)> users)
    {
        var evaluator = new Evaluator();
        foreach (var (userId, ranked, target) in users) evaluator.Add(userId, ranked, target);
        return evaluator.Result();
    }
}
