// Teacher-forced training of TIGER's encoder-decoder (Rajput et al., 2023, §3.2): the decoder reads
// [BOS, c_0 … c_{L−2}] and is trained with cross-entropy to emit the target item's semantic ID c_0 … c_{L−1}
// (PAD labels ignored). AdamW, linear warm-up + inverse-square-root decay, global-norm clipping, length-
// bucketed batches, a NaN guard, atomic checkpoints that resume bit-for-bit on the CPU, and a validation
// hook (Recall@10 by constrained beam search) with best-state keeping and early stopping.
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

/// <summary>Trains a <see cref="TigerModel"/> on <see cref="TigerExample"/>s.</summary>
public sealed class TigerTrainer : IDisposable
{
    readonly TigerModel model;
    readonly SemanticIdTokenizer tokenizer;
    readonly int[][] sources, targets;
    readonly int[] lengths;
    readonly long dataFingerprint;
    readonly OptimizerHelper optimizer;
    readonly IReadOnlyList<optim.ILearningRateController> groups;
    int plannedEpoch = -1;
    int[][] plan = [];
    Dictionary<string, Tensor>? bestInMemory;

    /// <summary>Settings of this run.</summary>
    public TigerTrainerConfig Config { get; }
    /// <summary>Updates done so far (restored by <see cref="LoadCheckpoint"/>).</summary>
    public int Step { get; private set; }
    /// <summary>Batches in one pass over the training examples.</summary>
    public int BatchesPerEpoch { get; }
    /// <summary>Best validation Recall@10 so far (−1: none yet).</summary>
    public double BestRecall10 { get; private set; } = -1;
    /// <summary>Step of <see cref="BestRecall10"/> (0: none).</summary>
    public int BestStep { get; private set; }
    /// <summary>Validations in a row without improvement.</summary>
    public int ValidationsSinceBest { get; private set; }

    public TigerTrainer(TigerModel model, SemanticIdTokenizer tokenizer, IReadOnlyList<TigerExample> examples, TigerTrainerConfig? config = null)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        ArgumentNullException.ThrowIfNull(examples);
        Config = config ?? new TigerTrainerConfig();
        if (examples.Count == 0) throw new ArgumentException("No training examples.", nameof(examples));
        if (Config.BatchSize < 1) throw new ArgumentException($"BatchSize {Config.BatchSize}; expected ≥ 1.", nameof(config));
        if (model.Config.VocabularySize != tokenizer.VocabularySize)
            throw new ArgumentException($"Model vocabulary ({model.Config.VocabularySize}) ≠ tokenizer vocabulary ({tokenizer.VocabularySize}).");

        sources = new int[examples.Count][];
        targets = new int[examples.Count][];
        for (var i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            try
            {
                sources[i] = tokenizer.EncodeHistory(e.History, Config.MaxHistoryItems, Config.UseUserToken ? e.UserId : null);
                targets[i] = tokenizer.EncodeItem(e.Target);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                throw new ArgumentException($"Training example {i} (user {e.UserId}): {ex.Message}", nameof(examples), ex);
            }
        }
        lengths = [.. sources.Select(s => s.Length)];
        dataFingerprint = Fingerprint(sources, targets);
        BatchesPerEpoch = (examples.Count + Config.BatchSize - 1) / Config.BatchSize;

        // decoupled weight decay on matrices and embeddings; not on norm gains or relative position biases
        var decay = new List<Parameter>();
        var noDecay = new List<Parameter>();
        foreach (var (name, parameter) in model.named_parameters())
            (parameter.dim() >= 2 && !name.Contains("relativeBias") ? decay : noDecay).Add(parameter);
        var c = Config;
        var adamw = optim.AdamW(new[]
        {
            new AdamW.ParamGroup(decay, c.LearningRate, c.Beta1, c.Beta2, c.Epsilon, c.WeightDecay, false, false),
            new AdamW.ParamGroup(noDecay, c.LearningRate, c.Beta1, c.Beta2, c.Epsilon, 0.0, false, false),
        }, c.LearningRate, c.Beta1, c.Beta2, c.Epsilon, c.WeightDecay);
        optimizer = adamw;
        groups = [.. adamw.ParamGroups];
    }

    /// <summary>Learning rate the next update will use.</summary>
    public double NextLearningRate => LearningRateSchedule.InverseSquareRoot(Step + 1, Config.LearningRate, Config.WarmupSteps);

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
            plan = BatchPlanner.Plan(lengths, Config.BatchSize, Config.LengthBucketing, Config.Seed, epoch);
            plannedEpoch = epoch;
        }
        var batch = plan[Step % BatchesPerEpoch];
        var learningRate = NextLearningRate;
        foreach (var group in groups) group.LearningRate = learningRate;

        // dropout masks of this step depend only on (seed, step): the model's own stream on the CPU,
        // LibTorch's generator on other devices (see SeededDropout)
        var stepSeed = SeedMixer.Derive(Config.Seed, stream: 2, Step);
        model.DropoutRandomness.Reseed(stepSeed);
        if (model.Device.type != DeviceType.CPU) manual_seed(stepSeed);

        model.train();
        using var scope = NewDisposeScope();
        var device = model.Device;
        var (source, mask) = TigerBatching.PadSources([.. batch.Select(i => sources[i])], device);   // (B, S)
        var batchTargets = batch.Select(i => targets[i]).ToList();
        var decoderInput = TigerBatching.DecoderInput(batchTargets, device);                         // (B, L)
        var labels = TigerBatching.Labels(batchTargets, device);                                     // (B, L)

        optimizer.zero_grad();
        var logits = model.forward(source, mask, decoderInput);                                      // (B, L, V)
        var loss = nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[^1]), labels.reshape(-1), ignore_index: SemanticIdTokenizer.Pad);
        var lossValue = GuardedUpdate.Apply(loss, model.parameters(), optimizer, Config.GradientClipNorm, Diverged);
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
                model.load(reader);
            }
            else if (bestInMemory is not null)
            {
                model.load_state_dict(bestInMemory);
            }
        }
        return new TigerFitResult(Step, losses, validations, BestStep, BestRecall10, stoppedEarly);
    }

    void KeepBestInMemory()
    {
        if (bestInMemory is not null) foreach (var t in bestInMemory.Values) t.Dispose();
        bestInMemory = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    /// <summary>Writes model, optimizer state, step and validation bookkeeping atomically to <paramref name="path"/>.</summary>
    public void SaveCheckpoint(string path) => TigerCheckpoint.Save(path,
        new TigerCheckpoint.Header(model.Config, Config, dataFingerprint, Step, BestRecall10, BestStep, ValidationsSinceBest),
        model, optimizer);

    /// <summary>
    /// Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same model configuration,
    /// trainer configuration and training data; anything else throws before the model is touched.
    /// </summary>
    public void LoadCheckpoint(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8);
        var header = TigerCheckpoint.ReadHeader(path, reader);
        if (header.Model != model.Config)
            throw new InvalidDataException($"{path}: model configuration {JsonSerializer.Serialize(header.Model)} ≠ this model's {JsonSerializer.Serialize(model.Config)}.");
        if (header.Trainer != Config)
            throw new InvalidDataException($"{path}: trainer configuration {JsonSerializer.Serialize(header.Trainer)} ≠ this trainer's {JsonSerializer.Serialize(Config)}.");
        if (header.DataFingerprint != dataFingerprint)
            throw new InvalidDataException($"{path}: checkpoint was trained on different examples (data fingerprint {header.DataFingerprint:X16} ≠ {dataFingerprint:X16}).");
        model.load(reader);
        optimizer.load_state_dict(reader);
        Step = header.Step;
        BestRecall10 = header.BestRecall10;
        BestStep = header.BestStep;
        ValidationsSinceBest = header.ValidationsSinceBest;
        plannedEpoch = -1;
    }

    // FNV-1a over the encoded examples: a resume on different data must fail, not silently diverge
    static long Fingerprint(int[][] sources, int[][] targets)
    {
        var hash = 14695981039346656037UL;
        void Add(int value) { hash = unchecked((hash ^ (uint)value) * 1099511628211UL); }
        Add(sources.Length);
        for (var i = 0; i < sources.Length; i++)
        {
            Add(sources[i].Length);
            foreach (var t in sources[i]) Add(t);
            foreach (var t in targets[i]) Add(t);
        }
        return unchecked((long)hash);
    }

    public void Dispose()
    {
        optimizer.Dispose();
        if (bestInMemory is not null) foreach (var t in bestInMemory.Values) t.Dispose();
    }
}
