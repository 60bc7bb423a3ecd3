// Seeded k-means: k-means++ seeding (Arthur & Vassilvitskii 2007) followed by Lloyd iterations, on float
// tensors. Used standalone, to initialise VQ / RQ codebooks (level by level on residuals) and inside the
// training-free ResidualKMeans baseline. Optional size-balanced assignment (see AssignBalanced).
// Runs on the CPU: codebook initialisation is a one-off cost and the CPU keeps the seeded sampling exact.
// SquaredDistances also serves every training step's nearest-code search (Codebook.Distances), so only
// held Scalars reach LibTorch here (see KeptScalars).
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Quantization;

/// <summary>Result of <see cref="KMeans.Fit"/>. Disposing it disposes <see cref="Centroids"/>.</summary>
/// <param name="Centroids">(K, D) float32 on the input's device.</param>
/// <param name="Assignments">cluster index per input row, length N.</param>
/// <param name="Inertia">Σ over rows of the squared distance to the assigned centroid.</param>
/// <param name="Iterations">Lloyd iterations run.</param>
public sealed record KMeansResult(Tensor Centroids, long[] Assignments, double Inertia, int Iterations) : IDisposable
{
    public void Dispose() => Centroids.Dispose();
}

/// <summary>
/// Seeded k-means++ + Lloyd. With <c>balanced</c> every Lloyd assignment is capacity-constrained so each
/// cluster receives at most ⌈N/K⌉ rows (see <see cref="AssignBalanced"/>).
/// </summary>
public sealed class KMeans
{
    /// <summary>K.</summary>
    public int Clusters { get; }
    public long Seed { get; }
    public int MaxIterations { get; }
    /// <summary>Stop when no centroid moves more than this (Euclidean), or when assignments stop changing.</summary>
    public double Tolerance { get; }
    public bool Balanced { get; }

    public KMeans(int clusters, long seed = 0, int maxIterations = 50, double tolerance = 1e-6, bool balanced = false)
    {
        if (clusters < 1) throw new ArgumentOutOfRangeException(nameof(clusters), clusters, "k-means needs at least one cluster.");
        if (maxIterations < 0) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "must be ≥ 0.");
        Clusters = clusters;
        Seed = seed;
        MaxIterations = maxIterations;
        Tolerance = tolerance;
        Balanced = balanced;
    }

    /// <summary>Fits K centroids to <paramref name="data"/> (N, D); needs N ≥ K.</summary>
    public KMeansResult Fit(Tensor data)
    {
        if (data.dim() != 2) throw new ArgumentException($"k-means expects data of shape (N, D), got ({string.Join(", ", data.shape)}).");
        long n = data.shape[0];
        if (n < Clusters) throw new ArgumentException($"k-means with K = {Clusters} needs at least {Clusters} rows, got {n}.");

        var device = data.device;
        using var scope = torch.NewDisposeScope();
        using var gen = QuantizerMath.Seeded(Seed);
        var x = data.detach().to(torch.CPU).to_type(ScalarType.Float32);         // (N, D)
        if (!x.isfinite().all().item<bool>()) throw new ArgumentException("k-means input contains NaN or infinite values.");

        var centroids = PlusPlusSeeds(x, Clusters, gen);                          // (K, D)
        long[] assignment = Assign(x, centroids);
        int iterations = 0;
        for (int it = 0; it < MaxIterations; it++)
        {
            iterations = it + 1;
            double shift;
            using (var step = torch.NewDisposeScope())
            {
                var updated = UpdateCentroids(x, assignment, centroids);          // (K, D)
                shift = (updated - centroids).norm(1).max().item<float>();
                centroids = updated.MoveToOuterDisposeScope();
            }
            long[] next = Assign(x, centroids);
            bool same = next.AsSpan().SequenceEqual(assignment);
            assignment = next;
            if (same || shift <= Tolerance) break;
        }

        double inertia = Inertia(x, centroids, assignment);
        // clone: .to() may hand back the same tensor on CPU, which this scope is about to dispose
        var result = centroids.to(device).clone().MoveToOuterDisposeScope();
        return new KMeansResult(result, assignment, inertia, iterations);
    }

    /// <summary>Nearest (or balanced) assignment of rows of x (N, D) to centroids (K, D).</summary>
    public long[] Assign(Tensor x, Tensor centroids) => Balanced ? AssignBalanced(x, centroids) : AssignNearest(x, centroids);

    /// <summary>Squared Euclidean distances (N, K) between rows of x (N, D) and c (K, D), clamped at 0.</summary>
    public static Tensor SquaredDistances(Tensor x, Tensor c)
    {
        using var scope = torch.NewDisposeScope();
        var xx = x.Squared().sum(1, keepdim: true);                 // (N, 1)
        var cc = c.Squared().sum(1).unsqueeze(0);                   // (1, K)
        var d = torch.addmm(xx.Plus(cc), x, c.t(), beta: 1, alpha: -2); // (N, K)
        return d.clamp_min(KeptScalars.Zero).MoveToOuterDisposeScope();
    }

    /// <summary>Index of the nearest centroid per row (ties → lowest index).</summary>
    public static long[] AssignNearest(Tensor x, Tensor centroids)
    {
        using var d = SquaredDistances(x, centroids);     // (N, K)
        using var arg = d.argmin(1).cpu();                // (N)
        return arg.data<long>().ToArray();
    }

    /// <summary>
    /// Size-balanced assignment: capacity ⌈N/K⌉ per cluster; all (row, cluster) pairs are visited in order of
    /// increasing distance and a row takes the first cluster that still has room. Greedy, not optimal
    /// (an exact capacity-constrained assignment is a min-cost flow), but every cluster ends with
    /// ⌊N/K⌋ or ⌈N/K⌉ rows at most, and close pairs are served first. O(NK log NK).
    /// </summary>
    public static long[] AssignBalanced(Tensor x, Tensor centroids)
    {
        int n = (int)x.shape[0], k = (int)centroids.shape[0];
        using var d = SquaredDistances(x, centroids);            // (N, K)
        using var dCpu = d.cpu().contiguous();
        float[] keys = dCpu.data<float>().ToArray();
        int[] pairs = new int[keys.Length];
        for (int i = 0; i < pairs.Length; i++) pairs[i] = i;
        Array.Sort(keys, pairs);   // sort is not stable, so break exact ties by pair index below
        StableTies(keys, pairs);

        int capacity = (n + k - 1) / k;
        var load = new int[k];
        var result = new long[n];
        Array.Fill(result, -1L);
        int assigned = 0;
        foreach (int p in pairs)
        {
            int row = p / k, cluster = p % k;
            if (result[row] >= 0 || load[cluster] >= capacity) continue;
            result[row] = cluster;
            load[cluster]++;
            if (++assigned == n) break;
        }
        return result;
    }

    /// <summary>Σ squared distance of each row to its centroid.</summary>
    public static double Inertia(Tensor x, Tensor centroids, long[] assignment)
    {
        using var scope = torch.NewDisposeScope();
        var idx = torch.tensor(assignment, device: x.device);
        var chosen = centroids.index_select(0, idx);            // (N, D)
        return (x - chosen).Squared().sum().to_type(ScalarType.Float64).item<double>();
    }

    private static void StableTies(float[] keys, int[] pairs)
    {
        int start = 0;
        for (int i = 1; i <= keys.Length; i++)
        {
            if (i < keys.Length && keys[i] == keys[start]) continue;
            if (i - start > 1) Array.Sort(pairs, start, i - start);
            start = i;
        }
    }

    // k-means++: the first seed uniformly, each next one with probability ∝ squared distance to the nearest
    // seed so far. If all remaining rows coincide with seeds (zero weights), fall back to uniform sampling.
    private static Tensor PlusPlusSeeds(Tensor x, int k, Generator gen)
    {
        long n = x.shape[0];
        var chosen = new long[k];
        chosen[0] = torch.randint(0, n, [1], generator: gen).item<long>();
        var minD2 = (x - x[chosen[0]]).Squared().sum(1);          // (N)
        for (int j = 1; j < k; j++)
        {
            using var step = torch.NewDisposeScope();
            double total = minD2.sum().item<float>();
            var weights = total > 0 ? minD2 : torch.ones(n);     // (N)
            chosen[j] = torch.multinomial(weights, 1, generator: gen).item<long>();
            var d = (x - x[chosen[j]]).Squared().sum(1);          // (N)
            minD2 = torch.minimum(minD2, d).MoveToOuterDisposeScope();
        }
        return x.index_select(0, torch.tensor(chosen));           // (K, D)
    }

    // Mean of each cluster's rows; an empty cluster takes the row farthest from its current centroid
    // (each such row used once), the usual deterministic repair.
    private static Tensor UpdateCentroids(Tensor x, long[] assignment, Tensor old)
    {
        long k = old.shape[0], d = x.shape[1];
        var idx = torch.tensor(assignment);                                        // (N)
        var sums = torch.zeros(k, d).index_add_(0, idx, x, KeptScalars.One);            // (K, D)
        var counts = torch.bincount(idx, minlength: k).to_type(ScalarType.Float32); // (K)
        var means = sums / counts.clamp_min(KeptScalars.One).unsqueeze(1);         // (K, D)
        var countArr = counts.data<float>().ToArray();
        var empty = Enumerable.Range(0, (int)k).Where(c => countArr[c] == 0).ToArray();
        if (empty.Length == 0) return means;

        var own = (x - old.index_select(0, idx)).Squared().sum(1);                 // (N)
        var (_, order) = own.sort(descending: true, stable: true);
        var far = order.data<long>().Take(empty.Length).ToArray();
        for (int e = 0; e < empty.Length; e++) means[empty[e]] = x[far[e]];
        return means;
    }
}
