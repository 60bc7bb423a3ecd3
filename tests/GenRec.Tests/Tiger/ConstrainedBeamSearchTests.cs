using GenRec.Tiger;

namespace GenRec.Tests.Tiger;

public class ConstrainedBeamSearchTests
{
    // 20 items over codebooks 3 × 4 × 3 (36 possible tuples, so the trie really constrains), random model
    static (TigerModel Model, SemanticIdTokenizer Tokenizer, List<int[]> Sources) Setup(long seed = 5)
    {
        var tokenizer = TinyTiger.Tokenizer(itemCount: 20, seed: 3);
        var model = new TigerModel(TinyTiger.Config(tokenizer.VocabularySize), seed);
        var sources = TinyTiger.RandomHistories(6, 20, maxLength: 5, seed: 9).Select(h => tokenizer.EncodeHistory(h)).ToList();
        return (model, tokenizer, sources);
    }

    // exhaustive reference: teacher-forced log p(ID | history) of every valid ID, sorted by score
    // descending, ties by token sequence ascending
    static List<(int Item, double Score)> Exhaustive(TigerModel model, SemanticIdTokenizer tokenizer, int[] source)
    {
        var items = tokenizer.Items().ToList();
        var scores = SequenceScorer.LogProbabilities(model, [source], items.Select(i => i.Tokens).ToList())[0];
        return [.. items.Select((item, i) => (item.ItemId, scores[i], item.Tokens))
            .OrderByDescending(x => x.Item2).ThenBy(x => string.Join(",", x.Tokens.Select(t => t.ToString("D4"))))
            .Select(x => (x.ItemId, x.Item2))];
    }

    [Fact]
    public void With_beam_width_equal_to_the_catalogue_it_reproduces_exhaustive_scoring_exactly()
    {
        var (model, tokenizer, sources) = Setup();
        using var _ = model;
        var result = new ConstrainedBeamSearch(model, tokenizer).Search(sources, new BeamSearchOptions(BeamWidth: 20, TopK: 20, BatchSize: 4));
        Assert.Equal(sources.Count, result.Users.Count);
        for (var u = 0; u < sources.Count; u++)
        {
            var expected = Exhaustive(model, tokenizer, sources[u]);
            var got = result.Users[u];
            Assert.Equal(expected.Select(e => e.Item), got.ItemIds);                  // same ranking of all 20 items
            for (var i = 0; i < expected.Count; i++)
                Assert.Equal(expected[i].Score, got.LogProbabilities[i], 1e-4);          // same log-probabilities
            Assert.True(got.LogProbabilities.Zip(got.LogProbabilities.Skip(1), (a, b) => a >= b).All(x => x));
        }
    }

    [Fact]
    public void A_narrow_beam_returns_only_valid_distinct_items_with_their_true_scores()
    {
        var (model, tokenizer, sources) = Setup(seed: 6);
        using var _ = model;
        var result = new ConstrainedBeamSearch(model, tokenizer).Search(sources, new BeamSearchOptions(BeamWidth: 3, TopK: 3));
        Assert.Equal(0, result.InvalidBeams(3));
        for (var u = 0; u < sources.Count; u++)
        {
            var got = result.Users[u];
            Assert.Equal(3, got.ItemIds.Length);
            Assert.Equal(3, got.ItemIds.Distinct().Count());
            Assert.All(got.ItemIds, item => Assert.True(tokenizer.HasItem(item)));
            var exhaustive = Exhaustive(model, tokenizer, sources[u]).ToDictionary(e => e.Item, e => e.Score);
            for (var i = 0; i < 3; i++) Assert.Equal(exhaustive[got.ItemIds[i]], got.LogProbabilities[i], 1e-4);
        }
    }

    [Fact]
    public void Unconstrained_search_reports_beams_that_name_no_item()
    {
        var (model, tokenizer, sources) = Setup(seed: 8);
        using var _ = model;
        var result = new ConstrainedBeamSearch(model, tokenizer).Search(sources, new BeamSearchOptions(BeamWidth: 10, TopK: 5, Constrained: false));
        var invalid = 0;
        foreach (var user in result.Users)
        {
            Assert.Equal(10, user.Beams.Count);
            foreach (var beam in user.Beams)
            {
                Assert.Equal(tokenizer.DecodeItem(beam.Tokens), beam.ItemId);
                if (beam.ItemId is null) invalid++;
            }
            Assert.Equal(user.Beams.Where(b => b.ItemId is not null).Take(5).Select(b => b.ItemId!.Value), user.ItemIds);
            // unconstrained scores are still exact sequence log-probabilities
            var scores = SequenceScorer.LogProbabilities(model, [sources[result.Users.ToList().IndexOf(user)]], user.Beams.Select(b => b.Tokens).ToList())[0];
            for (var i = 0; i < scores.Length; i++) Assert.Equal(scores[i], user.Beams[i].LogProbability, 1e-4);
        }
        Assert.Equal(invalid, result.InvalidBeams(10));
        Assert.True(invalid > 0, "an untrained model with 36 possible tuples for 20 items should produce invalid IDs");
        Assert.Equal(invalid / (double)(10 * sources.Count), result.InvalidRate(10), 12);
    }

    [Fact]
    public void Equal_scores_are_ranked_by_token_sequence()
    {
        var (model, tokenizer, sources) = Setup();
        using var _ = model;
        using (TorchSharp.torch.no_grad())
            model.named_parameters().Single(p => p.name == "shared.weight").parameter.zero_();   // all logits 0 → every ID ties
        var byTokens = tokenizer.Items().OrderBy(i => string.Join(",", i.Tokens.Select(t => t.ToString("D4")))).Select(i => i.ItemId).ToList();
        var uniform = tokenizer.Levels * Math.Log(1.0 / tokenizer.VocabularySize);          // L · log(1/V)
        var search = new ConstrainedBeamSearch(model, tokenizer);
        var wide = search.Search(sources, new BeamSearchOptions(BeamWidth: 20, TopK: 20));
        var narrow = search.Search(sources, new BeamSearchOptions(BeamWidth: 3, TopK: 3));
        foreach (var user in wide.Users)
        {
            Assert.Equal(byTokens, user.ItemIds);
            Assert.All(user.LogProbabilities, score => Assert.Equal(uniform, score, 1e-5));
        }
        foreach (var user in narrow.Users) Assert.Equal(byTokens.Take(3), user.ItemIds);
    }

    [Fact]
    public void Beam_width_below_top_k_is_rejected()
    {
        var (model, tokenizer, sources) = Setup();
        using var _ = model;
        Assert.Throws<ArgumentException>(() => new ConstrainedBeamSearch(model, tokenizer).Search(sources, new BeamSearchOptions(BeamWidth: 5, TopK: 10)));
    }

    [Fact]
    public void Batches_group_sources_by_length_shortest_first_ties_in_input_order()
    {
        int[][] sources = [[1, 2, 3], [4], [5, 6], [7], [8, 9, 10]];
        var batches = TigerBatching.ByLength(sources, batchSize: 2).ToList();
        Assert.Equal([[1, 3], [2, 0], [4]], batches);
        Assert.Throws<ArgumentOutOfRangeException>(() => TigerBatching.ByLength(sources, 0).ToList());
    }

    [Fact]
    public void Results_do_not_depend_on_batching()
    {
        var (model, tokenizer, sources) = Setup();
        using var _ = model;
        var search = new ConstrainedBeamSearch(model, tokenizer);
        var one = search.Search(sources, new BeamSearchOptions(BeamWidth: 5, TopK: 5, BatchSize: 1));
        var all = search.Search(sources, new BeamSearchOptions(BeamWidth: 5, TopK: 5, BatchSize: 64));
        for (var u = 0; u < sources.Count; u++)
        {
            Assert.Equal(one.Users[u].ItemIds, all.Users[u].ItemIds);
            for (var i = 0; i < 5; i++) Assert.Equal(one.Users[u].LogProbabilities[i], all.Users[u].LogProbabilities[i], 1e-4);
        }
    }

    [Fact]
    public void Progress_counts_the_sources_done_after_each_batch()
    {
        var (model, tokenizer, sources) = Setup();
        using var _ = model;
        var reported = new List<int>();
        new ConstrainedBeamSearch(model, tokenizer).Search(sources, new BeamSearchOptions(BeamWidth: 5, TopK: 5, BatchSize: 4), reported.Add);
        Assert.Equal([4, 6], reported);   // 6 sources in batches of 4
    }
}
