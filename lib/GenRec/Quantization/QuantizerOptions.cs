// Typed options shared by VectorQuantizer and ResidualQuantizer, named after the techniques they switch.
namespace GenRec.Quantization;

/// <summary>
/// Gumbel-softmax temperature annealing: τ(step) = max(Min, Start · DecayPerStep^step), step counted in
/// training forward passes of the quantizer. Logits are −distance / (batch mean distance), so τ is
/// dimensionless; but codewords are close together relative to that mean, and on Beauty's latents τ = 1
/// (or even 0.05) sampled codes so randomly that the decoder learnt nothing and the codebooks collapsed,
/// while τ from 0.01 down to 0.001 trained (QuantBench measurements). Hence the small defaults.
/// </summary>
public sealed record GumbelSchedule(double Start = 0.01, double Min = 0.001, double DecayPerStep = 0.995)
{
    /// <summary>Temperature after <paramref name="step"/> training steps.</summary>
    public double At(long step) => Math.Max(Min, Start * Math.Pow(DecayPerStep, step));
}

/// <summary>Options of a (residual) vector quantizer.</summary>
public sealed record QuantizerOptions
{
    /// <summary>Width D of the vectors being quantized.</summary>
    public int Dim { get; init; } = 32;
    /// <summary>K codes per level.</summary>
    public int CodebookSize { get; init; } = 256;
    /// <summary>L residual levels (VectorQuantizer requires 1).</summary>
    public int Levels { get; init; } = 3;
    public Distance Distance { get; init; } = Distance.L2;
    public Estimator Estimator { get; init; } = Estimator.StraightThrough;
    /// <summary>Reduction over dimensions of the codebook and commitment losses.</summary>
    public Reduction LossReduction { get; init; } = Reduction.Sum;
    public GumbelSchedule Gumbel { get; init; } = new();
    /// <summary>Training steps per dead-code window; codes unused during a window are re-seeded. 0 = off.</summary>
    public int DeadCodeWindow { get; init; }
    /// <summary>Run k-means on the first training batch when the codebooks were not initialised from data.</summary>
    public bool KMeansInitOnFirstBatch { get; init; }
    /// <summary>Lloyd iterations for codebook initialisation.</summary>
    public int KMeansIterations { get; init; } = 25;
    /// <summary>Seed of codebook init, k-means, Gumbel noise and dead-code restarts.</summary>
    public long Seed { get; init; }

    internal void Validate(string who)
    {
        if (Dim < 1) throw new ArgumentException($"{who}: Dim must be ≥ 1, got {Dim}.");
        if (CodebookSize < 1) throw new ArgumentException($"{who}: CodebookSize must be ≥ 1, got {CodebookSize}.");
        if (Levels < 1) throw new ArgumentException($"{who}: Levels must be ≥ 1, got {Levels}.");
        if (DeadCodeWindow < 0) throw new ArgumentException($"{who}: DeadCodeWindow must be ≥ 0, got {DeadCodeWindow}.");
        if (Gumbel.Start <= 0 || Gumbel.Min <= 0 || Gumbel.DecayPerStep <= 0 || Gumbel.DecayPerStep > 1)
            throw new ArgumentException($"{who}: Gumbel schedule needs Start, Min > 0 and 0 < DecayPerStep ≤ 1, got {Gumbel}.");
    }
}
