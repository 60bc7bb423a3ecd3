// The final evaluation of a TIGER run folder (CONTRACT.md): the best checkpoint decodes every validation
// and/or test user with constrained beam search (TIGER §4.1: leave-one-out, Recall and NDCG at 5 and 10
// over all users), writing predictions_valid.tsv / predictions_test.tsv (user → top-10 item ids) and
// metrics.json. The metrics are computed from exactly the ranked lists written to the TSV, so anyone can
// recompute them from the files.
using System.Diagnostics;
using GenRec.Data;
using GenRec.Evaluation;
using GenRec.Tiger;
using TorchSharp;

namespace GenRec.Runs;

/// <summary>Which leave-one-out targets to evaluate.</summary>
public enum EvaluationSplit { Valid, Test, Both }

/// <summary>Metrics of one split as metrics.json stores them.</summary>
public sealed record SplitMetrics(
    [property: System.Text.Json.Serialization.JsonPropertyName("recall@5")] double Recall5,
    [property: System.Text.Json.Serialization.JsonPropertyName("recall@10")] double Recall10,
    [property: System.Text.Json.Serialization.JsonPropertyName("ndcg@5")] double Ndcg5,
    [property: System.Text.Json.Serialization.JsonPropertyName("ndcg@10")] double Ndcg10,
    int Users)
{
    public static SplitMetrics From(EvaluationResult r) => new(r.Recall5, r.Recall10, r.Ndcg5, r.Ndcg10, r.Users);
}

/// <summary>metrics.json of a TIGER run folder.</summary>
public sealed record TigerMetrics(
    string Model,
    string ModelKind,
    SplitMetrics? Valid,
    SplitMetrics? Test,
    double TrainWallSeconds,
    double EvaluateWallSeconds,
    string Checkpoint,
    int CheckpointStep,
    int BeamWidth,
    string Preset,
    long Seed,
    string Dataset)
{
    public const string FileName = "metrics.json";
}

/// <summary>Evaluates a trained run folder.</summary>
public static class TigerEvaluation
{
    /// <summary>Predictions file of a split ("valid" or "test").</summary>
    public static string PredictionsFile(string split) => $"predictions_{split}.tsv";

    /// <summary>The model of <paramref name="checkpoint"/>; a damaged file is one error naming it and what to do.</summary>
    static IGenerativeRetriever LoadModel(string checkpoint, string runDirectory)
    {
        try
        {
            return TigerCheckpoint.LoadModel(checkpoint);
        }
        catch (InvalidDataException e)
        {
            // Not a fall-back to the other checkpoint: last.pt is a different model, its metrics would not be this run's.
            throw new InvalidDataException($"{e.Message} Put back an intact copy of the file, or delete {runDirectory} and train " +
                                           "this run again (the same seed gives the same result).", e);
        }
    }

    /// <summary>
    /// Decodes the chosen split(s) with checkpoints/best.pt (last.pt when there is no best) and writes the
    /// predictions and metrics.json; a split not evaluated now keeps its entry from an earlier metrics.json.
    /// <paramref name="dataset"/> must be the run's dataset. <paramref name="beamWidth"/> (≥ 10) replaces the
    /// preset's evaluation beam width; metrics.json records the width used.
    /// </summary>
    public static TigerMetrics Run(string runDirectory, AmazonDataset dataset, EvaluationSplit split = EvaluationSplit.Both,
        Action<TigerProgress>? progress = null, string? device = null, int? beamWidth = null)
    {
        if (beamWidth is < 10) throw new ArgumentOutOfRangeException(nameof(beamWidth), beamWidth, "The beam width must be ≥ 10: Recall@10 needs 10 items.");
        ArgumentNullException.ThrowIfNull(dataset);
        if (!Directory.Exists(runDirectory)) throw new DirectoryNotFoundException($"Run folder not found: {runDirectory}");
        var config = TigerRunConfig.Load(runDirectory);
        var beam = beamWidth ?? config.EvalBeamWidth;
        if (config.Dataset != dataset.Name)
            throw new ArgumentException($"{runDirectory} was trained on dataset \"{config.Dataset}\", not \"{dataset.Name}\".");
        var checkpoints = Path.Combine(runDirectory, TigerTraining.CheckpointFolder);
        var checkpoint = new[] { TigerTraining.BestCheckpoint, TigerTraining.LastCheckpoint }.Select(f => Path.Combine(checkpoints, f)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{checkpoints} has neither {TigerTraining.BestCheckpoint} nor {TigerTraining.LastCheckpoint}: train first (`genrec train --out {runDirectory}`).");

        progress?.Invoke(new TigerProgress(TigerPhase.Loading, 0, 1, Message: $"checkpoint {checkpoint}"));
        var data = TigerTraining.LoadData(dataset, config.SemanticIds, config.UserBuckets, config.Trainer.MaxHistoryItems);
        using var model = LoadModel(checkpoint, runDirectory);
        if (!config.Describes(model))
            throw new InvalidDataException($"{checkpoint}: model kind or configuration differs from {TigerRunConfig.FileName}.");
        model.Module.to(TorchDevice.Pick(device));
        var history = TigerHistory.LoadOrEmpty(runDirectory);
        // best.pt is written at the best validation, last.pt at the last step: the history knows both steps
        var checkpointStep = Path.GetFileName(checkpoint) == TigerTraining.BestCheckpoint
            ? history.Best?.Step ?? 0
            : history.Train.Count > 0 ? history.Train[^1].Step : 0;

        var previous = File.Exists(Path.Combine(runDirectory, TigerMetrics.FileName)) ? RunFiles.ReadJson<TigerMetrics>(Path.Combine(runDirectory, TigerMetrics.FileName)) : null;
        var clock = Stopwatch.StartNew();
        SplitMetrics? valid = split == EvaluationSplit.Test ? previous?.Valid : Evaluate("valid", data.Validation);
        SplitMetrics? test = split == EvaluationSplit.Valid ? previous?.Test : Evaluate("test", data.Test);
        var metrics = new TigerMetrics("tiger", config.Model, valid, test, history.Seconds, Math.Round(clock.Elapsed.TotalSeconds, 3),
            Path.GetRelativePath(runDirectory, checkpoint), checkpointStep, beam, config.Preset, config.Seed, config.Dataset);
        RunFiles.WriteJson(Path.Combine(runDirectory, TigerMetrics.FileName), metrics);
        return metrics;

        SplitMetrics Evaluate(string name, IReadOnlyList<TigerExample> examples)
        {
            var phase = new TigerProgress(TigerPhase.Evaluating, 0, examples.Count, Message: name);
            progress?.Invoke(phase);
            var search = new ConstrainedBeamSearch(model, data.Tokenizer);
            var options = new BeamSearchOptions(BeamWidth: beam, TopK: 10, Constrained: true, BatchSize: config.Fit.EvalBatchSize);
            var sources = examples.Select(e => model.EncodeSource(data.Tokenizer, e.History, config.Trainer.MaxHistoryItems,
                config.Trainer.UseUserToken ? e.UserId : null)).ToList();
            // one call: the search batches users of similar history length together (see Search)
            var beams = search.Search(sources, options, done => progress?.Invoke(phase with { Done = done }));
            var evaluator = new Evaluator();
            var predictions = new List<(int, IReadOnlyList<int>)>(examples.Count);
            for (var i = 0; i < examples.Count; i++)
            {
                evaluator.Add(examples[i].UserId, beams.Users[i].ItemIds, examples[i].Target);
                predictions.Add((examples[i].UserId, beams.Users[i].ItemIds));
            }
            PredictionsTsv.Write(Path.Combine(runDirectory, PredictionsFile(name)), predictions);
            return SplitMetrics.From(evaluator.Result());
        }
    }
}
