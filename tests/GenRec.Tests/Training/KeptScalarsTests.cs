// The kept Scalars stay usable across dispose scopes and garbage collections (forward passes run inside
// scopes), and the model's arithmetic with them equals the plain operators and the modules' definitions.
using GenRec.Tiger;
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tests.Training;

public sealed class KeptScalarsTests
{
    [Fact]
    public void Kept_scalars_survive_a_dispose_scope_and_add_like_the_plus_operator()
    {
        using var a = tensor(new[] { 1f, 2f, 3f });
        using var b = tensor(new[] { 0.5f, -2f, 10f });
        using (NewDisposeScope())
        {
            using var inside = a.Plus(b);
            Assert.Equal(new[] { 1.5f, 0f, 13f }, inside.data<float>().ToArray());
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var after = a.Plus(b);
        using var expected = a + b;
        Assert.True(after.allclose(expected, rtol: 0, atol: 0));
        using var mask = tensor(new[] { false, true, false });
        using var filled = zeros(3).masked_fill(mask, AttentionMasks.Hidden);
        Assert.Equal(AttentionMasks.Hidden, filled[1].item<float>());
    }

    [Fact]
    public void The_integer_constants_add_square_and_compare_in_every_dtype_like_the_plain_operators()
    {
        using var longs = tensor(new long[] { 3, -2, 0 });
        using var sum = longs.Plus(longs);                                 // an integer alpha: a float one is refused for int64
        Assert.Equal(ScalarType.Int64, sum.dtype);
        Assert.Equal(new long[] { 6, -4, 0 }, sum.data<long>().ToArray());
        using var floats = tensor(new[] { 1.5f, -3f, 0.25f });
        Assert.Equal(new[] { 2.25f, 9f, 0.0625f }, floats.Squared().data<float>().ToArray());        // by hand
        using var square = floats.square();
        Assert.Equal(square.data<float>().ToArray(), floats.Squared().data<float>().ToArray());
        Assert.Equal(new[] { false, false, true }, longs.eq(KeptScalars.Zero).data<bool>().ToArray());
        Assert.Equal(2L, KeptScalars.Two.ToInt64());
    }

    [Fact]
    public void RmsNorm_and_seeded_dropout_compute_their_definitions_across_scopes_and_collections()
    {
        var norm = new RmsNorm(4);
        using var x = tensor(new[] { 1f, 2f, 3f, 4f }).reshape(1, 4);
        using (NewDisposeScope()) norm.forward(x);           // a forward pass inside a scope, as in training
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var y = norm.forward(x);
        var rms = Math.Sqrt((1 + 4 + 9 + 16) / 4.0 + 1e-6);
        Assert.Equal(new[] { 1 / rms, 2 / rms, 3 / rms, 4 / rms }.Select(v => (float)v), y.data<float>().ToArray(), new FloatTolerance(1e-6f));

        var randomness = new DropoutRandomness();
        randomness.Reseed(7);
        var dropout = new SeededDropout(0.25, randomness);
        dropout.train();
        using (NewDisposeScope()) dropout.forward(torch.ones(10));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var ones = torch.ones(1000);
        using var dropped = dropout.forward(ones);
        var kept = dropped.data<float>().Where(v => v != 0).Distinct().ToArray();
        Assert.Single(kept);
        Assert.Equal(65536f / (float)Math.Round(0.75 * 65536), kept[0], 5);
    }

    sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
