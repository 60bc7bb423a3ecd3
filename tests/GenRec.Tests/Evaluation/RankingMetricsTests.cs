using GenRec.Evaluation;

namespace GenRec.Tests.Evaluation;

public class RankingMetricsTests
{
    // ranked list used by all cases: position 1 → item 5, 2 → 3, 3 → 9, …, 10 → 10, 11 → 11
    static readonly int[] Ranked = [5, 3, 9, 1, 7, 2, 8, 4, 6, 10, 11];

    [Fact]
    public void Rank_is_one_based_and_null_when_absent()
    {
        Assert.Equal(1, RankingMetrics.Rank(Ranked, 5));
        Assert.Equal(3, RankingMetrics.Rank(Ranked, 9));
        Assert.Equal(11, RankingMetrics.Rank(Ranked, 11));
        Assert.Null(RankingMetrics.Rank(Ranked, 42));
    }

    [Theory]
    // target, K, expected recall, expected NDCG (by hand: NDCG = 1 / log2(rank + 1) when rank ≤ K)
    [InlineData(5, 5, 1.0, 1.0)]                     // rank 1: 1/log2(2) = 1
    [InlineData(9, 5, 1.0, 0.5)]                     // rank 3: 1/log2(4) = 1/2
    [InlineData(7, 5, 1.0, 0.38685280723454163)]     // rank 5: 1/log2(6) = 1/2.584962500721156 = 0.386852807…
    [InlineData(2, 5, 0.0, 0.0)]                     // rank 6 > 5
    [InlineData(2, 10, 1.0, 0.35620718710802218)]    // rank 6: 1/log2(7) = 1/2.807354922057604 = 0.356207187…
    [InlineData(10, 10, 1.0, 0.28906482631788782)]   // rank 10: 1/log2(11) = 1/3.4594316186372973 = 0.289064826…
    [InlineData(11, 10, 0.0, 0.0)]                   // rank 11 > 10
    [InlineData(42, 10, 0.0, 0.0)]                   // absent
    public void Recall_and_ndcg_match_hand_computed_values(int target, int k, double recall, double ndcg)
    {
        Assert.Equal(recall, RankingMetrics.Recall(Ranked, target, k), 12);
        Assert.Equal(ndcg, RankingMetrics.Ndcg(Ranked, target, k), 12);
    }

    [Fact]
    public void K_below_one_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RankingMetrics.Recall(Ranked, 5, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RankingMetrics.Ndcg(Ranked, 5, 0));
    }
}
