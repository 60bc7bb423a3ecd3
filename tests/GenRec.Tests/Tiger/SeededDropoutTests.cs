using GenRec.Tiger;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tests.Tiger;

public class SeededDropoutTests
{
    [Fact]
    public void Mask_keeps_units_with_the_threshold_probability_and_is_reproducible()
    {
        // p = 0.1 → threshold round(0.9 · 65536) = 58982, keep probability 58982 / 65536 = 0.899994
        var mask = SeededDropout.Mask(1_000_000, 58982, seed: 7);
        var kept = mask.Count(k => k) / 1e6;
        Assert.InRange(kept, 0.899994 - 0.0018, 0.899994 + 0.0018);      // ±6σ, σ = sqrt(0.9 · 0.1 / 1e6) = 0.0003
        Assert.Equal(mask, SeededDropout.Mask(1_000_000, 58982, seed: 7));
        Assert.NotEqual(mask, SeededDropout.Mask(1_000_000, 58982, seed: 8));
        Assert.Equal(SeededDropout.Mask(10, 58982, 7), mask[..10]);        // a prefix does not depend on the length
    }

    [Fact]
    public void Training_mode_zeroes_or_rescales_and_eval_mode_is_the_identity()
    {
        var randomness = new DropoutRandomness();
        using var dropout = new SeededDropout(0.25, randomness);
        using var x = ones(200, 500, requires_grad: true);
        randomness.Reseed(3);
        using var y = dropout.forward(x);
        var values = TinyTiger.Values(y);
        var scale = 65536.0 / 49152;                                        // threshold round(0.75 · 65536) = 49152
        Assert.All(values, v => Assert.True(v == 0f || Math.Abs(v - scale) < 1e-6));
        Assert.InRange(values.Average(), 0.98, 1.02);                       // expectation kept (inverted dropout)

        // backward multiplies by the same mask and scale
        y.sum().backward();
        Assert.Equal(values, TinyTiger.Values(x.grad!));

        // same seed → same masks for the same call sequence; the second call of a step uses a new mask
        randomness.Reseed(3);
        using var again = dropout.forward(x);
        using var second = dropout.forward(x);
        Assert.Equal(values, TinyTiger.Values(again));
        Assert.NotEqual(values, TinyTiger.Values(second));

        dropout.eval();
        using var identity = dropout.forward(x);
        Assert.All(TinyTiger.Values(identity), v => Assert.Equal(1f, v));
    }
}
