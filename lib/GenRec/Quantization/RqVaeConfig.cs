// Configuration of TIGER's RQ-VAE (Rajput et al. 2023, §3.1): MLP encoder D → 512 → 256 → 128 → 32,
// 3 residual levels of 256 codes, β = 0.25, mirrored decoder; plus the switches studied in this project.
using System.Text.Json.Serialization;

namespace GenRec.Quantization;

/// <summary>RQ-VAE architecture and quantizer options. Levels = 1 gives a plain VQ-VAE.</summary>
public sealed record RqVaeConfig
{
    /// <summary>Width of the item embeddings (384 for MiniLM, 768 for Sentence-T5).</summary>
    public int InputDim { get; init; } = 384;
    /// <summary>Encoder hidden widths (the decoder mirrors them).</summary>
    public int[] HiddenDims { get; init; } = [512, 256, 128];
    /// <summary>Width of the quantized latent.</summary>
    public int LatentDim { get; init; } = 32;
    public int Levels { get; init; } = 3;
    public int CodebookSize { get; init; } = 256;
    /// <summary>Commitment weight β in L = recon + codebook + β · commitment.</summary>
    public double Beta { get; init; } = 0.25;
    [JsonConverter(typeof(JsonStringEnumConverter<Estimator>))]
    public Estimator Estimator { get; init; } = Estimator.StraightThrough;
    [JsonConverter(typeof(JsonStringEnumConverter<Distance>))]
    public Distance Distance { get; init; } = Distance.L2;
    public GumbelSchedule Gumbel { get; init; } = new();
    /// <summary>Dead-code window in training steps (0 = off).</summary>
    public int DeadCodeWindow { get; init; } = 100;
    /// <summary>Initialise codebooks by k-means on encoder outputs (the trainer does it after its warm-up).</summary>
    public bool KMeansInit { get; init; } = true;
    public int KMeansIterations { get; init; } = 25;
    /// <summary>Reduction over dimensions for reconstruction and quantization losses (Sum as in the paper).</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<Reduction>))]
    public Reduction Reduction { get; init; } = Reduction.Sum;
    public double Dropout { get; init; }
    public long Seed { get; init; }

    /// <summary>The quantizer options this config implies.</summary>
    public QuantizerOptions QuantizerOptions() => new()
    {
        Dim = LatentDim,
        CodebookSize = CodebookSize,
        Levels = Levels,
        Distance = Distance,
        Estimator = Estimator,
        LossReduction = Reduction,
        Gumbel = Gumbel,
        DeadCodeWindow = DeadCodeWindow,
        // The trainer initialises after warm-up; a bare forward in training mode still gets first-batch k-means.
        KMeansInitOnFirstBatch = KMeansInit,
        KMeansIterations = KMeansIterations,
        Seed = Seed + 1,
    };

    internal void Validate()
    {
        if (InputDim < 1 || LatentDim < 1) throw new ArgumentException($"RqVaeConfig: InputDim and LatentDim must be ≥ 1, got {InputDim} and {LatentDim}.");
        if (HiddenDims is null || HiddenDims.Any(h => h < 1)) throw new ArgumentException("RqVaeConfig: HiddenDims must be positive widths.");
        if (Beta < 0) throw new ArgumentException($"RqVaeConfig: Beta must be ≥ 0, got {Beta}.");
        if (Dropout < 0 || Dropout >= 1) throw new ArgumentException($"RqVaeConfig: Dropout must be in [0, 1), got {Dropout}.");
    }
}
