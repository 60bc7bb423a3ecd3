// Small seeded data sets for the quantization tests.
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tests.Quantization;

internal static class QuantTestData
{
    /// <summary>Gaussian noise (N, D) from a private generator.</summary>
    public static Tensor Gaussian(long n, long d, long seed, double scale = 1.0)
    {
        using var gen = new Generator((ulong)seed, torch.CPU);
        using var x = torch.randn([n, d], generator: gen);
        return x * scale;
    }

    /// <summary>
    /// <paramref name="clusters"/> blobs with centres ±<paramref name="separation"/> on distinct axes and
    /// N(0, noise²) scatter; rows are interleaved (row i belongs to blob i % clusters).
    /// </summary>
    public static (Tensor Data, int[] Labels) Blobs(int clusters, int perCluster, int dim, double separation, double noise, long seed)
    {
        using var gen = new Generator((ulong)seed, torch.CPU);
        int n = clusters * perCluster;
        var centres = torch.zeros(clusters, dim);
        for (int c = 0; c < clusters; c++) centres[c, c / 2 % dim] = (c % 2 == 0 ? 1 : -1) * separation;
        var labels = Enumerable.Range(0, n).Select(i => i % clusters).ToArray();
        using var idx = torch.tensor(labels.Select(l => (long)l).ToArray());
        using var noiseT = torch.randn([n, dim], generator: gen);
        var data = centres.index_select(0, idx) + noiseT * noise;
        centres.Dispose();
        return (data, labels);
    }

    /// <summary>Fraction of rows whose cluster's majority label is their own label.</summary>
    public static double Purity(long[] assignment, int[] labels)
    {
        int agree = assignment.Select((a, i) => (a, l: labels[i]))
            .GroupBy(p => p.a)
            .Sum(g => g.GroupBy(p => p.l).Max(h => h.Count()));
        return agree / (double)labels.Length;
    }
}

internal static class TensorAssert
{
    /// <summary>Same shape and bitwise-equal values.</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var eq = a.eq(b);
        using var all = eq.all();
        return all.item<bool>();
    }
}
