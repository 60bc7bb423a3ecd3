// The training loop of both stage-2 models (Rajput et al., 2023, §3.2): what a step computes comes from the
// model's objective (EncoderDecoderObjective: TIGER's teacher-forced target item; DecoderOnlyObjective:
// next-token cross-entropy at every position); this loop adds AdamW (KeptAdamW, free of temporary Scalars),
// linear warm-up + the configured decay (inverse-sqrt, cosine or constant), global-norm clipping,
// length-bucketed batches, a NaN guard, atomic checkpoints that resume bit-for-bit on the CPU, and a
// validation hook (Recall@10 by constrained beam search) with best-state keeping and early stopping.
//
// Determinism: the data order of epoch e comes from (seed, e) and dropout of step s from (seed, s), so the
// state of a run is fully described by its parameters, optimizer moments and step counter. On the CPU no
// global RNG is touched (dropout draws from the model's own stream); on CUDA the step reseeds LibTorch.
using System.Text.Json;
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>Trains a stage-2 model (<see cref="IGenerativeRetriever"/>) on its <see cref="IStageTwoObjective"/>.</summary>
public sealed class TigerTrainer : IDisposable
{
    readonly IGenerativeRetriever model;
    readonly SemanticIdTokenizer tokenizer;
    readonly IStageTwoObjective objective;
    readonly KeptAdamW optimizer;
    int plannedEpoch = -1;
    int[][] plan = [];
    Dictionary<string, Tensor>? bestInMemory;

    /// <summary>Settings of this run.</summary>
    public TigerTrainerConfig Config { get; }
    /// <summary>Updates done so far (restored by <see cref="LoadCheckpoint"/>).</summary>
    public int Step { get; private set; }
    /// <summary>Batches in one pass over the training examples.</summary>
    public int BatchesPerEpoch { get; }
    /// <summary>Target tokens of the last step's batch (what the loss averaged over).</summary>
    public long LastStepTargetTokens { get; private set; }
    /// <summary>Best validation Recall@10 so far (−1: none yet).</summary>
    public double BestRecall10 { get; private set; } = -1;
    /// <summary>Step of <see cref="BestRecall10"/> (0: none).</summary>
    public int BestStep { get; private set; }
    /// <summary>Validations in a row without improvement.</summary>
    public int ValidationsSinceBest { get; private set; }

    /// <summary>TIGER's encoder-decoder on next-item examples (<see cref="EncoderDecoderObjective"/>).</summary>
    public TigerTrainer(TigerModel model, SemanticIdTokenizer tokenizer, IReadOnlyList<TigerExample> examples, TigerTrainerConfig? config = null)
        : this(model, tokenizer, new EncoderDecoderObjective(model, tokenizer, examples, (config ?? new()).MaxHistoryItems, (config ?? new()).UseUserToken), config)
    {
    }

    /// <summary>Any stage-2 model on its objective.</summary>
    public TigerTrainer(IGenerativeRetriever model, SemanticIdTokenizer tokenizer, IStageTwoObjective objective, TigerTrainerConfig? config = null)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        this.objective = objective ?? throw new ArgumentNullException(nameof(objective));
        Config = config ?? new TigerTrainerConfig();
        try { Config.Validate(); }
        catch (ArgumentException e) { throw new ArgumentException(e.Message, nameof(config), e); }
        if (objective.Count == 0) throw new ArgumentException("No training examples.", nameof(objective));
        if (model.VocabularySize != tokenizer.VocabularySize)
            throw new ArgumentException($"Model vocabulary ({model.VocabularySize}) ≠ tokenizer vocabulary ({tokenizer.VocabularySize}).");
        BatchesPerEpoch = (objective.Count + Config.BatchSize - 1) / Config.BatchSize;

        // decoupled weight decay on matrices and embeddings; not on norm gains or relative position biases
        var decay = new List<Parameter>();
        var noDecay = new List<Parameter>();
        foreach (var (name, parameter) in model.Module.named_parameters())
            (parameter.dim() >= 2 && !name.Contains("relativeBias") ? decay : noDecay).Add(parameter);
        var c = Config;
        optimizer = new KeptAdamW([
            new KeptAdamW.Group(decay, c.LearningRate, c.Beta1, c.Beta2, c.Epsilon, c.WeightDecay),
            new KeptAdamW.Group(noDecay, c.LearningRate, c.Beta1, c.Beta2, c.Epsilon, weightDecay: 0),
        ]);
    }

    /// <summary>Learning rate the next update will use.</summary>
    public double NextLearningRate => LearningRateSchedule.Rate(Step + 1, Config);

    /// <summary>
    /// One update on the next batch of the plan; returns the batch's mean token cross-entropy before the
    /// update. A non-finite loss or gradient norm throws <see cref="TigerTrainingDivergedException"/>
    /// before any parameter changes.
    /// </summary>
    public double TrainStep()
    {
        var epoch = Step / BatchesPerEpoch;
        if (epoch != plannedEpoch)
        {
            plan = BatchPlanner.Plan(objective.Lengths, Config.BatchSize, Config.LengthBucketing, Config.Seed, epoch);
            plannedEpoch = epoch;
        }
        var batch = plan[Step % BatchesPerEpoch];
        var learningRate = NextLearningRate;
        foreach (var group in optimizer.Groups) group.LearningRate = learningRate;

        // dropout masks of this step depend only on (seed, step): the model's own stream on the CPU,
        // LibTorch's generator on other devices (see SeededDropout)
        var stepSeed = SeedMixer.Derive(Config.Seed, stream: 2, Step);
        model.DropoutRandomness.Reseed(stepSeed);
        if (model.Device.type != DeviceType.CPU) manual_seed(stepSeed);

        model.Module.train();
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        var (loss, targets) = objective.Loss(batch);
        var lossValue = GuardedUpdate.Apply(loss, model.Module.parameters(), optimizer, Config.GradientClipNorm, Diverged);
        LastStepTargetTokens = targets;
        Step++;
        return lossValue;
    }

    TigerTrainingDivergedException Diverged(string what) => new(
        $"Training diverged at step {Step + 1}: {what} (learning rate {NextLearningRate:G4}). The update was not applied; " +
        $"the model holds the parameters after step {Step}. Lower the learning rate or resume from the last checkpoint.");

    /// <summary>
    /// Trains until <see cref="TigerFitOptions.MaxSteps"/>, validating every EvalEvery steps on
    /// <paramref name="validation"/> (if given): a better Recall@10 is kept (best.ckpt in the checkpoint
    /// directory, else in memory), last.ckpt is written at every validation, and training stops after
    /// Patience validations without improvement. <paramref name="log"/> receives one line per validation.
    /// </summary>
    public TigerFitResult Fit(TigerFitOptions options, IReadOnlyList<TigerExample>? validation = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.EvalEvery < 1) throw new ArgumentOutOfRangeException(nameof(options), options.EvalEvery, "EvalEvery must be ≥ 1.");
        var losses = new List<(int, double)>();
        var validations = new List<ValidationPoint>();
        var stoppedEarly = false;
        var trie = PrefixTrie.FromTokenizer(tokenizer);
        string? Checkpoint(string name) => options.CheckpointDirectory is null ? null : Path.Combine(options.CheckpointDirectory, name);

        while (Step < options.MaxSteps)
        {
            var loss = TrainStep();
            losses.Add((Step, loss));
            if (validation is null || validation.Count == 0 || Step % options.EvalEvery != 0) continue;

            var (metrics, _) = TigerValidation.Evaluate(model, tokenizer, validation, Config.MaxHistoryItems, Config.UseUserToken,
                options.EvalBeamWidth, options.EvalBatchSize, trie);
            validations.Add(new ValidationPoint(Step, metrics));
            if (metrics.Recall10 > BestRecall10)
            {
                BestRecall10 = metrics.Recall10;
                BestStep = Step;
                ValidationsSinceBest = 0;
                if (Checkpoint("best.ckpt") is { } best) SaveCheckpoint(best);
                else KeepBestInMemory();
            }
            else ValidationsSinceBest++;
            if (Checkpoint("last.ckpt") is { } last) SaveCheckpoint(last);
            log?.Invoke($"step {Step}  loss {loss:F4}  lr {NextLearningRate:G3}  val {metrics}  best R@10 {BestRecall10:F4} @ {BestStep}");
            if (ValidationsSinceBest >= options.Patience) { stoppedEarly = true; break; }
        }

        if (options.RestoreBest && BestStep > 0 && BestStep != Step)
        {
            if (Checkpoint("best.ckpt") is { } best && File.Exists(best))
            {
                using var stream = File.OpenRead(best);
                using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8);
                TigerCheckpoint.ReadHeader(best, reader);
                model.Module.load(reader);
            }
            else if (bestInMemory is not null)
            {
                model.Module.load_state_dict(bestInMemory);
            }
        }
        return new TigerFitResult(Step, losses, validations, BestStep, BestRecall10, stoppedEarly);
    }

    void KeepBestInMemory()
    {
        if (bestInMemory is not null) foreach (var t in bestInMemory.Values) t.Dispose();
        bestInMemory = model.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    /// <summary>Writes model, optimizer state, step and validation bookkeeping atomically to <paramref name="path"/>.</summary>
    public void SaveCheckpoint(string path) => TigerCheckpoint.Save(path,
        new TigerCheckpoint.Header(model.Kind, TigerCheckpoint.ModelConfigJson(model), Config, objective.Fingerprint, Step, BestRecall10, BestStep, ValidationsSinceBest),
        model.Module, optimizer);

    /// <summary>
    /// Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same model configuration,
    /// trainer configuration and training data; anything else throws before the model is touched.
    /// </summary>
    public void LoadCheckpoint(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8);
        var header = TigerCheckpoint.ReadHeader(path, reader);
        if (header.ModelKind != model.Kind)
            throw new InvalidDataException($"{path}: a {header.ModelKind} checkpoint, not one of this {model.Kind} model.");
        var modelConfig = TigerCheckpoint.ModelConfigJson(model);
        if (header.ModelConfig != modelConfig)
            throw new InvalidDataException($"{path}: model configuration {header.ModelConfig} ≠ this model's {modelConfig}.");
        if (header.Trainer != Config)
            throw new InvalidDataException($"{path}: trainer configuration {JsonSerializer.Serialize(header.Trainer)} ≠ this trainer's {JsonSerializer.Serialize(Config)}.");
        if (header.DataFingerprint != objective.Fingerprint)
            throw new InvalidDataException($"{path}: checkpoint was trained on different examples (data fingerprint {header.DataFingerprint:X16} ≠ {objective.Fingerprint:X16}).");
        model.Module.load(reader);
        optimizer.LoadState(reader);
        Step = header.Step;
        BestRecall10 = header.BestRecall10;
        BestStep = header.BestStep;
        ValidationsSinceBest = header.ValidationsSinceBest;
        plannedEpoch = -1;
    }

    public void Dispose()
    {
        optimizer.Dispose();
        if (bestInMemory is not null) foreach (var t in bestInMemory.Values) t.Dispose();
    }
}
