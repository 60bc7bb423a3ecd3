// Named settings of TIGER's stage 2 (sequence-to-sequence training and evaluation).
//  * "paper": the sizes of Rajput et al. (NeurIPS 2023, §4.1) — d_model 128, 6 heads × 64, d_ff 1024,
//    4 + 4 layers, dropout 0.1, batch 256, peak learning rate 0.01 with 10k warm-up steps then inverse-
//    square-root decay, 200k steps, beam 20, hashed user token (2000 buckets). A GPU job.
//  * "cpu": sized by measurement (bench/GenRec.PresetBench, real Beauty + real RQ-VAE IDs, 2 shared cores
//    under load 10–14, so pessimistic) to train and fully evaluate (2 × 22,363 users) in about one hour on
//    2 quiet cores: d_model 128, 4 heads × 32, d_ff 512, 2 + 2 layers (1.02 M parameters) took 2.1–2.5
//    core-s per batch-256 step (≈ 1.3–1.6 s wall on 2 free cores) and decoded 42 users/s at beam 10
//    (≤ 17.5 min for valid + test); the paper's shape took 2.8 core-s/step and 5.8 users/s at beam 20
//    (129 min for the evaluation alone). 1,500 steps ≈ 3 epochs of Beauty's 131,413 training examples.
//    Peak learning rate 0.0025, chosen on the validation split (Beauty, seed 0, same semantic IDs, Recall@10 over
//    all 22,363 validation users after 1,500 steps): 0.01 → 0.0206, 0.005 → 0.0233, 0.0025 → 0.0368.
//    Measured since on 2 quiet cores (README "Results"): training 1,436 s, valid + test evaluation 110 s,
//    the whole `run` from a fresh clone 36 min 45 s — the sizing above was pessimistic.
// Step counts are fixed, never wall-clock budgets, so the same seed always gives the same run.
using GenRec.Tiger;

namespace GenRec.Runs;

/// <summary>A complete stage-2 setting: model shape, optimisation, schedule and evaluation.</summary>
/// <param name="Name">Preset name ("cpu", "paper").</param>
/// <param name="Model">Model shape; VocabularySize is a placeholder, filled in from the semantic IDs by <see cref="ModelFor"/>.</param>
/// <param name="Trainer">Optimisation; Seed is replaced by the run's seed.</param>
/// <param name="Fit">Steps, validation interval, patience and the beam width of periodic validation; CheckpointDirectory is ignored (the run folder decides).</param>
/// <param name="EvalBeamWidth">Beam width of the final evaluation (≥ 10: Recall@10 needs 10 items).</param>
/// <param name="ValidationSubset">Validation users decoded at each periodic validation (seeded subset; ≤ 0: all).</param>
/// <param name="UserBuckets">Hashed user-token buckets (0: no user token).</param>
public sealed record TigerPreset(
    string Name,
    TigerConfig Model,
    TigerTrainerConfig Trainer,
    TigerFitOptions Fit,
    int EvalBeamWidth,
    int ValidationSubset,
    int UserBuckets)
{
    /// <summary>The model configuration for a tokenizer's vocabulary.</summary>
    public TigerConfig ModelFor(SemanticIdTokenizer tokenizer) => Model with { VocabularySize = tokenizer.VocabularySize };

    /// <summary>
    /// The same preset with <paramref name="steps"/> training steps (training always validates at its last
    /// step too). Only the step count changes, so a run can later be continued with more steps; warm-up is
    /// kept (a short run then ends inside the warm-up, which is what a smoke test wants).
    /// </summary>
    public TigerPreset WithSteps(int steps)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Steps must be ≥ 1.");
        return this with { Fit = Fit with { MaxSteps = steps } };
    }

    /// <summary>
    /// The same preset with peak learning rate <paramref name="learningRate"/> (warm-up and decay keep their
    /// shape). For tuning on the validation split; the run's config.json records the value.
    /// </summary>
    public TigerPreset WithLearningRate(double learningRate)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a positive number.");
        return this with { Trainer = Trainer with { LearningRate = learningRate } };
    }
}

/// <summary>The named presets.</summary>
public static class TigerPresets
{
    /// <summary>Names accepted by <see cref="Get"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["cpu", "paper"];

    /// <summary>The paper's stage-2 setting (GPU).</summary>
    public static TigerPreset Paper { get; } = new(
        "paper",
        new TigerConfig(VocabularySize: 0, DModel: 128, NumHeads: 6, DKv: 64, DFf: 1024, EncoderLayers: 4, DecoderLayers: 4, Dropout: 0.1),
        new TigerTrainerConfig(BatchSize: 256, LearningRate: 0.01, WarmupSteps: 10_000, UseUserToken: true),
        new TigerFitOptions(MaxSteps: 200_000, EvalEvery: 5_000, Patience: 10, EvalBeamWidth: 20, EvalBatchSize: 256),
        EvalBeamWidth: 20,
        ValidationSubset: 2_000,
        UserBuckets: 2_000);

    /// <summary>Sized to train and fully evaluate Beauty within an hour on 2 CPU cores (measured: 26 min on quiet cores).</summary>
    public static TigerPreset Cpu { get; } = new(
        "cpu",
        new TigerConfig(VocabularySize: 0, DModel: 128, NumHeads: 4, DKv: 32, DFf: 512, EncoderLayers: 2, DecoderLayers: 2, Dropout: 0.1),
        new TigerTrainerConfig(BatchSize: 256, LearningRate: 0.0025, WarmupSteps: 300),
        new TigerFitOptions(MaxSteps: 1_500, EvalEvery: 250, Patience: 4, EvalBeamWidth: 10, EvalBatchSize: 256),
        EvalBeamWidth: 10,
        ValidationSubset: 1_000,
        UserBuckets: 0);

    /// <summary>The preset called <paramref name="name"/>; an unknown name throws listing the known ones.</summary>
    public static TigerPreset Get(string name) => name switch
    {
        "cpu" => Cpu,
        "paper" => Paper,
        _ => throw new ArgumentException($"Unknown preset \"{name}\": expected one of {string.Join(", ", Names)}."),
    };
}
