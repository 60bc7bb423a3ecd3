using GenRec.Data;
using GenRec.Evaluation;
using GenRec.SasRec;
using static TorchSharp.torch;

namespace GenRec.Tests.SasRec;

public class SasRecRankingTests
{
    [Fact]
    public void Top_k_orders_by_score_and_puts_a_tied_target_last()
    {
        float[] scores = [0.1f, 0.5f, 0.5f, 0.9f, 0.5f];                    // items 1..5
        Assert.Equal([4, 3, 5], SasRecRanking.TopK(scores, target: 2, k: 3));  // 2 ties 3 and 5: after them, so out
        Assert.Equal([4, 2, 5], SasRecRanking.TopK(scores, target: 3, k: 3));  // others by ascending id
        Assert.Equal([4, 2, 3, 5, 1], SasRecRanking.TopK(scores, target: 1, k: 10));   // k > N: all items
    }

    [Fact]
    public void All_equal_scores_never_rank_the_target()
    {
        var scores = new float[12];
        Assert.Equal([2, 3, 4, 5, 6, 7, 8, 9, 10, 11], SasRecRanking.TopK(scores, target: 1, k: 10));
        Assert.DoesNotContain(12, SasRecRanking.TopK(scores, target: 12, k: 11));
    }

    [Fact]
    public void Nan_score_throws()
    {
        Assert.Throws<InvalidOperationException>(() => SasRecRanking.TopK([0.1f, float.NaN], target: 1, k: 1));
    }

    [Fact]
    public void Evaluate_equals_an_independent_full_sort_of_the_scores()
    {
        using var model = new SasRecModel(TinySasRec.Config(itemCount: 30), seed: 11);
        var random = new Random(5);
        var examples = Enumerable.Range(1, 40)
            .Select(u => new SequenceExample(u, [.. Enumerable.Range(0, random.Next(1, 9)).Select(_ => random.Next(1, 31))], random.Next(1, 31)))
            .ToList();
        var (metrics, predictions) = SasRecRanking.Evaluate(model, examples, k: 10, batchSize: 7);

        var evaluator = new Evaluator();
        for (var i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            using var items = SasRecWindows.PadHistories([e.History], 6, CPU);
            var scores = TinySasRec.Values(model.ScoreNext(items));
            var sorted = Enumerable.Range(1, 30).OrderByDescending(item => scores[item - 1]).ThenBy(item => item == e.Target ? 1 : 0).ThenBy(item => item).Take(10).ToArray();
            Assert.Equal(e.UserId, predictions[i].UserId);
            Assert.Equal(sorted, predictions[i].Items);
            evaluator.Add(e.UserId, sorted, e.Target);
        }
        Assert.Equal(evaluator.Result(), metrics);
    }

    [Fact]
    public void Item_outside_the_catalogue_is_rejected()
    {
        using var model = new SasRecModel(TinySasRec.Config(itemCount: 5), seed: 1);
        var error = Assert.Throws<ArgumentException>(() => SasRecRanking.Evaluate(model, [new SequenceExample(3, [1, 6], 2)]));
        Assert.Contains("user 3", error.Message);
    }
}
