// Stage 2 of TIGER as one call: semantic IDs + dataset → a trained model in a run folder (CONTRACT.md):
//   config.json, checkpoints/last.pt, checkpoints/best.pt, training_history.json.
// Training runs a fixed number of steps (never a wall-clock budget, so a seed fully determines the run),
// validates every EvalEvery steps and at the last step on a seeded validation subset (Recall@10 by
// constrained beam search), keeps the best state in best.pt, and stops early after Patience validations
// without improvement. last.pt and the history are written together at each validation and at the end;
// rerunning into the same folder with the same config resumes from last.pt (bit-exact on the CPU, see
// TigerTrainer), and a larger step count continues a finished run. A different config is refused.
// The library reports progress through a callback and never writes to the console.
using System.Diagnostics;
using GenRec.Data;
using GenRec.Quantization;
using GenRec.Tiger;
using TorchSharp;

namespace GenRec.Runs;

/// <summary>What stage 2 is doing, for progress bars.</summary>
public enum TigerPhase { Loading, Training, Validating, Evaluating }

/// <summary>A progress report: <paramref name="Done"/> of <paramref name="Total"/> units (steps or users) of a phase.</summary>
/// <param name="Phase">Current phase.</param>
/// <param name="Done">Units done (training: the step just finished).</param>
/// <param name="Total">Units in the phase (training: the last step).</param>
/// <param name="Loss">Training loss of the step (training only).</param>
/// <param name="Validation">Metrics of a finished validation (validating only, when done).</param>
/// <param name="Message">A short human-readable note (e.g. "resumed from step 250").</param>
public sealed record TigerProgress(TigerPhase Phase, int Done, int Total, double? Loss = null, ValidationRecord? Validation = null, string? Message = null);

/// <summary>What <see cref="TigerTraining.Run"/> left in the run folder.</summary>
public sealed record TigerTrainingResult(string RunDirectory, TigerRunConfig Config, int Steps, int ResumedFromStep, ValidationRecord? Best, bool StoppedEarly, TigerHistory History);

/// <summary>Trains TIGER into a run folder, resuming where a previous call stopped.</summary>
public static class TigerTraining
{
    /// <summary>Checkpoint folder and file names inside a run folder.</summary>
    public const string CheckpointFolder = "checkpoints", LastCheckpoint = "last.pt", BestCheckpoint = "best.pt";

    /// <summary>The semantic-ID file: <paramref name="path"/> itself, or semantic_ids.parquet inside a folder.</summary>
    public static string SemanticIdsFile(string path)
    {
        if (Directory.Exists(path)) path = Path.Combine(path, "semantic_ids.parquet");
        else if (!File.Exists(path)) throw new DirectoryNotFoundException($"Semantic-ID folder not found: {path} (run `genrec semantic-ids --out DIR` first).");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} not found: the semantic-ID folder has no semantic_ids.parquet (run `genrec semantic-ids --out DIR` first).", path);
        return Path.GetFullPath(path);
    }

    /// <summary>Tokenizer and examples for a dataset and a semantic-ID file, as a run with this config uses them.</summary>
    public static TigerData LoadData(AmazonDataset dataset, string semanticIdsFile, int userBuckets, int maxHistoryItems)
    {
        var ids = SemanticIdsParquet.Load(semanticIdsFile);
        var tokenizer = TigerData.BuildTokenizer(ids, dataset.ItemCount, userBuckets, semanticIdsFile);
        return TigerData.Create(dataset, tokenizer, maxHistoryItems);
    }

    /// <summary>
    /// Trains <paramref name="preset"/> with <paramref name="seed"/> on <paramref name="dataset"/> using the IDs in
    /// <paramref name="semanticIds"/> (a folder from `genrec semantic-ids` or the Parquet file), writing into
    /// <paramref name="outDirectory"/>. <paramref name="device"/>: "auto", "cpu", "cuda".
    /// </summary>
    public static TigerTrainingResult Run(AmazonDataset dataset, string semanticIds, TigerPreset preset, long seed, string outDirectory,
        Action<TigerProgress>? progress = null, string? device = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(preset);
        preset.Validate();
        var idsFile = SemanticIdsFile(semanticIds);
        progress?.Invoke(new TigerProgress(TigerPhase.Loading, 0, 1, Message: $"semantic IDs {idsFile}"));
        var data = LoadData(dataset, idsFile, preset.UserBuckets, preset.Trainer.MaxHistoryItems);
        var config = TigerRunConfig.Resolve(preset, seed, dataset.Name, idsFile, data.Tokenizer);

        var runDirectory = Directory.CreateDirectory(outDirectory).FullName;
        var checkpoints = Path.Combine(runDirectory, CheckpointFolder);
        var lastPath = Path.Combine(checkpoints, LastCheckpoint);
        var bestPath = Path.Combine(checkpoints, BestCheckpoint);
        if (File.Exists(Path.Combine(runDirectory, TigerRunConfig.FileName)))
        {
            var existing = TigerRunConfig.Load(runDirectory);
            var differences = existing.DifferencesFrom(config);
            if (differences.Count > 0)
            {
                var why = existing.Trainer.Schedule == ScheduleShapes.Cosine && differences.Any(d => d.StartsWith("trainer.schedule_steps", StringComparison.Ordinal))
                    ? "its cosine schedule annealed to the end over its own step count, so more steps are a new run; "
                    : "";
                throw new InvalidOperationException($"{runDirectory} holds a run with a different config ({string.Join("; ", differences.Take(3))}); " +
                                                    why + "use another --out folder, or delete this one to start over.");
            }
        }
        config.Save(runDirectory);

        var torchDevice = TorchDevice.Pick(device);
        using var model = config.CreateModel(seed);
        model.Module.to(torchDevice);
        using var trainer = new TigerTrainer(model, data.Tokenizer, config.CreateObjective(model, data), config.Trainer);
        var history = TigerHistory.Empty();
        if (File.Exists(lastPath))
        {
            try
            {
                trainer.LoadCheckpoint(lastPath);
            }
            catch (InvalidDataException e)
            {
                // Not an automatic restart from step 0: that would silently throw away (possibly hours of) training.
                throw new InvalidDataException($"{e.Message} Delete {lastPath} to train this run again from step 0 " +
                                               "(the same seed gives the same result), or put back an intact copy of the file.", e);
            }
            history = TigerHistory.LoadOrEmpty(runDirectory).UpTo(trainer.Step);
        }
        var resumedFrom = trainer.Step;
        if (resumedFrom > 0) progress?.Invoke(new TigerProgress(TigerPhase.Loading, 1, 1, Message: $"resumed from step {resumedFrom}"));

        var fit = config.Fit;
        var validation = TigerData.Subset(data.Validation, config.ValidationSubset, seed);
        var trie = PrefixTrie.FromTokenizer(data.Tokenizer);
        var stoppedEarly = history.ValidationsSinceBest >= fit.Patience;
        var clock = Stopwatch.StartNew();
        var secondsBefore = history.Seconds;
        while (!stoppedEarly && trainer.Step < fit.MaxSteps)
        {
            var learningRate = trainer.NextLearningRate;
            var epoch = trainer.Step / trainer.BatchesPerEpoch;
            var loss = trainer.TrainStep();
            var step = trainer.Step;
            var seconds = Math.Round(secondsBefore + clock.Elapsed.TotalSeconds, 3);
            history.Train.Add(new TrainPoint(step, epoch, loss, learningRate, seconds, trainer.LastStepTargetTokens));
            progress?.Invoke(new TigerProgress(TigerPhase.Training, step, fit.MaxSteps, Loss: loss));
            if (step % fit.EvalEvery != 0 && step != fit.MaxSteps) continue;

            progress?.Invoke(new TigerProgress(TigerPhase.Validating, 0, validation.Count));
            var (metrics, _) = TigerValidation.Evaluate(model, data.Tokenizer, validation, config.Trainer.MaxHistoryItems,
                config.Trainer.UseUserToken, fit.EvalBeamWidth, fit.EvalBatchSize, trie);
            clock.Stop();   // validation time is not training time: the curves' time axis counts training only
            var record = ValidationRecord.From(step, metrics, seconds);
            var previousBest = history.Best;
            history.Validation.Add(record);
            if (previousBest is null || record.Recall10 > previousBest.Recall10) trainer.SaveCheckpoint(bestPath);
            stoppedEarly = history.ValidationsSinceBest >= fit.Patience;
            // the history first, then last.pt: a crash in between leaves history entries past the checkpoint,
            // which the resume drops (UpTo), never a checkpoint without its history
            history.Save(runDirectory);
            trainer.SaveCheckpoint(lastPath);
            progress?.Invoke(new TigerProgress(TigerPhase.Validating, validation.Count, validation.Count, Validation: record));
            clock.Start();
        }
        if (trainer.Step > resumedFrom || !File.Exists(Path.Combine(runDirectory, TigerHistory.FileName))) history.Save(runDirectory);
        return new TigerTrainingResult(runDirectory, config, trainer.Step, resumedFrom, history.Best, stoppedEarly, history);
    }
}
