// The SASRec stage of a run (CONTRACT.md, "<sasrec dir>"): the ID-based control that generative
// recommenders are compared against, trained and evaluated on exactly TIGER's leave-one-out split —
// validation target = second-to-last item, test target = last item, the test history includes the
// validation item, histories cut to the same 20 most recent items — and scored with the same metrics
// (Evaluator, top 10, full ranking over all items). Writes into the output folder:
//   config.json            resolved model / trainer / split / evaluation settings
//   training_history.json  {"train": [{"step","epoch","loss","learning_rate","seconds"}],
//                           "validation": [{"step","epoch","recall@5","recall@10","ndcg@5","ndcg@10","users","seconds"}]}
//   metrics.json           {"model":"sasrec","valid":{…},"test":{…},"train_wall_seconds","evaluate_wall_seconds",…}
//   predictions_valid.tsv, predictions_test.tsv   (PredictionsTsv, top 10)
//   checkpoints/best.pt, checkpoints/last.pt      (SasRecCheckpoint; best by validation Recall@10)
// Every file is written atomically. The CLI command `genrec sasrec` and the `run` pipeline both call Run.
using System.Diagnostics;
using GenRec.Data;
using GenRec.Evaluation;
using GenRec.SasRec;
using TorchSharp;

namespace GenRec.Runs;

/// <summary>Settings of a SASRec run; null parts take their defaults.</summary>
/// <param name="Model">Model shape; ItemCount 0 is filled from the dataset.</param>
/// <param name="Trainer">Optimisation settings; its Seed is replaced by the run's seed.</param>
/// <param name="Device">"auto" (CUDA when available), "cpu", "cuda", …</param>
public sealed record SasRecRunConfig(SasRecConfig? Model = null, SasRecTrainerConfig? Trainer = null, string Device = "auto");

/// <summary>What <see cref="SasRecRun.Run"/> measured and where it wrote it.</summary>
public sealed record SasRecRunResult(EvaluationResult Valid, EvaluationResult Test, SasRecFitResult Fit, double EvaluateSeconds, string OutDir);

/// <summary>Trains, evaluates and writes one SASRec run folder.</summary>
public static class SasRecRun
{
    /// <summary>
    /// Splits <paramref name="dataset"/> leave-one-out, trains SASRec with seed <paramref name="seed"/>
    /// (initialisation, data order, dropout), keeps the weights of the best validation Recall@10, evaluates
    /// them on the validation and test examples and writes the run folder <paramref name="outDir"/>.
    /// <paramref name="progress"/> receives one line per epoch and per stage.
    /// </summary>
    public static SasRecRunResult Run(AmazonDataset dataset, SasRecRunConfig? config, long seed, string outDir, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        config ??= new SasRecRunConfig();
        var modelConfig = config.Model ?? new SasRecConfig();
        if (modelConfig.ItemCount == 0) modelConfig = modelConfig with { ItemCount = dataset.ItemCount };
        else if (modelConfig.ItemCount != dataset.ItemCount)
            throw new ArgumentException($"SasRecConfig.ItemCount {modelConfig.ItemCount} ≠ {dataset.Name}'s {dataset.ItemCount} items.", nameof(config));
        modelConfig.Validate();
        var trainerConfig = (config.Trainer ?? new SasRecTrainerConfig()) with { Seed = seed };
        trainerConfig.Validate();
        var device = TorchDevice.Pick(config.Device);

        outDir = Directory.CreateDirectory(outDir).FullName;
        var split = LeaveOneOutSplit.Create(dataset, new LeaveOneOutConfig(modelConfig.MaxLength, TrainingExamples.LastOnly));
        var rows = SasRecWindows.FromSequences(dataset.Sequences, modelConfig.MaxLength);
        RunFiles.WriteJson(Path.Combine(outDir, "config.json"), new Dictionary<string, object>
        {
            ["model"] = "sasrec",
            ["dataset"] = dataset.Name,
            ["seed"] = seed,
            ["device"] = device.ToString(),
            ["items"] = dataset.ItemCount,
            ["users"] = dataset.Sequences.Count,
            ["training_rows"] = rows.Count,
            ["training_targets"] = rows.Sum(r => (long)r.Targets.Length),
            ["model_config"] = modelConfig,
            ["trainer_config"] = trainerConfig,
            ["split"] = new Dictionary<string, object>
            {
                ["protocol"] = "leave-one-out: train = all but the last two items, validation target = second-to-last, test target = last (history includes the validation item)",
                ["max_history"] = split.Config.MaxHistory,
            },
            ["evaluation"] = new Dictionary<string, object>
            {
                ["candidates"] = "all items (history items not masked, as in TIGER's generation)",
                ["top_k"] = 10,
                ["ties"] = "pessimistic: the target ranks after every item with an equal score; others by ascending id",
                ["checkpoint"] = "best validation Recall@10",
            },
        });

        progress?.Invoke($"SASRec on {dataset.Name}: {dataset.ItemCount} items, {rows.Count} training rows, " +
                         $"{split.Validation.Count} validation / {split.Test.Count} test users, device {device}");
        using var model = new SasRecModel(modelConfig, seed);
        model.to(device);
        SasRecFitResult fit;
        using (var trainer = new SasRecTrainer(model, rows, trainerConfig))
            fit = trainer.Fit(split.Validation, Path.Combine(outDir, "checkpoints"), progress);

        var clock = Stopwatch.StartNew();
        var (valid, validPredictions) = SasRecRanking.Evaluate(model, split.Validation, 10, trainerConfig.EvalBatchSize);
        var (test, testPredictions) = SasRecRanking.Evaluate(model, split.Test, 10, trainerConfig.EvalBatchSize);
        var evaluateSeconds = clock.Elapsed.TotalSeconds;
        PredictionsTsv.Write(Path.Combine(outDir, "predictions_valid.tsv"), validPredictions);
        PredictionsTsv.Write(Path.Combine(outDir, "predictions_test.tsv"), testPredictions);

        RunFiles.WriteJson(Path.Combine(outDir, "training_history.json"), new Dictionary<string, object>
        {
            ["train"] = fit.Train.Select(e => new Dictionary<string, object>
            {
                ["step"] = e.Step, ["epoch"] = e.Epoch, ["loss"] = e.Loss, ["learning_rate"] = e.LearningRate, ["seconds"] = Math.Round(e.Seconds, 2),
            }).ToList(),
            ["validation"] = fit.Validation.Select(v =>
            {
                var point = MetricsJson(v.Metrics);
                point["step"] = v.Step;
                point["epoch"] = v.Epoch;
                point["seconds"] = Math.Round(v.Seconds, 2);
                return point;
            }).ToList(),
        });
        RunFiles.WriteJson(Path.Combine(outDir, "metrics.json"), new Dictionary<string, object>
        {
            ["model"] = "sasrec",
            ["dataset"] = dataset.Name,
            ["seed"] = seed,
            ["valid"] = MetricsJson(valid),
            ["test"] = MetricsJson(test),
            ["best_epoch"] = fit.BestEpoch,
            ["epochs_trained"] = fit.Epochs,
            ["steps"] = fit.Steps,
            ["stopped_early"] = fit.StoppedEarly,
            ["parameters"] = model.ParameterCount(),
            ["train_wall_seconds"] = Math.Round(fit.Seconds, 2),
            ["evaluate_wall_seconds"] = Math.Round(evaluateSeconds, 2),
        });
        progress?.Invoke($"best epoch {fit.BestEpoch} of {fit.Epochs}: valid {valid}; test {test}");
        return new SasRecRunResult(valid, test, fit, evaluateSeconds, outDir);
    }

    /// <summary>The files a finished run folder holds (relative paths), which the pipeline's stage marker vouches for.</summary>
    public static IReadOnlyList<string> OutputFiles { get; } =
        ["config.json", "training_history.json", "metrics.json", "predictions_valid.tsv", "predictions_test.tsv"];

    /// <summary>The metric keys of metrics.json: recall@5, recall@10, ndcg@5, ndcg@10, users.</summary>
    public static Dictionary<string, object> MetricsJson(EvaluationResult metrics) => new()
    {
        ["recall@5"] = metrics.Recall5,
        ["recall@10"] = metrics.Recall10,
        ["ndcg@5"] = metrics.Ndcg5,
        ["ndcg@10"] = metrics.Ndcg10,
        ["users"] = metrics.Users,
    };
}
