// Training of the SASRec control with full-softmax cross-entropy: at every real position of a training
// row the model's hidden state scores all N items (tied item table) and the loss is −log softmax of the
// true next item, averaged over all target positions of the batch. This replaces the paper's sampled
// binary cross-entropy (one random negative per positive); full cross-entropy is the stronger and now
// usual way to train SASRec (Klenitskiy & Vasilev, RecSys 2023) and is what the generative models are
// compared against. Only positions that have a target reach the output layer — padding costs nothing
// there, and the output layer (B·L·D·N) is where nearly all the time goes.
// Adam with a constant rate (as in the paper), one pass per epoch over seeded-shuffled rows, validation
// Recall@10 after every epoch (full ranking, SasRecRanking), best weights kept (best.pt), last.pt written
// every epoch, early stopping, and a NaN guard that stops before a non-finite update is applied.
// Determinism: initialisation from the model seed, data order of epoch e from (seed, e), dropout of step s
// from (seed, s) through the model's own stream on the CPU (SeededDropout); nothing reads a global RNG.
using System.Diagnostics;
using GenRec.Data;
using GenRec.Evaluation;
using GenRec.Tiger;
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.SasRec;

/// <summary>Mean training loss of one epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">Updates done at the end of the epoch.</param>
/// <param name="Loss">Mean of the batch losses (each a mean cross-entropy over the batch's targets).</param>
/// <param name="LearningRate">Learning rate used.</param>
/// <param name="Seconds">Seconds since training started.</param>
public sealed record SasRecEpochRecord(int Epoch, int Step, double Loss, double LearningRate, double Seconds);

/// <summary>Validation after an epoch.</summary>
public sealed record SasRecValidationRecord(int Epoch, int Step, EvaluationResult Metrics, double Seconds);

/// <summary>What <see cref="SasRecTrainer.Fit"/> did.</summary>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="Steps">Updates done.</param>
/// <param name="Train">One record per epoch.</param>
/// <param name="Validation">One record per validated epoch.</param>
/// <param name="BestEpoch">Epoch of the best validation Recall@10 (0: never validated).</param>
/// <param name="BestRecall10">Best validation Recall@10 (−1: never validated).</param>
/// <param name="StoppedEarly">True when patience ran out before MaxEpochs.</param>
/// <param name="Seconds">Wall time of the whole fit, validation included.</param>
public sealed record SasRecFitResult(
    int Epochs, int Steps, IReadOnlyList<SasRecEpochRecord> Train, IReadOnlyList<SasRecValidationRecord> Validation,
    int BestEpoch, double BestRecall10, bool StoppedEarly, double Seconds);

/// <summary>A non-finite loss or gradient; the model keeps the parameters from before the failing update.</summary>
public sealed class SasRecTrainingDivergedException(string message) : Exception(message);

/// <summary>Trains a <see cref="SasRecModel"/> on <see cref="SasRecWindow"/> rows.</summary>
public sealed class SasRecTrainer : IDisposable
{
    readonly SasRecModel model;
    readonly SasRecWindow[] rows;
    readonly int[] rowLengths;
    readonly KeptAdamW optimizer;
    int plannedEpoch = -1;
    int[][] plan = [];

    /// <summary>Settings of this run.</summary>
    public SasRecTrainerConfig Config { get; }
    /// <summary>Updates done so far.</summary>
    public int Step { get; private set; }
    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch { get; }

    public SasRecTrainer(SasRecModel model, IReadOnlyList<SasRecWindow> rows, SasRecTrainerConfig? config = null)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        ArgumentNullException.ThrowIfNull(rows);
        Config = config ?? new SasRecTrainerConfig();
        Config.Validate();
        if (rows.Count == 0) throw new ArgumentException("No training rows (every user has a training part of one item?).", nameof(rows));
        var n = model.Config.ItemCount;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Inputs.Length == 0 || row.Inputs.Length != row.Targets.Length || row.Inputs.Length > model.Config.MaxLength)
                throw new ArgumentException($"Training row {i} (user {row.UserId}): inputs {row.Inputs.Length} and targets {row.Targets.Length}; expected equal lengths in 1..{model.Config.MaxLength}.", nameof(rows));
            if (row.Inputs.Concat(row.Targets).Any(item => item < 1 || item > n))
                throw new ArgumentException($"Training row {i} (user {row.UserId}) has an item id outside 1..{n}.", nameof(rows));
        }
        this.rows = [.. rows];
        rowLengths = [.. rows.Select(r => r.Inputs.Length)];
        BatchesPerEpoch = (rows.Count + Config.BatchSize - 1) / Config.BatchSize;
        optimizer = new KeptAdamW(model.parameters(), Config.LearningRate, Config.Beta1, Config.Beta2, Config.Epsilon, decoupledWeightDecay: false);   // Adam
    }

    /// <summary>
    /// One update on the next batch of the current epoch's plan; returns the batch's mean cross-entropy
    /// before the update. A non-finite loss or gradient norm throws <see cref="SasRecTrainingDivergedException"/>
    /// before any parameter changes.
    /// </summary>
    public double TrainStep()
    {
        var epoch = Step / BatchesPerEpoch;
        if (epoch != plannedEpoch)
        {
            plan = BatchPlanner.Plan(rowLengths, Config.BatchSize, bucketByLength: false, Config.Seed, epoch);
            plannedEpoch = epoch;
        }
        var batch = plan[Step % BatchesPerEpoch].Select(i => rows[i]).ToList();
        var stepSeed = SeedMixer.Derive(Config.Seed, stream: 2, Step);
        model.DropoutRandomness.Reseed(stepSeed);
        if (model.Device.type != DeviceType.CPU) manual_seed(stepSeed);

        model.train();
        using var scope = NewDisposeScope();
        var (inputs, targets) = SasRecWindows.Pad(batch, model.Device);              // (B, L), (B, L)
        optimizer.ZeroGrad();
        var hidden = model.forward(inputs);                                          // (B, L, D)
        var positions = targets.reshape(-1).ne(KeptScalars.Zero).nonzero().squeeze(1);   // (T) positions with a target
        var selected = hidden.reshape(-1, hidden.shape[2]).index_select(0, positions);   // (T, D)
        var logits = model.Scores(selected);                                         // (T, N)
        var labels = targets.reshape(-1).index_select(0, positions).sub(KeptScalars.One);   // (T) items 1..N → classes 0..N−1
        var loss = nn.functional.cross_entropy(logits, labels);                      // mean over the T targets
        var lossValue = GuardedUpdate.Apply(loss, model.parameters(), optimizer, Config.GradientClipNorm, Diverged);
        Step++;
        return lossValue;
    }

    SasRecTrainingDivergedException Diverged(string what) => new(
        $"SASRec training diverged at step {Step + 1}: {what} (learning rate {Config.LearningRate:G4}). The update was not applied; " +
        "lower the learning rate or evaluate the best checkpoint so far.");

    /// <summary>
    /// Trains up to MaxEpochs epochs. After each epoch, when <paramref name="validation"/> is given, the
    /// model is validated (full ranking, Recall@10); a better Recall@10 is kept (in memory and, with a
    /// <paramref name="checkpointDirectory"/>, as best.pt there); last.pt is written after every epoch;
    /// training stops after Patience epochs without improvement. At the end the best weights are loaded
    /// back into the model. <paramref name="log"/> receives one line per epoch.
    /// </summary>
    public SasRecFitResult Fit(IReadOnlyList<SequenceExample>? validation = null, string? checkpointDirectory = null, Action<string>? log = null)
    {
        var clock = Stopwatch.StartNew();
        var train = new List<SasRecEpochRecord>();
        var validations = new List<SasRecValidationRecord>();
        var (bestEpoch, bestRecall, sinceBest, stoppedEarly) = (0, -1.0, 0, false);
        Dictionary<string, Tensor>? best = null;
        string? Path(string name) => checkpointDirectory is null ? null : System.IO.Path.Combine(checkpointDirectory, name);
        SasRecCheckpointInfo Info(int epoch, double recall) => new(model.Config, Config, epoch, recall);
        try
        {
            for (var epoch = 1; epoch <= Config.MaxEpochs; epoch++)
            {
                var loss = 0.0;
                for (var b = 0; b < BatchesPerEpoch; b++) loss += TrainStep();
                train.Add(new SasRecEpochRecord(epoch, Step, loss / BatchesPerEpoch, Config.LearningRate, clock.Elapsed.TotalSeconds));
                var line = $"epoch {epoch}  loss {loss / BatchesPerEpoch:F4}";
                var recall = -1.0;
                if (validation is { Count: > 0 })
                {
                    var (metrics, _) = SasRecRanking.Evaluate(model, validation, 10, Config.EvalBatchSize);
                    validations.Add(new SasRecValidationRecord(epoch, Step, metrics, clock.Elapsed.TotalSeconds));
                    recall = metrics.Recall10;
                    if (recall > bestRecall)
                    {
                        (bestEpoch, bestRecall, sinceBest) = (epoch, recall, 0);
                        KeepBest(ref best);
                        if (Path("best.pt") is { } bestPath) SasRecCheckpoint.Save(bestPath, model, Info(epoch, recall));
                    }
                    else sinceBest++;
                    line += $"  valid {metrics}  best R@10 {bestRecall:F4} @ {bestEpoch}";
                }
                if (Path("last.pt") is { } lastPath) SasRecCheckpoint.Save(lastPath, model, Info(epoch, recall));
                log?.Invoke(line + $"  ({clock.Elapsed.TotalSeconds:F0} s)");
                if (validation is { Count: > 0 } && sinceBest >= Config.Patience && epoch < Config.MaxEpochs) { stoppedEarly = true; break; }
            }
            if (best is not null && bestEpoch != train.Count)
            {
                using var noGrad = no_grad();
                model.load_state_dict(best);
            }
        }
        finally
        {
            if (best is not null) foreach (var t in best.Values) t.Dispose();
        }
        return new SasRecFitResult(train.Count, Step, train, validations, bestEpoch, bestRecall, stoppedEarly, clock.Elapsed.TotalSeconds);
    }

    void KeepBest(ref Dictionary<string, Tensor>? best)
    {
        if (best is not null) foreach (var t in best.Values) t.Dispose();
        best = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    public void Dispose() => optimizer.Dispose();
}
