// Named settings of stage 2: a model kind with its shape, optimisation, schedule and evaluation. A preset name
// may carry one setting per model kind ("cpu" has both); the name alone gives its default kind — the one that
// won on the validation split at equal wall time — and `--model` picks the other.
//  * "paper": the sizes of Rajput et al. (NeurIPS 2023, §4.1), encoder-decoder only — d_model 128, 6 heads × 64,
//    d_ff 1024, 4 + 4 layers, dropout 0.1, batch 256, peak learning rate 0.01 with 10k warm-up steps then
//    inverse-square-root decay, 200k steps, beam 20, hashed user token (2000 buckets). A GPU job.
//  * "cpu", encoder-decoder: d_model 128, 4 heads × 32, d_ff 512, 2 + 2 layers (1.02 M parameters), batch 256,
//    peak learning rate 0.0025 (chosen on validation: 0.01 → 0.0206, 0.005 → 0.0233, 0.0025 → 0.0368 Recall@10
//    after 1,500 steps), 1,500 steps ≈ 3 epochs, beam 10. Measured: training 1,173–1,436 s, the whole `run`
//    25–37 min on 2 cores (README "Results").
//  * "cpu", decoder-only: see DecoderOnlyCpu below (its numbers and how they were chosen).
//  * "cpu-large", decoder-only: the cpu preset with 4 layers and d_ff 1024, a run of hours (DecoderOnlyCpuLarge).
// Step counts are fixed, never wall-clock budgets, so the same seed always gives the same run.
using GenRec.Tiger;

namespace GenRec.Runs;

/// <summary>A complete stage-2 setting: model kind and shape, optimisation, schedule and evaluation.</summary>
/// <param name="Name">Preset name ("cpu", "paper", …).</param>
/// <param name="Model">Model kind: <see cref="ModelKinds.EncoderDecoder"/> or <see cref="ModelKinds.DecoderOnly"/>.</param>
/// <param name="EncoderDecoder">Shape of the encoder-decoder (when <paramref name="Model"/> is that kind); VocabularySize is filled in from the semantic IDs.</param>
/// <param name="DecoderOnly">Shape of the decoder-only model (when <paramref name="Model"/> is that kind); VocabularySize likewise.</param>
/// <param name="Trainer">Optimisation; Seed is replaced by the run's seed.</param>
/// <param name="Fit">Steps, validation interval, patience and the beam width of periodic validation; CheckpointDirectory is ignored (the run folder decides).</param>
/// <param name="EvalBeamWidth">Beam width of the final evaluation (≥ 10: Recall@10 needs 10 items).</param>
/// <param name="ValidationSubset">Validation users decoded at each periodic validation (seeded subset; ≤ 0: all).</param>
/// <param name="UserBuckets">Hashed user-token buckets (0: no user token).</param>
/// <param name="Cost">What this setting measured on Beauty (e.g. the whole run's wall time on 2 cores), for help texts.</param>
/// <param name="SemanticIds">The stage-1 method (rqvae | rqkmeans) whose IDs this setting was tuned on; `run` uses it unless asked for another.</param>
public sealed record TigerPreset(
    string Name,
    string Model,
    TigerConfig? EncoderDecoder,
    DecoderOnlyConfig? DecoderOnly,
    TigerTrainerConfig Trainer,
    TigerFitOptions Fit,
    int EvalBeamWidth,
    int ValidationSubset,
    int UserBuckets,
    string Cost = "",
    string SemanticIds = "rqvae")
{
    /// <summary>The same preset with <paramref name="steps"/> training steps; a cosine schedule then anneals over them too.</summary>
    public TigerPreset WithSteps(int steps)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Steps must be ≥ 1.");
        var trainer = Trainer.Schedule == ScheduleShapes.Cosine
            ? Trainer with { ScheduleSteps = steps, WarmupSteps = Math.Min(Trainer.WarmupSteps, Math.Max(0, steps - 1)) }
            : Trainer;
        return this with { Trainer = trainer, Fit = Fit with { MaxSteps = steps } };
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

    /// <summary>The same preset with the given settings replaced (null: keep the preset's); for tuning on the validation split.</summary>
    public TigerPreset With(TigerPresetOverrides overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var preset = this;
        if (overrides.LearningRate is double lr) preset = preset.WithLearningRate(lr);
        if (overrides.BatchSize is int batch)
            preset = batch >= 1 ? preset with { Trainer = preset.Trainer with { BatchSize = batch } }
                : throw new ArgumentOutOfRangeException(nameof(overrides), batch, "The batch size must be ≥ 1.");
        if (overrides.Dropout is double p)
        {
            if (p is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(overrides), p, "Dropout must be in [0, 1).");
            preset = preset.WithModel(e => e with { Dropout = p }, d => d with { Dropout = p });
        }
        if (overrides.Layers is int layers)
            preset = layers >= 1
                ? preset.WithModel(e => e with { EncoderLayers = layers, DecoderLayers = layers }, d => d with { Layers = layers })
                : throw new ArgumentOutOfRangeException(nameof(overrides), layers, "Layers must be ≥ 1.");
        if (overrides.FeedForward is int ff)
            preset = ff >= 1
                ? preset.WithModel(e => e with { DFf = ff }, d => d with { DFf = ff })
                : throw new ArgumentOutOfRangeException(nameof(overrides), ff, "The feed-forward width must be ≥ 1.");
        if (overrides.WeightDecay is double wd)
            preset = wd >= 0 && double.IsFinite(wd)
                ? preset with { Trainer = preset.Trainer with { WeightDecay = wd } }
                : throw new ArgumentOutOfRangeException(nameof(overrides), wd, "Weight decay must be a finite number ≥ 0.");
        if (overrides.Schedule is string schedule)
            preset = preset with { Trainer = preset.Trainer with { Schedule = schedule, ScheduleSteps = schedule == ScheduleShapes.Cosine ? preset.Fit.MaxSteps : 0 } };
        if (overrides.UserToken is bool user)
            preset = preset with { UserBuckets = user ? 2_000 : 0, Trainer = preset.Trainer with { UseUserToken = user } };
        if (overrides.Steps is int steps) preset = preset.WithSteps(steps);
        preset.Validate();
        return preset;
    }

    /// <summary>The same preset with its model's config (whichever kind it carries) changed by the matching function.</summary>
    TigerPreset WithModel(Func<TigerConfig, TigerConfig> encoderDecoder, Func<DecoderOnlyConfig, DecoderOnlyConfig> decoderOnly) =>
        this with { EncoderDecoder = EncoderDecoder is { } e ? encoderDecoder(e) : null, DecoderOnly = DecoderOnly is { } d ? decoderOnly(d) : null };

    /// <summary>Throws unless exactly the config of <see cref="Model"/> is set and the beams can fill a top 10.</summary>
    public void Validate()
    {
        ModelKinds.Check(Model);
        if ((Model == ModelKinds.EncoderDecoder) != (EncoderDecoder is not null) || (Model == ModelKinds.DecoderOnly) != (DecoderOnly is not null))
            throw new ArgumentException($"Preset {Name}: a {Model} preset carries exactly the {Model} configuration.");
        if (EvalBeamWidth < 10 || Fit.EvalBeamWidth < 10)
            throw new ArgumentException($"Preset {Name}: beam widths must be ≥ 10 (Recall@10 needs 10 items).");
        Trainer.Validate();
    }
}

/// <summary>
/// Settings that replace a preset's for one run (null: keep the preset's). The user token uses 2,000 buckets, as
/// the paper. <paramref name="Layers"/> sets the decoder-only stack's depth, or both stacks of the encoder-decoder;
/// <paramref name="FeedForward"/> is d_ff; <paramref name="WeightDecay"/> is AdamW's decoupled weight decay.
/// </summary>
public sealed record TigerPresetOverrides(
    int? Steps = null, double? LearningRate = null, int? BatchSize = null, double? Dropout = null, string? Schedule = null, bool? UserToken = null,
    int? Layers = null, int? FeedForward = null, double? WeightDecay = null);

/// <summary>The named presets.</summary>
public static class TigerPresets
{
    /// <summary>Names accepted by <see cref="Get"/>.</summary>
    public static IReadOnlyList<string> Names => [.. All.Select(p => p.Name).Distinct()];

    /// <summary>The paper's stage-2 setting (GPU).</summary>
    public static TigerPreset Paper { get; } = new(
        "paper", ModelKinds.EncoderDecoder,
        new TigerConfig(VocabularySize: 0, DModel: 128, NumHeads: 6, DKv: 64, DFf: 1024, EncoderLayers: 4, DecoderLayers: 4, Dropout: 0.1),
        null,
        new TigerTrainerConfig(BatchSize: 256, LearningRate: 0.01, WarmupSteps: 10_000, UseUserToken: true),
        new TigerFitOptions(MaxSteps: 200_000, EvalEvery: 5_000, Patience: 10, EvalBeamWidth: 20, EvalBatchSize: 256),
        EvalBeamWidth: 20,
        ValidationSubset: 2_000,
        UserBuckets: 2_000,
        Cost: "the paper's model and schedule, a GPU job (1.7–6.1 s per step here: days)");

    /// <summary>The encoder-decoder sized for 2 CPU cores (the project's first cpu preset).</summary>
    public static TigerPreset EncoderDecoderCpu { get; } = new(
        "cpu", ModelKinds.EncoderDecoder,
        new TigerConfig(VocabularySize: 0, DModel: 128, NumHeads: 4, DKv: 32, DFf: 512, EncoderLayers: 2, DecoderLayers: 2, Dropout: 0.1),
        null,
        new TigerTrainerConfig(BatchSize: 256, LearningRate: 0.0025, WarmupSteps: 300),
        new TigerFitOptions(MaxSteps: 1_500, EvalEvery: 250, Patience: 4, EvalBeamWidth: 10, EvalBatchSize: 256),
        EvalBeamWidth: 10,
        ValidationSubset: 2_000,
        UserBuckets: 0,
        Cost: "whole run 25–37 min on 2 cores, Beauty test Recall@10 0.027 (seed 0)");

    /// <summary>The decoder-only variant sized for 2 CPU cores.</summary>
    /// <remarks>
    /// Chosen on the validation split (Beauty, seed 0, Recall@10 over all 22,363 validation users after 2,500 steps,
    /// bench/scripts/stage2-tuning.sh): residual k-means IDs .0487 vs RQ-VAE IDs .0416; on RQ-VAE IDs peak learning
    /// rate 0.004 .0458, 0.002 .0416, 0.001 .0345; cosine .0416 vs constant .0438 at 0.002 (cosine kept: it ends
    /// annealed at any horizon); dropout 0.1 .0416, 0.2 .0315, 0.3 .0216; user token .0399 (off kept); batch 64 ×
    /// 5,000 steps .0460 vs 128 × 2,500 .0416 (128 kept: batch 64 was not compared at equal wall time); evaluation beam 20 .0530 vs beam 10 .0487.
    /// 18,000 steps (≈ 100 epochs, ~37 min at 8 steps/s) fill the hour of README's main command.
    /// </remarks>
    public static TigerPreset DecoderOnlyCpu { get; } = new(
        "cpu", ModelKinds.DecoderOnly,
        null,
        new DecoderOnlyConfig(VocabularySize: 0, DModel: 128, NumHeads: 4, DKv: 32, DFf: 512, Layers: 2, Dropout: 0.1, AttentionDropout: 0.0),
        new TigerTrainerConfig(BatchSize: 128, LearningRate: 0.004, WarmupSteps: 200, Schedule: ScheduleShapes.Cosine, ScheduleSteps: 18_000),
        new TigerFitOptions(MaxSteps: 18_000, EvalEvery: 1_000, Patience: 100, EvalBeamWidth: 10, EvalBatchSize: 256),
        EvalBeamWidth: 20,
        ValidationSubset: 2_000,
        UserBuckets: 0,
        Cost: "whole run 40–50 min on 2 cores, Beauty test Recall@10 0.054–0.056 (seeds 0, 1, 2)",
        SemanticIds: "rqkmeans");

    /// <summary>The decoder-only variant at the paper's layer width, for a run of a few hours on 2 CPU cores.</summary>
    /// <remarks>
    /// The cpu preset's validation curve flattens over its last third while its training loss still falls, and
    /// neither more dropout nor a wider beam lifted it (README "How the preset was chosen"). Twice the layers at the
    /// paper's d_ff 1024 (~3.3× the multiply-adds per token) did: on the validation split only
    /// (Beauty, seed 0, the seed-0 residual k-means IDs, bench/scripts/stage2-tuning.sh) it passed the cpu preset's
    /// final validation Recall@10 in half the steps — all 22,363 validation users, beam 20: 9,000 steps (3,629 s of
    /// training) Recall@10 0.0847, NDCG@10 0.0454 against the cpu preset's 0.0795 / 0.0423 after 18,000 (2,545 s).
    /// 18,000 steps (≈ 100 epochs, as cpu) are ≈ 2 hours of training. Everything else is the cpu preset's. Its measured
    /// run (seed 0, README "Results"): test Recall@10 0.0660 (the paper's 0.0648 reached), NDCG@10 0.0360 (the paper's
    /// 0.0384 not), whole command 2 h 10 min as the sum of an interrupted run and its resume.
    /// </remarks>
    public static TigerPreset DecoderOnlyCpuLarge { get; } = DecoderOnlyCpu with
    {
        Name = "cpu-large",
        DecoderOnly = DecoderOnlyCpu.DecoderOnly! with { Layers = 4, DFf = 1024 },
        Cost = "whole run ≈ 2 h 10 min on 2 cores (training 6,791 s), Beauty test Recall@10 0.066, NDCG@10 0.036 (seed 0)",
    };

    static readonly TigerPreset[] All = [DecoderOnlyCpu, EncoderDecoderCpu, DecoderOnlyCpuLarge, Paper];

    /// <summary>The model kind <paramref name="name"/> runs when no kind is asked for (the first listed).</summary>
    public static string DefaultModel(string name) => (All.FirstOrDefault(p => p.Name == name) ?? throw Unknown(name)).Model;

    /// <summary>Every preset, default kind of each name first.</summary>
    public static IReadOnlyList<TigerPreset> List => All;

    /// <summary>
    /// The preset called <paramref name="name"/> for model kind <paramref name="model"/> (null: the name's default).
    /// An unknown name, or a kind the name has no setting for, throws listing what exists.
    /// </summary>
    public static TigerPreset Get(string name, string? model = null)
    {
        if (!All.Any(p => p.Name == name)) throw Unknown(name);
        model = model is null ? DefaultModel(name) : ModelKinds.Check(model);
        return All.FirstOrDefault(p => p.Name == name && p.Model == model)
            ?? throw new ArgumentException($"Preset \"{name}\" has no {model} setting; it has {string.Join(", ", All.Where(p => p.Name == name).Select(p => p.Model))}.");
    }

    static ArgumentException Unknown(string name) => new($"Unknown preset \"{name}\": expected one of {string.Join(", ", Names)}.");
}
