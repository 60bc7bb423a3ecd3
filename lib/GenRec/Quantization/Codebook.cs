// One learnable codebook (K, D) with its bookkeeping: nearest-code search under L2 or cosine distance,
// lookup, initialisation from data (k-means), and dead-code restart (codes unused during a window of
// training steps are re-seeded from random current inputs — the usual remedy for codebook collapse,
// as in Zeghidour et al. 2021 and lucidrains' threshold_ema_dead_code, here with a hard zero-use rule).
// Distances, usage and restarts run every training step: only held Scalars reach LibTorch (see KeptScalars).
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Quantization;

/// <summary>A learnable (K, D) codebook.</summary>
public sealed class Codebook : nn.Module
{
    /// <summary>K.</summary>
    public int Size { get; }
    /// <summary>D.</summary>
    public int Dim { get; }

    // Registered by hand (not RegisterComponents) because "usage" must stay out of the saved state, and
    // read back through get_parameter/get_buffer so a module.to(device) never leaves a stale field behind.
    public Codebook(string name, int size, int dim, Generator gen) : base(name)
    {
        Size = size;
        Dim = dim;
        // VQ-VAE's uniform(−1/K, 1/K) start; real runs overwrite it with k-means centroids.
        var init = torch.empty(size, dim).uniform_(-1.0 / size, 1.0 / size, generator: gen); // (K, D)
        register_parameter("embeddings", new Parameter(init));
        register_buffer("initialized", torch.zeros(1), persistent: true);
        register_buffer("usage", torch.zeros(size, dtype: ScalarType.Int64), persistent: false);
    }

    /// <summary>The codewords (K, D).</summary>
    public Parameter Embeddings => get_parameter("embeddings")!;

    /// <summary>True once the codebook was set from data (k-means or explicit centroids); saved with the module.</summary>
    public bool IsInitialized => get_buffer("initialized")!.item<float>() > 0;

    /// <summary>Per-code hit counts since the last dead-code check (not saved).</summary>
    public Tensor Usage => get_buffer("usage")!;

    /// <summary>Distances (B, K) from rows of x (B, D) to every codeword; differentiable in x and the codebook.</summary>
    public Tensor Distances(Tensor x, Distance distance)
    {
        var e = Embeddings;
        if (distance == Distance.L2) return KMeans.SquaredDistances(x, e);
        using var scope = torch.NewDisposeScope();
        var xn = nn.functional.normalize(x, dim: 1);           // (B, D)
        var en = nn.functional.normalize(e, dim: 1);           // (K, D)
        var cosine = xn.matmul(en.t());                        // (B, K)
        return cosine.neg().add_(KeptScalars.One, KeptScalars.One).MoveToOuterDisposeScope(); // (B, K) 1 − cos, as 1 - x computes it
    }

    /// <summary>Codewords for codes (B) → (B, D); differentiable in the codebook.</summary>
    public Tensor Lookup(Tensor codes) => Embeddings.index_select(0, codes);

    /// <summary>Overwrites the codewords with <paramref name="centroids"/> (K, D) and marks the codebook initialised.</summary>
    public void SetCodewords(Tensor centroids)
    {
        if (centroids.shape.Length != 2 || centroids.shape[0] != Size || centroids.shape[1] != Dim)
            throw new ArgumentException($"Codebook expects centroids of shape ({Size}, {Dim}), got ({string.Join(", ", centroids.shape)}).");
        using var _ = torch.no_grad();
        Embeddings.copy_(centroids);
        get_buffer("initialized")!.fill_(KeptScalars.One);
    }

    /// <summary>k-means (seeded) on <paramref name="data"/> (N, D); returns the assignments of the rows.</summary>
    public long[] InitializeWithKMeans(Tensor data, long seed, int iterations)
    {
        if (data.shape[0] < Size)
            throw new ArgumentException($"Codebook k-means initialisation needs at least K = {Size} rows, got {data.shape[0]}.");
        using var result = new KMeans(Size, seed, iterations).Fit(data);
        SetCodewords(result.Centroids);
        return result.Assignments;
    }

    /// <summary>Adds one hit per occurrence of each code in <paramref name="codes"/> (B).</summary>
    public void RecordUsage(Tensor codes)
    {
        using var _ = torch.no_grad();
        using var counts = torch.bincount(codes.flatten(), minlength: Size);  // (K)
        Usage.add_(counts.to(Usage.device), KeptScalars.One);
    }

    /// <summary>
    /// Re-seeds every code with zero recorded usage from a random row of <paramref name="candidates"/> (B, D),
    /// distinct rows while enough exist; then clears the usage counts. Returns how many codes were restarted.
    /// </summary>
    public int RestartDeadCodes(Tensor candidates, Generator gen)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var dead = Usage.eq(KeptScalars.Zero).nonzero().flatten().cpu();   // (nDead)
        int nDead = (int)dead.shape[0];
        if (nDead > 0 && candidates.shape[0] > 0)
        {
            long b = candidates.shape[0];
            var rows = nDead <= b
                ? torch.randperm(b, generator: gen).narrow(0, 0, nDead)  // (nDead) distinct rows
                : torch.randint(0, b, [nDead], generator: gen);          // (nDead) with repeats
            var picked = candidates.detach().index_select(0, rows.to(candidates.device)); // (nDead, D)
            Embeddings.index_copy_(0, dead.to(Embeddings.device), picked.to(Embeddings.device));
        }
        Usage.zero_();
        return nDead;
    }
}
