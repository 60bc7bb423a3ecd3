using GenRec.Evaluation;

namespace GenRec.Tests.Evaluation;

public class EvaluatorTests
{
    [Fact]
    public void Averages_over_users_and_counts_misses_as_zero()
    {
        // four users; the target's rank is 1, 3, 7 and absent (a miss must count as 0, not be skipped)
        //   Recall@5  = (1 + 1 + 0 + 0) / 4 = 0.5
        //   Recall@10 = (1 + 1 + 1 + 0) / 4 = 0.75
        //   NDCG@5    = (1 + 1/log2(4) + 0 + 0) / 4 = (1 + 0.5) / 4 = 0.375
        //   NDCG@10   = (1 + 0.5 + 1/log2(8) + 0) / 4 = (1.5 + 0.333…) / 4 = 0.458333…
        var result = Evaluator.Evaluate(
        [
            (1, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], 10),
            (2, [20, 21, 22, 23, 24, 25, 26, 27, 28, 29], 22),
            (3, [30, 31, 32, 33, 34, 35, 36, 37, 38, 39], 36),
            (4, [40, 41, 42], 99),
        ]);
        Assert.Equal(4, result.Users);
        Assert.Equal(0.5, result.Recall5, 12);
        Assert.Equal(0.75, result.Recall10, 12);
        Assert.Equal(0.375, result.Ndcg5, 12);
        Assert.Equal(1.8333333333333333 / 4, result.Ndcg10, 12);
    }

    [Fact]
    public void Rejects_duplicate_users_duplicate_items_and_empty_evaluations()
    {
        var evaluator = new Evaluator();
        evaluator.Add(7, [1, 2, 3], 2);
        Assert.Contains("User 7", Assert.Throws<ArgumentException>(() => evaluator.Add(7, [1], 1)).Message);
        Assert.Contains("item 3 twice", Assert.Throws<ArgumentException>(() => evaluator.Add(8, [3, 1, 3], 1)).Message);
        Assert.Throws<InvalidOperationException>(() => new Evaluator().Result());
    }
}
