// KMeans: planted clusters, hand-computed inertia, seeding determinism, balanced assignment.
using GenRec.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tests.Quantization;

public class KMeansTests
{
    [Fact]
    public void RecoversFourWellSeparatedBlobs()
    {
        var (data, labels) = QuantTestData.Blobs(clusters: 4, perCluster: 50, dim: 6, separation: 10, noise: 0.5, seed: 3);
        using var _ = data;
        using var result = new KMeans(4, seed: 11).Fit(data);
        Assert.Equal(1.0, QuantTestData.Purity(result.Assignments, labels));
        Assert.Equal(4, result.Assignments.Distinct().Count());
        Assert.Equal([4L, 6L], result.Centroids.shape);
    }

    [Fact]
    public void InertiaAndCentroidsMatchHandComputedExample()
    {
        // Two obvious pairs on a line: {0, 2} and {10, 14}; centroids 1 and 12, inertia 1+1+4+4 = 10.
        using var x = torch.tensor(new float[] { 0, 2, 10, 14 }).reshape(4, 1);
        using var result = new KMeans(2, seed: 0).Fit(x);
        var centroids = result.Centroids.data<float>().ToArray().OrderBy(v => v).ToArray();
        Assert.Equal([1f, 12f], centroids);
        Assert.Equal(10.0, result.Inertia, 6);
        Assert.Equal(result.Assignments[0], result.Assignments[1]);
        Assert.Equal(result.Assignments[2], result.Assignments[3]);
        Assert.NotEqual(result.Assignments[0], result.Assignments[2]);
    }

    [Fact]
    public void SameSeedSameResult_DifferentSeedStillValid()
    {
        using var x = QuantTestData.Gaussian(300, 5, seed: 9);
        using var a = new KMeans(8, seed: 42).Fit(x);
        using var b = new KMeans(8, seed: 42).Fit(x);
        Assert.Equal(a.Assignments, b.Assignments);
        Assert.True(TensorAssert.Same(a.Centroids, b.Centroids));
        using var c = new KMeans(8, seed: 43).Fit(x);
        Assert.Equal(300, c.Assignments.Length);
    }

    [Fact]
    public void BalancedAssignmentGivesNearEqualSizes()
    {
        // Very unequal blobs (one holds 70% of the rows): balanced k-means still caps every cluster at ⌈N/K⌉.
        using var big = QuantTestData.Gaussian(140, 4, seed: 1, scale: 0.3);
        using var small = QuantTestData.Gaussian(60, 4, seed: 2, scale: 0.3) + 5;
        using var x = torch.cat([big, small], 0);
        using var result = new KMeans(8, seed: 5, balanced: true).Fit(x);
        var sizes = result.Assignments.GroupBy(a => a).Select(g => g.Count()).ToArray();
        Assert.Equal(8, sizes.Length);
        Assert.All(sizes, s => Assert.InRange(s, 24, 25)); // 200 / 8 = 25
        Assert.Equal(200, sizes.Sum());
    }

    [Fact]
    public void BalancedGreedyPrefersClosestPairsFirst()
    {
        // Rows at 0, 1, 2, 3, 10, 11; centroids at 0 and 10; capacity ⌈6/2⌉ = 3. Pairs by distance:
        // (r0,c0)=0 (r4,c1)=0 (r1,c0)=1 (r5,c1)=1 (r2,c0)=4 (r3,c0)=9 → c0 is full, so r3 (nearer to c0)
        // overflows into c1 at distance 49.
        using var x = torch.tensor(new float[] { 0, 1, 2, 3, 10, 11 }).reshape(6, 1);
        using var c = torch.tensor(new float[] { 0, 10 }).reshape(2, 1);
        Assert.Equal([0L, 0L, 0L, 1L, 1L, 1L], KMeans.AssignBalanced(x, c));
        Assert.Equal([0L, 0L, 0L, 0L, 1L, 1L], KMeans.AssignNearest(x, c));
    }

    [Fact]
    public void TooFewRowsIsAClearError()
    {
        using var x = torch.zeros(3, 2);
        var ex = Assert.Throws<ArgumentException>(() => new KMeans(4).Fit(x));
        Assert.Contains("at least 4 rows", ex.Message);
    }
}
