// Training-free residual k-means: L rounds of k-means, round l on the residuals left by rounds < l
// (the RQ-VAE quantizer without the autoencoder and without gradient training; a common semantic-ID
// baseline). Optionally size-balanced (KMeans.AssignBalanced: greedy capacity ⌈N/K⌉ per cluster), which
// spreads items evenly over codes and so reduces ID collisions. With Balanced, assignment is balanced
// within whatever batch is passed: encoding all items at once reproduces the codes of the fit exactly.
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Quantization;

/// <summary>Options of <see cref="ResidualKMeans"/>.</summary>
public sealed record ResidualKMeansOptions(int Levels = 3, int CodebookSize = 256, bool Balanced = false, int Iterations = 25, long Seed = 0);

/// <summary>Residual k-means quantizer (fit by <see cref="InitializeFromData"/>, no gradient training).</summary>
public sealed class ResidualKMeans : nn.Module<Tensor, QuantizerOutput>, IQuantizer
{
    public ResidualKMeansOptions Options { get; }

    public ResidualKMeans(int dim, ResidualKMeansOptions options, string name = "residual_kmeans") : base(name)
    {
        if (dim < 1 || options.Levels < 1 || options.CodebookSize < 1)
            throw new ArgumentException($"ResidualKMeans: dim, Levels and CodebookSize must be ≥ 1, got {dim}, {options.Levels}, {options.CodebookSize}.");
        Dim = dim;
        Options = options;
        register_buffer("centroids", torch.zeros(options.Levels, options.CodebookSize, dim));  // (L, K, D)
        register_buffer("fitted", torch.zeros(1));
    }

    public int Levels => Options.Levels;
    public int CodebookSize => Options.CodebookSize;
    public int Dim { get; }

    /// <summary>(L, K, D) centroids per level.</summary>
    public Tensor Centroids => get_buffer("centroids")!;

    public bool IsFitted => get_buffer("fitted")!.item<float>() > 0;

    /// <summary>Fits level by level on x (N, D), N ≥ K.</summary>
    public void InitializeFromData(Tensor x)
    {
        QuantizerMath.CheckInput(x, Dim, nameof(ResidualKMeans));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var residual = x.detach();                                       // (N, D)
        for (int l = 0; l < Levels; l++)
        {
            var kmeans = new KMeans(CodebookSize, Options.Seed + 7919L * (l + 1), Options.Iterations, balanced: Options.Balanced);
            using var result = kmeans.Fit(residual);
            Centroids[l].copy_(result.Centroids);
            var (_, next) = AssignLevel(residual, l);
            residual = next;
        }
        get_buffer("fitted")!.fill_(KeptScalars.One);
    }

    /// <summary>
    /// Codes and quantized vectors; CodebookLoss and CommitmentLoss both hold Σ_l ‖r_l − e_l‖² (the same
    /// quantity, no gradient) and Loss their sum, so the record reads like the learnable quantizers'.
    /// </summary>
    public override QuantizerOutput forward(Tensor x)
    {
        QuantizerMath.CheckInput(x, Dim, nameof(ResidualKMeans));
        if (!IsFitted) throw new InvalidOperationException("ResidualKMeans must be fitted with InitializeFromData(x) before use.");
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var residual = x.detach();                              // (B, D)
        var sum = torch.zeros_like(residual);                   // (B, D)
        var error = QuantizerMath.Zero(residual);
        var codes = new Tensor[Levels];
        for (int l = 0; l < Levels; l++)
        {
            var (code, next) = AssignLevel(residual, l);
            var codeword = Centroids[l].index_select(0, code);  // (B, D)
            error = error.Plus(QuantizerMath.SquaredError(residual, codeword, Reduction.Sum));
            sum = sum.Plus(codeword);
            residual = next;
            codes[l] = code;
        }
        var output = new QuantizerOutput(sum, torch.stack(codes, 1), error.mul(KeptScalars.Two), error.clone(), error.clone());
        return output.MoveToOuterDisposeScope();
    }

    public Tensor Decode(Tensor codes)
    {
        if (codes.dim() != 2 || codes.shape[1] != Levels)
            throw new ArgumentException($"Decode expects codes of shape (B, {Levels}), got ({string.Join(", ", codes.shape)}).");
        using var scope = torch.NewDisposeScope();
        var idx = codes.to_type(ScalarType.Int64).to(Centroids.device);      // (B, L)
        var sum = torch.zeros(codes.shape[0], Dim, device: idx.device);      // (B, D)
        for (int l = 0; l < Levels; l++) sum = sum.Plus(Centroids[l].index_select(0, idx.select(1, l)));
        return sum.MoveToOuterDisposeScope();
    }

    // One level: codes (B) by nearest or balanced assignment, and the residual left behind (B, D).
    private (Tensor Codes, Tensor Residual) AssignLevel(Tensor residual, int level)
    {
        var centroids = Centroids[level];                                    // (K, D)
        var assigned = Options.Balanced ? KMeans.AssignBalanced(residual, centroids) : KMeans.AssignNearest(residual, centroids);
        var code = torch.tensor(assigned, device: residual.device);          // (B)
        using var chosen = centroids.index_select(0, code);                  // (B, D)
        return (code, residual - chosen);
    }
}
