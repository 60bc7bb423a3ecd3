// Training-free baselines: residual k-means (plain and balanced) and random-hyperplane LSH.
using GenRec.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tests.Quantization;

public class BaselineQuantizerTests
{
    [Fact]
    public void ResidualKMeansFirstLevelIsPlainKMeans_DecodeEqualsQuantized()
    {
        using var x = QuantTestData.Gaussian(120, 5, seed: 1);
        using var rkm = new ResidualKMeans(5, new ResidualKMeansOptions(Levels: 2, CodebookSize: 6, Seed: 3));
        rkm.InitializeFromData(x);
        using var output = rkm.forward(x);
        using var decoded = rkm.Decode(output.Codes);
        Assert.True(TensorAssert.Same(decoded, output.Quantized));
        // Level 1 equals a standalone k-means with the same seed derivation.
        using var level1 = new KMeans(6, 3 + 7919L, 25).Fit(x);
        Assert.Equal(level1.Assignments, output.Codes.select(1, 0).data<long>().ToArray());
        // The second level lowers the quantization error.
        using var firstOnly = rkm.Centroids[0].index_select(0, output.Codes.select(1, 0));
        double e1 = (x - firstOnly).square().sum().item<float>(), e2 = (x - output.Quantized).square().sum().item<float>();
        Assert.True(e2 < e1);
    }

    [Fact]
    public void BalancedResidualKMeansGivesNearEqualClusterSizes()
    {
        // Skewed data: 80% of rows in one tight blob.
        using var a = QuantTestData.Gaussian(160, 4, seed: 1, scale: 0.2);
        using var b = QuantTestData.Gaussian(40, 4, seed: 2) + 3;
        using var x = torch.cat([a, b], 0);
        using var rkm = new ResidualKMeans(4, new ResidualKMeansOptions(Levels: 2, CodebookSize: 8, Balanced: true, Seed: 1));
        rkm.InitializeFromData(x);
        using var output = rkm.forward(x);
        var codes = SemanticIds.ToArray(output.Codes);
        var histogram = CodebookMetrics.UsageHistogram(codes, 8);
        for (int l = 0; l < 2; l++)
            for (int k = 0; k < 8; k++)
                Assert.Equal(25, histogram[l, k]);       // 200 / 8 exactly
        using var plain = new ResidualKMeans(4, new ResidualKMeansOptions(Levels: 2, CodebookSize: 8, Seed: 1));
        plain.InitializeFromData(x);
        using var plainOut = plain.forward(x);
        var plainHist = CodebookMetrics.UsageHistogram(SemanticIds.ToArray(plainOut.Codes), 8);
        Assert.True(Enumerable.Range(0, 8).Max(k => plainHist[0, k]) > 25, "unbalanced k-means should be uneven on skewed data");
    }

    [Fact]
    public void LshIsDeterministicBySeed()
    {
        using var x = QuantTestData.Gaussian(50, 8, seed: 1);
        long[] Codes(long seed)
        {
            using var lsh = new LshQuantizer(8, new LshOptions(Levels: 3, CodebookSize: 4, Seed: seed));
            lsh.InitializeFromData(x);
            using var c = lsh.Hash(x);
            return c.data<long>().ToArray();
        }
        Assert.Equal(Codes(7), Codes(7));
        Assert.NotEqual(Codes(7), Codes(8));
    }

    [Fact]
    public void LshCodesAreHyperplaneSidesAndDecodeIsTheBucketMean()
    {
        // 2-d, K = 2 (1 bit per level), 2 levels, Center off: code_l = [x · h_l > 0].
        using var lsh = new LshQuantizer(2, new LshOptions(Levels: 2, CodebookSize: 2, Center: false, Seed: 5));
        var planes = lsh.get_buffer("hyperplanes")!;
        // Rows on the x axis: (1,0) and (2,0) share tuple t, (−1,0) and (−3,0) get the complement of t.
        using var x = torch.tensor(new float[] { 1, 0, 2, 0, -1, 0, -3, 0 }).reshape(4, 2);
        lsh.InitializeFromData(x);
        using var codes = lsh.Hash(x);
        using var expected = x.matmul(planes).gt(0).to_type(ScalarType.Int64);   // (4, 2) one bit per level
        Assert.True(TensorAssert.Same(codes, expected));
        var c = codes.data<long>().ToArray();
        Assert.Equal(c[0..2], c[2..4]);
        Assert.Equal([1 - c[0], 1 - c[1]], c[4..6]);

        using var output = lsh.forward(x);
        var q = output.Quantized.data<float>().ToArray();
        Assert.Equal([1.5f, 0f, 1.5f, 0f, -2f, 0f, -2f, 0f], q);      // bucket means
        using var decoded = lsh.Decode(output.Codes);
        Assert.True(TensorAssert.Same(decoded, output.Quantized));

        // Unseen tuple (t0, 1 − t1): backs off to the prefix t0, whose rows are (1,0), (2,0).
        using var unseen = lsh.Decode(torch.tensor(new[] { c[0], 1 - c[1] }).reshape(1, 2));
        Assert.Equal([1.5f, 0f], unseen.data<float>().ToArray());
    }

    [Fact]
    public void LshUnseenFirstCodeBacksOffToTheOverallMean()
    {
        using var lsh = new LshQuantizer(2, new LshOptions(Levels: 2, CodebookSize: 2, Center: false, Seed: 5));
        using var x = torch.tensor(new float[] { 1, 0, 2, 1 }).reshape(2, 2);
        lsh.InitializeFromData(x);
        using var codes = lsh.Hash(x);
        var c = codes.data<long>().ToArray();
        Assert.Equal(c[0], c[2]);   // both rows lie on the same side of the first hyperplane for this seed
        using var unseen = lsh.Decode(torch.tensor(new[] { 1 - c[0], 0L }).reshape(1, 2));
        Assert.Equal([1.5f, 0.5f], unseen.data<float>().ToArray());
    }

    [Fact]
    public void LshRejectsNonPowerOfTwoCodebooks()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LshQuantizer(4, new LshOptions(CodebookSize: 6)));
        Assert.Contains("power of two", ex.Message);
    }
}
