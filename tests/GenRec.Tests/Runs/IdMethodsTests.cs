// The two baselines of the paper's ID ablation (§4.3) as stage-1 methods: seeded random codes and LSH codes are
// valid semantic IDs — every item gets one, de-duplicated — that the stage-2 tokenizer accepts and decodes back
// to the same item, and the pipeline lists both.
using GenRec.Quantization;
using GenRec.Runs;
using TorchSharp;

namespace GenRec.Tests.Runs;

public sealed class IdMethodsTests
{
    static readonly int[] Items = [.. Enumerable.Range(1, 300)];

    [Fact]
    public void Random_ids_are_seeded_per_item_within_the_codebook_and_distinct_after_dedup()
    {
        var a = RandomIds.Assign(Items, new RandomIdOptions(Levels: 3, CodebookSize: 4, Seed: 7));
        var b = RandomIds.Assign([.. Enumerable.Reverse(Items)], new RandomIdOptions(Levels: 3, CodebookSize: 4, Seed: 7));
        var c = RandomIds.Assign(Items, new RandomIdOptions(Levels: 3, CodebookSize: 4, Seed: 8));
        // item i's codes depend on (seed, i) only: the reversed catalogue gives every item the same codes
        for (var r = 0; r < Items.Length; r++)
            for (var l = 0; l < 3; l++) Assert.Equal(a.Codes[r, l], b.Codes[Items.Length - 1 - r, l]);
        Assert.NotEqual(Enumerable.Range(0, 300).Select(r => a.Codes[r, 0]), Enumerable.Range(0, 300).Select(r => c.Codes[r, 0]));
        Assert.All(Enumerable.Range(0, 300), r => Assert.InRange(a.Codes[r, 1], 0, 3));
        // 300 items on 64 tuples: collisions the de-dup position must separate
        Assert.True(a.Dedup.Max() >= 4, $"max dedup {a.Dedup.Max()}");
        Assert.Equal(300, Enumerable.Range(0, 300).Select(r => string.Join(',', a.FullId(r))).Distinct().Count());
        // every code value of level 0 is used with 300 uniform draws from 4 (the chance one is missing is < 1e-36)
        Assert.Equal(4, Enumerable.Range(0, 300).Select(r => a.Codes[r, 0]).Distinct().Count());
    }

    [Theory]
    [InlineData("random")]
    [InlineData("lsh")]
    public void Random_and_lsh_ids_feed_the_tokenizer_and_decode_back_to_their_items(string method)
    {
        using var temp = new TestSupport.TempDirectory();
        var generator = new Random(3);
        var vectors = Enumerable.Range(0, Items.Length * 8).Select(_ => (float)generator.NextDouble() - 0.5f).ToArray();
        using var x = torch.tensor(vectors, Items.Length, 8);                                  // (N, D)
        var (ids, metrics) = SemanticIdRun.Run(new SemanticIdRequest(method, "ste", 5, null, "cpu", temp.Path), x, Items);

        Assert.Equal(method, metrics["method"]);
        Assert.Equal(300, ids.Count);
        Assert.Equal((3, 256), (ids.Levels, ids.CodebookSize));
        var tokenizer = TigerData.BuildTokenizer(ids, itemCount: 300);
        Assert.Equal([256, 256, 256, ids.Dedup.Max() + 1], tokenizer.CodebookSizes);
        foreach (var item in Items) Assert.Equal(item, tokenizer.DecodeItem(tokenizer.EncodeItem(item)));
        // same seed, same IDs
        var (again, _) = SemanticIdRun.Run(new SemanticIdRequest(method, "ste", 5, null, "cpu", temp.Path), x, Items);
        Assert.Equal(ids.Codes, again.Codes);
    }

    [Fact]
    public void The_pipeline_runs_all_four_methods_of_the_ablation() =>
        Assert.Equal(["rqvae", "rqkmeans", "lsh", "random"], PipelineConfig.SemanticIdMethods);
}
