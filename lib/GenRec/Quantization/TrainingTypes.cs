// Records shared by the RQ-VAE trainer and its callers: training options, the metrics recorded every N
// steps, progress reports, the divergence exception, and small seeded helpers (split, batches, optimizer).
using System.Text.Json.Serialization;
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Quantization;

public enum OptimizerKind { Adam, AdamW, Adagrad }

/// <summary>Options of <see cref="RqVaeTrainer"/> (and of <see cref="ContinuousAutoencoder.Fit"/>).</summary>
public sealed record RqVaeTrainingConfig
{
    /// <summary>
    /// Optimizer steps in total, warm-up included (ignored when <see cref="Epochs"/> is set). 800 (≈ 70 epochs of
    /// Beauty) is deliberate: on Beauty's MiniLM vectors the share of items with a unique 3-code tuple peaks
    /// right after k-means initialisation and then falls as reconstruction improves (0.96 at 800 steps,
    /// 0.94 at 1500, 0.92 at 3000 with β = 0.25), so longer training trades ID uniqueness for reconstruction.
    /// </summary>
    public int Steps { get; init; } = 800;
    /// <summary>If set, steps = Epochs × ⌈training items / BatchSize⌉.</summary>
    public int? Epochs { get; init; }
    public int BatchSize { get; init; } = 1024;
    public double LearningRate { get; init; } = 1e-3;
    [JsonConverter(typeof(JsonStringEnumConverter<OptimizerKind>))]
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public double WeightDecay { get; init; }
    /// <summary>Seed of the held-out split and the batch order.</summary>
    public long Seed { get; init; }
    /// <summary>"cpu", "cuda", "cuda:1", or null / "auto" for <see cref="TorchDevice.Pick"/>.</summary>
    public string? Device { get; init; }
    /// <summary>Record <see cref="QuantizerMetrics"/> every this many steps (and after the last step). 0 = only at the end.</summary>
    public int MetricsEvery { get; init; } = 250;
    /// <summary>
    /// Reconstruction-only steps before the codebooks are k-means-initialised on the encoder outputs; k-means on
    /// an untrained encoder's outputs collapses to a handful of codes (see TOOLCHAIN.md).
    /// </summary>
    public int WarmupStepsBeforeKMeansInit { get; init; } = 200;
    /// <summary>Fraction of items kept out of training (seeded), for held-out losses.</summary>
    public double HeldOutFraction { get; init; } = 0.05;
    /// <summary>Stop when the batch loss is NaN/∞ or exceeds this factor × the first loss of its phase.</summary>
    public double DivergenceFactor { get; init; } = 100;

    internal void Validate()
    {
        if (Steps < 1 && Epochs is null) throw new ArgumentException($"RqVaeTrainingConfig: Steps must be ≥ 1, got {Steps}.");
        if (Epochs is < 1) throw new ArgumentException($"RqVaeTrainingConfig: Epochs must be ≥ 1, got {Epochs}.");
        if (BatchSize < 1) throw new ArgumentException($"RqVaeTrainingConfig: BatchSize must be ≥ 1, got {BatchSize}.");
        if (LearningRate <= 0) throw new ArgumentException($"RqVaeTrainingConfig: LearningRate must be > 0, got {LearningRate}.");
        if (HeldOutFraction is < 0 or >= 1) throw new ArgumentException($"RqVaeTrainingConfig: HeldOutFraction must be in [0, 1), got {HeldOutFraction}.");
        if (WarmupStepsBeforeKMeansInit < 0) throw new ArgumentException("RqVaeTrainingConfig: WarmupStepsBeforeKMeansInit must be ≥ 0.");
        if (DivergenceFactor <= 1) throw new ArgumentException($"RqVaeTrainingConfig: DivergenceFactor must be > 1, got {DivergenceFactor}.");
    }
}

/// <summary>Training phase of a step.</summary>
public enum TrainingPhase { Warmup, Quantized }

/// <summary>
/// Snapshot of an RQ-VAE during training. Losses are means over items in eval mode (no Gumbel noise);
/// code statistics are over all items (training + held-out). Entropy is in nats.
/// </summary>
public sealed record QuantizerMetrics(
    int Step,
    TrainingPhase Phase,
    double ReconstructionLoss,
    double CodebookLoss,
    double CommitmentLoss,
    double TotalLoss,
    double[] UsagePerLevel,
    double[] EntropyNats,
    double[] PerplexityPerLevel,
    double UniqueItemFraction,
    double DistinctTupleFraction,
    int MaxDuplicates,
    double MaxDuplicateFraction,
    double? HeldOutReconstructionLoss,
    double? HeldOutTotalLoss,
    double ElapsedSeconds);

/// <summary>Per-step progress; <see cref="Metrics"/> is set on the steps where metrics were recorded.</summary>
public sealed record TrainingProgress(int Step, int TotalSteps, TrainingPhase Phase, double BatchLoss, QuantizerMetrics? Metrics);

/// <summary>Thrown when the loss becomes NaN/∞ or explodes; the model has been restored to its last good state.</summary>
public sealed class TrainingDivergedException(int step, double loss, double reference, double factor)
    : Exception($"Training diverged at step {step}: loss {loss:G6} is " +
                (double.IsFinite(loss) ? $"more than {factor:G4} × the phase's first loss {reference:G6}" : "not finite") +
                ". The model was restored to the parameters of the last step with a good loss.")
{
    public int Step { get; } = step;
    public double Loss { get; } = loss;
    public double ReferenceLoss { get; } = reference;
}

/// <summary>Seeded data split, batch order and optimizer construction shared by the trainers.</summary>
internal static class TrainingSupport
{
    /// <summary>(train indices, held-out indices), held-out = first ⌊N·f⌋ of a seeded permutation.</summary>
    public static (long[] Train, long[] HeldOut) Split(long n, double heldOutFraction, Generator gen)
    {
        using var perm = torch.randperm(n, generator: gen);
        var order = perm.data<long>().ToArray();
        int held = (int)Math.Floor(n * heldOutFraction);
        if (n - held < 1) throw new ArgumentException($"No training items left: {n} items with held-out fraction {heldOutFraction}.");
        return (order[held..].Order().ToArray(), order[..held].Order().ToArray());
    }

    /// <summary>Endless epochs of shuffled batches (positions into 0..n−1); the last batch of an epoch may be short.</summary>
    public static IEnumerable<long[]> Batches(long n, int batchSize, Generator gen)
    {
        while (true)
        {
            using var perm = torch.randperm(n, generator: gen);
            var order = perm.data<long>().ToArray();
            for (int start = 0; start < order.Length; start += batchSize)
                yield return order[start..Math.Min(order.Length, start + batchSize)];
        }
    }

    /// <summary>The configured optimizer, with TorchSharp's default hyperparameters (ours keep their Scalars: KeptOptimizer).</summary>
    public static KeptOptimizer MakeOptimizer(IEnumerable<TorchSharp.Modules.Parameter> parameters, RqVaeTrainingConfig c) => c.Optimizer switch
    {
        OptimizerKind.Adam => new KeptAdamW(parameters, c.LearningRate, weightDecay: c.WeightDecay, decoupledWeightDecay: false),
        OptimizerKind.AdamW => new KeptAdamW(parameters, c.LearningRate, weightDecay: c.WeightDecay),
        OptimizerKind.Adagrad => new KeptAdagrad(parameters, c.LearningRate, weightDecay: c.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(c.Optimizer), c.Optimizer, "unknown optimizer"),
    };

    public static void CheckData(Tensor data, int dim, string who)
    {
        QuantizerMath.CheckInput(data, dim, who);
        if (data.shape[0] < 1) throw new ArgumentException($"{who}: no rows to train on.");
        using var finite = data.isfinite().all();
        if (!finite.item<bool>()) throw new ArgumentException($"{who}: the training data contains NaN or infinite values.");
    }
}
