// The cold-start study (§4.2) on hand-made data: the split leaves no held-out item anywhere but in test targets,
// the cap ε holds on a hand-made ranking, the prefix candidates bring in the unseen items of a generated prefix,
// and Semantic-KNN ranks by cosine to the mean history embedding.
using GenRec.Data;
using GenRec.Runs;
using GenRec.Runs.Experiments;
using GenRec.Text;

namespace GenRec.Tests.Runs.Experiments;

public sealed class ColdStartTests
{
    static AmazonDataset HandMade()
    {
        var items = Enumerable.Range(1, 9).Select(i => new Item(i, $"A{i}", $"Item {i}", null, [], null)).ToArray();
        UserSequence[] sequences =
        [
            new(1, [1, 7, 2, 3, 9]),   // 7 in the training part, 9 the test target
            new(2, [7, 4, 5, 8]),      // 7 first, 8 the test target
            new(3, [2, 9, 7]),         // removing 9 leaves [2, 7]: too short, dropped
            new(4, [4, 5, 6, 7]),      // 7 as the test target: kept
            new(5, [3, 8, 9, 1]),      // 8 and 9 in the training/validation part
        ];
        return new AmazonDataset("hand", items, [.. Enumerable.Range(1, 5).Select(u => new User(u, $"R{u}"))], sequences);
    }

    [Fact]
    public void The_split_leaves_no_held_out_item_in_any_training_sequence()
    {
        var split = ColdStartSplit.Create(HandMade(), [7, 9]);
        Assert.Equal([7, 9], split.ColdItems);
        Assert.Equal(1, split.DroppedUsers);
        Assert.Equal(new[] { new[] { 1, 2, 3, 9 }, new[] { 4, 5, 8 }, new[] { 4, 5, 6, 7 }, new[] { 3, 8, 1 } }, split.Training.Sequences.Select(s => s.Items));
        Assert.Equal([1, 2, 4, 5], split.Training.Users.Select(u => u.Id));
        Assert.Equal(9, split.Training.ItemCount);   // the catalogue is kept: cold items still have semantic IDs

        var loo = LeaveOneOutSplit.Create(split.Training);
        var cold = new HashSet<int>([7, 9]);
        Assert.DoesNotContain(loo.Train, e => cold.Contains(e.Target) || e.History.Any(cold.Contains));
        Assert.DoesNotContain(loo.Validation, e => cold.Contains(e.Target) || e.History.Any(cold.Contains));
        Assert.DoesNotContain(loo.Test, e => e.History.Any(cold.Contains));
        Assert.Equal([9, 7], loo.Test.Where(e => cold.Contains(e.Target)).Select(e => e.Target));
        // TigerData's training sequences (the decoder-only model's windows) are free of them too
        Assert.DoesNotContain(split.Training.Sequences, s => s.Items[..^2].Any(cold.Contains));
    }

    [Fact]
    public void Cold_items_are_a_seeded_share_of_the_test_targets()
    {
        var data = HandMade();   // test targets 9, 8, 7, 7, 1 → distinct {1, 7, 8, 9}
        var picked = ColdStartSplit.PickColdItems(data, 0.5, seed: 3);
        Assert.Equal(2, picked.Count);
        Assert.All(picked, i => Assert.Contains(i, new[] { 1, 7, 8, 9 }));
        Assert.Equal(picked, ColdStartSplit.PickColdItems(data, 0.5, seed: 3));
        Assert.Single(ColdStartSplit.PickColdItems(data, 0.05, seed: 3));   // at least one
    }

    [Fact]
    public void The_epsilon_cap_holds_on_a_hand_made_ranking()
    {
        // candidates, best first; cold items are the 100s
        int[] candidates = [101, 1, 102, 2, 103, 3, 4, 104, 5, 6, 7, 8];
        var cold = new HashSet<int>([101, 102, 103, 104]);
        Assert.Equal([1, 2, 3, 4, 5], ColdStartRanking.Cap(candidates, cold, 5, 0.0));
        Assert.Equal([101, 1, 2, 3, 4], ColdStartRanking.Cap(candidates, cold, 5, 0.2));      // ⌊0.2·5⌋ = 1
        Assert.Equal([101, 1, 2, 3, 4, 5, 6, 7, 8], ColdStartRanking.Cap(candidates, cold, 10, 0.1)); // ⌊0.1·10⌋ = 1; only 9 candidates fit
        Assert.Equal([101, 1, 102, 2, 3, 4, 5, 6, 7, 8], ColdStartRanking.Cap([.. candidates, 9, 10], cold, 10, 0.2));
        Assert.Equal([101, 1, 102, 2], ColdStartRanking.Cap(candidates, cold, 4, 0.5));
        Assert.Equal([101, 1, 102, 2, 103, 3], ColdStartRanking.Cap(candidates, cold, 6, 1.0));
        for (var k = 1; k <= 12; k++)
            foreach (var epsilon in new[] { 0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 1.0 })
                Assert.True(ColdStartRanking.Cap(candidates, cold, k, epsilon).Count(cold.Contains) <= epsilon * k + 1e-9, $"K {k}, ε {epsilon}");
    }

    [Fact]
    public void Candidates_insert_the_unseen_items_of_each_generated_prefix_after_it()
    {
        var prefixes = new Dictionary<int, string> { [1] = "a", [2] = "b", [3] = "a", [101] = "a", [102] = "c", [103] = "a" };
        var coldByPrefix = new Dictionary<string, int[]> { ["a"] = [101, 103], ["c"] = [102] };
        Assert.Equal([2, 1, 101, 103, 3], ColdStartRanking.Candidates([2, 1, 3], i => prefixes[i], coldByPrefix));
        // a cold item the beam reached itself is listed once, where it was reached
        Assert.Equal([103, 101, 2, 102], ColdStartRanking.Candidates([103, 2, 102], i => prefixes[i], coldByPrefix));
    }

    [Fact]
    public void Semantic_knn_ranks_by_cosine_to_the_mean_history_and_skips_the_history()
    {
        // items 1..4 in 2-D: (1,0), (0,1), (1,1), (−1,0); history {1, 2} → mean (½, ½) → cosine: 3 → 1, 1 and 2 excluded, 4 → −0.71
        var embeddings = new ItemEmbeddings([1, 2, 3, 4], 2, [1, 0, 0, 1, 1, 1, -1, 0]);
        using var knn = new SemanticKnn(embeddings);
        var lists = knn.Recommend([[1, 2], [4]], k: 2);
        Assert.Equal([3, 4], lists[0]);
        Assert.Equal([2, 3], lists[1]);   // history (−1, 0): item 2 cos 0, item 3 cos −0.71, item 1 cos −1
    }
}
