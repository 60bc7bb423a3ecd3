// The diversity study's decoder (§4.4): temperature sampling restricted to valid IDs never emits an ID outside
// the trie it is given, is reproducible from its seed, and flattens with temperature.
using GenRec.Tiger;

namespace GenRec.Tests.Tiger;

public sealed class TemperatureSamplerTests
{
    [Fact]
    public void Samples_stay_on_the_allowed_ids_are_distinct_and_are_seeded()
    {
        var tokenizer = TinyTiger.Tokenizer(itemCount: 20, seed: 3);
        using var model = new TigerModel(TinyTiger.Config(tokenizer.VocabularySize), 5);
        var sources = TinyTiger.RandomHistories(6, 20, maxLength: 5, seed: 9).Select(h => tokenizer.EncodeHistory(h)).ToList();
        long[] keys = [11, 12, 13, 14, 15, 16];
        // only the even items are allowed: 10 of the 20 valid IDs (the other 10 are valid items, but not here)
        var allowed = Enumerable.Range(1, 20).Where(i => i % 2 == 0).ToHashSet();
        var trie = new PrefixTrie(allowed.Order().Select(tokenizer.EncodeItem));
        var sampler = new TemperatureSampler(model, tokenizer, trie);

        foreach (var temperature in new[] { 0.5, 1.0, 3.0 })
        {
            var options = new SamplingOptions(temperature, Items: 8, RowsPerRound: 16, MaxRounds: 3, BatchSize: 4, Seed: 1);
            var lists = sampler.Sample(sources, keys, options);
            Assert.Equal(6, lists.Count);
            foreach (var list in lists)
            {
                Assert.All(list, item => Assert.Contains(item, allowed));
                Assert.Equal(list.Length, list.Distinct().Count());
                Assert.InRange(list.Length, 1, 8);
            }
            // same seed → same lists, whatever the batching; another seed → other lists
            Assert.Equal(lists, sampler.Sample(sources, keys, options with { BatchSize = 6 }));
            if (temperature >= 1.0) Assert.NotEqual(lists, sampler.Sample(sources, keys, options with { Seed = 2 }));
        }
        // at a high temperature 160 draws over 10 allowed items find 8 distinct ones for every user
        Assert.All(sampler.Sample(sources, keys, new SamplingOptions(50.0, Items: 8, RowsPerRound: 16, MaxRounds: 10, Seed: 1)), l => Assert.Equal(8, l.Length));
    }

    [Fact]
    public void A_draw_follows_the_tempered_softmax_over_allowed_tokens()
    {
        // logits of tokens 10..13 = (0, ln 3, 5, 0); allowed 10 and 11 only → p(11) = 3/4 at T = 1 and √3 / (1 + √3) at T = 2
        float[] logits = [0f, (float)Math.Log(3), 5f, 0f];
        int[] allowed = [10, 11];
        foreach (var (temperature, expected) in new[] { (1.0, 0.75), (2.0, Math.Sqrt(3) / (1 + Math.Sqrt(3))) })
        {
            var random = new Random(4);
            var draws = Enumerable.Range(0, 20_000).Select(_ => TemperatureSampler.Draw(logits, allowed, 10, temperature, random)).ToList();
            Assert.DoesNotContain(12, draws);
            Assert.DoesNotContain(13, draws);
            Assert.InRange(draws.Count(t => t == 11) / 20_000.0, expected - 0.01, expected + 0.01);   // the standard error is 0.003
        }
    }
}
