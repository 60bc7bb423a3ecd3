using GenRec.Tiger;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tests.Tiger;

public class T5BlocksTests
{
    [Fact]
    public void RmsNorm_divides_by_root_mean_square_without_centering()
    {
        using var norm = new RmsNorm(2);
        // x = (3, 4): mean of squares (9 + 16) / 2 = 12.5, rms = 3.5355339 → (0.8485281, 1.1313708)
        // (LayerNorm would give (−1, 1): no mean is subtracted here)
        using var y = norm.forward(tensor(new float[] { 3, 4 }).reshape(1, 2));
        var v = TinyTiger.Values(y);
        Assert.Equal(0.8485281, v[0], 5);
        Assert.Equal(1.1313708, v[1], 5);
        Assert.Single(norm.parameters());    // gain only, no bias
    }

    [Theory]
    // relative position = key − query; values by hand from T5's formula (32 buckets, max distance 128):
    // bidirectional: 16 buckets per side, 8 exact; large d → 8 + ⌊ln(d/8)/ln(16)·8⌋, capped at 15, +16 if key after query
    [InlineData(0, true, 0)]
    [InlineData(3, true, 19)]       // 16 + 3
    [InlineData(-3, true, 3)]
    [InlineData(-7, true, 7)]
    [InlineData(-8, true, 8)]       // 8 + ⌊ln 1 …⌋ = 8
    [InlineData(-20, true, 10)]     // ln 2.5 / ln 16 · 8 = 0.9163/2.7726·8 = 2.64 → 8 + 2
    [InlineData(20, true, 26)]      // 16 + 10
    [InlineData(-50, true, 13)]     // ln 6.25 / ln 16 · 8 = 5.29 → 8 + 5
    [InlineData(100, true, 31)]     // ln 12.5 / ln 16 · 8 = 7.29 → 16 + 8 + 7
    [InlineData(-127, true, 15)]    // 7.98 → 8 + 7
    [InlineData(-200, true, 15)]    // 9.29 → 17, capped at 15
    // causal: future keys → 0; 32 buckets for the past, 16 exact; large d → 16 + ⌊ln(d/16)/ln 8·16⌋, capped at 31
    [InlineData(5, false, 0)]
    [InlineData(-5, false, 5)]
    [InlineData(-15, false, 15)]
    [InlineData(-16, false, 16)]
    [InlineData(-20, false, 17)]    // ln 1.25 / ln 8 · 16 = 0.2231/2.0794·16 = 1.72 → 16 + 1
    [InlineData(-40, false, 23)]    // ln 2.5 / ln 8 · 16 = 7.05 → 16 + 7
    [InlineData(-100, false, 30)]   // ln 6.25 / ln 8 · 16 = 14.10 → 16 + 14
    [InlineData(-500, false, 31)]   // capped
    public void Relative_position_buckets_match_the_T5_formula(int relative, bool bidirectional, int bucket) =>
        Assert.Equal(bucket, RelativePositionBias.Bucket(relative, bidirectional));

    [Fact]
    public void Relative_position_bias_looks_up_the_bucket_of_each_query_key_pair()
    {
        using var bias = new RelativePositionBias(numHeads: 3, bidirectional: true);
        using var values = bias.forward(4, 25);                                   // (1, 3, 4, 25)
        Assert.Equal([1L, 3, 4, 25], values.shape);
        var table = bias.Table.weight!;
        foreach (var (q, k) in new[] { (0, 0), (3, 1), (1, 24), (2, 22) })
            for (var h = 0; h < 3; h++)
                Assert.Equal(table[RelativePositionBias.Bucket(k - q, true), h].item<float>(), values[0, h, q, k].item<float>());
    }

    [Fact]
    public void Head_width_is_independent_of_model_width()
    {
        using var attention = new MultiHeadAttention(dModel: 12, numHeads: 3, headDim: 5, dropoutRate: 0);
        var (q, k, v, o) = attention.Projections;
        Assert.Equal([15L, 12], q.weight!.shape);        // inner 3 × 5 = 15 ≠ 12
        Assert.Equal([12L, 15], o.weight!.shape);
        Assert.All(new[] { q, k, v, o }, p => Assert.Null(p.bias));
        using var x = randn(2, 4, 12, generator: new Generator(1, CPU));
        using var y = attention.forward(x, x, null);
        Assert.Equal([2L, 4, 12], y.shape);
    }

    [Fact]
    public void Logits_are_not_scaled_by_one_over_sqrt_head_width()
    {
        using var attention = new MultiHeadAttention(dModel: 6, numHeads: 2, headDim: 4, dropoutRate: 0);
        using var x = randn(1, 3, 6, generator: new Generator(2, CPU));
        using var weights = attention.Weights(x, x, null);                         // (1, 2, 3, 3)
        var (q, k, _, _) = attention.Projections;
        // independent computation per head: softmax(q_h · k_hᵀ), no division by sqrt(4)
        using var qx = x.matmul(q.weight!.t()).reshape(3, 2, 4);                   // (T, H, dk)
        using var kx = x.matmul(k.weight!.t()).reshape(3, 2, 4);
        for (var h = 0; h < 2; h++)
        {
            using var expected = qx.select(1, h).matmul(kx.select(1, h).t()).softmax(-1);   // (T, T)
            Assert.True(allclose(expected, weights[0, h], rtol: 1e-5, atol: 1e-6));
        }
    }

    [Fact]
    public void A_padded_key_gets_exactly_zero_attention_weight()
    {
        using var attention = new MultiHeadAttention(dModel: 16, numHeads: 2, headDim: 8, dropoutRate: 0);
        using var x = randn(2, 5, 16, generator: new Generator(3, CPU)) * 10;     // large logits on purpose
        using var keyMask = tensor(new[] { true, true, true, false, false, true, true, true, true, true }).reshape(2, 5);
        using var bias = AttentionMasks.KeyPadding(keyMask);                      // (2, 1, 1, 5)
        using var weights = attention.Weights(x, x, bias);                        // (2, 2, 5, 5)
        var w = TinyTiger.Values(weights);
        for (var h = 0; h < 2; h++)
            for (var q = 0; q < 5; q++)
            {
                Assert.Equal(0f, w[((0 * 2 + h) * 5 + q) * 5 + 3]);               // exactly zero, not just small
                Assert.Equal(0f, w[((0 * 2 + h) * 5 + q) * 5 + 4]);
                Assert.Equal(1.0, Enumerable.Range(0, 5).Sum(k => (double)w[((0 * 2 + h) * 5 + q) * 5 + k]), 5);
            }
        for (var row = 0; row < 10; row++)                                         // item 1: nothing masked, rows still sum to 1
            Assert.Equal(1.0, Enumerable.Range(0, 5).Sum(k => (double)w[50 + row * 5 + k]), 5);
    }

    [Fact]
    public void Causal_mask_hides_exactly_the_future()
    {
        using var bias = AttentionMasks.Causal(3, CPU);                            // (1, 1, 3, 3)
        Assert.Equal([0f, AttentionMasks.Hidden, AttentionMasks.Hidden, 0f, 0f, AttentionMasks.Hidden, 0f, 0f, 0f], TinyTiger.Values(bias));
    }
}
