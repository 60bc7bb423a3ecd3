// TIGER's stage-1 model (Rajput et al. 2023, §3.1): an MLP autoencoder whose latent goes through a
// residual quantizer; the codes of an item's embedding are its semantic ID. Loss per batch:
// ‖x − x̂‖² + Σ_l ‖sg[r_l] − e_l‖² + β Σ_l ‖r_l − sg[e_l]‖².
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Quantization;

/// <summary>Scalar loss parts of one RQ-VAE forward pass.</summary>
public sealed record RqVaeLosses(Tensor Reconstruction, Tensor Codebook, Tensor Commitment, Tensor Total) : IDisposable
{
    public void Dispose()
    {
        Reconstruction.Dispose();
        Codebook.Dispose();
        Commitment.Dispose();
        Total.Dispose();
    }
}

/// <summary>Reconstruction (B, InputDim), the quantizer's output and the loss parts.</summary>
public sealed record RqVaeOutput(Tensor Reconstruction, QuantizerOutput Quantizer, RqVaeLosses Losses) : IDisposable
{
    public void Dispose()
    {
        Reconstruction.Dispose();
        Quantizer.Dispose();
        Losses.Dispose();
    }
}

/// <summary>RQ-VAE: encoder → residual quantizer → decoder.</summary>
public sealed class RqVae : nn.Module<Tensor, RqVaeOutput>
{
    private readonly Sequential encoder;
    private readonly ResidualQuantizer quantizer;
    private readonly Scalar beta;   // the commitment weight, kept for the model's life (see KeptScalars)
    private readonly Sequential decoder;

    public RqVaeConfig Config { get; }

    public RqVae(RqVaeConfig config) : base("rqvae")
    {
        config.Validate();
        Config = config;
        beta = KeptScalars.Keep(config.Beta);
        using var gen = QuantizerMath.Seeded(config.Seed);
        int[] widths = [config.InputDim, .. config.HiddenDims, config.LatentDim];
        encoder = Mlp.Build(widths, config.Dropout, gen);
        decoder = Mlp.Build(widths.Reverse().ToArray(), config.Dropout, gen);
        quantizer = new ResidualQuantizer(config.QuantizerOptions());
        RegisterComponents();
    }

    public ResidualQuantizer Quantizer => quantizer;
    public Sequential Encoder => encoder;
    public Sequential Decoder => decoder;

    public override RqVaeOutput forward(Tensor x)
    {
        QuantizerMath.CheckInput(x, Config.InputDim, nameof(RqVae));
        using var scope = torch.NewDisposeScope();
        var latent = encoder.call(x);                            // (B, LatentDim)
        var q = quantizer.call(latent);                          // Quantized (B, LatentDim), Codes (B, L)
        var reconstruction = decoder.call(q.Quantized);          // (B, InputDim)
        var recon = QuantizerMath.SquaredError(reconstruction, x, Config.Reduction);
        var total = recon.Plus(q.CodebookLoss).Plus(q.CommitmentLoss.mul(beta));   // recon + codebook + β·commitment
        var losses = new RqVaeLosses(recon, q.CodebookLoss.alias(), q.CommitmentLoss.alias(), total);
        var output = new RqVaeOutput(reconstruction, q, losses);
        reconstruction.MoveToOuterDisposeScope();
        q.MoveToOuterDisposeScope();
        recon.MoveToOuterDisposeScope();
        losses.Codebook.MoveToOuterDisposeScope();
        losses.Commitment.MoveToOuterDisposeScope();
        total.MoveToOuterDisposeScope();
        return output;
    }

    /// <summary>
    /// Autoencoder pass without quantization, used for the reconstruction-only warm-up:
    /// returns (reconstruction (B, InputDim), scalar reconstruction loss).
    /// </summary>
    public (Tensor Reconstruction, Tensor Loss) ForwardUnquantized(Tensor x)
    {
        QuantizerMath.CheckInput(x, Config.InputDim, nameof(RqVae));
        using var scope = torch.NewDisposeScope();
        var reconstruction = decoder.call(encoder.call(x));      // (B, InputDim)
        var loss = QuantizerMath.SquaredError(reconstruction, x, Config.Reduction);
        return (reconstruction.MoveToOuterDisposeScope(), loss.MoveToOuterDisposeScope());
    }

    /// <summary>Encoder outputs (N, LatentDim) in eval mode, no gradient, computed in batches.</summary>
    public Tensor EncodeLatent(Tensor x, int batchSize = 4096) => InEval(() => Batched(x, batchSize, b => encoder.call(b)));

    /// <summary>Semantic codes (N, L) int64 in eval mode (deterministic nearest codes).</summary>
    public Tensor Encode(Tensor x, int batchSize = 4096) => InEval(() => Batched(x, batchSize, b =>
    {
        using var latent = encoder.call(b);
        using var q = quantizer.call(latent);
        return q.Codes.alias();
    }));

    /// <summary>Codes (N, L) → reconstructed embeddings (N, InputDim), eval mode, no gradient.</summary>
    public Tensor Decode(Tensor codes) => InEval(() =>
    {
        using var quantized = quantizer.Decode(codes);
        return decoder.call(quantized);
    });

    /// <summary>k-means initialisation of every level on the encoder outputs of <paramref name="x"/> (N, InputDim).</summary>
    public void InitializeCodebooks(Tensor x, int batchSize = 4096)
    {
        using var latent = EncodeLatent(x, batchSize);
        quantizer.InitializeFromData(latent);
    }

    private T InEval<T>(Func<T> body) => EvalMode.Run(this, body);

    private static Tensor Batched(Tensor x, int batchSize, Func<Tensor, Tensor> f)
    {
        var parts = new List<Tensor>();
        try
        {
            for (long start = 0; start < x.shape[0]; start += batchSize)
            {
                using var batch = x.narrow(0, start, Math.Min(batchSize, x.shape[0] - start));
                parts.Add(f(batch));
            }
            return parts.Count == 1 ? parts[0].alias() : torch.cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }
}
