// "Invalid IDs vs beam width" (Rajput et al., NeurIPS 2023, §4.4: decoded without constraints, 0.1–1.6 % of the
// top-10 and 0.3–6 % of the top-20 semantic IDs name no item). The run's trained model decodes the test users
// at each beam width twice: unconstrained over the full vocabulary (ConstrainedBeamSearch with
// Constrained = false), counting the top-10 and top-20 beams whose ID maps to no item, and constrained to the
// valid IDs (PrefixTrie), giving the recall the run reports. Top-20 needs 20 beams, so narrower beams have no
// top-20 rate (null).
using GenRec.Data;
using GenRec.Evaluation;
using GenRec.Tiger;

namespace GenRec.Runs.Experiments;

/// <summary>Settings of the invalid-ID experiment.</summary>
/// <param name="BeamWidths">Beam widths to decode with (each ≥ 10).</param>
/// <param name="Users">Test users decoded (seeded subset; ≤ 0: all, as the paper).</param>
/// <param name="BatchSize">Users decoded together.</param>
public sealed record InvalidIdsConfig(IReadOnlyList<int>? BeamWidths = null, int Users = 0, int BatchSize = 128)
{
    /// <summary>The beam widths that run: <see cref="BeamWidths"/>, else 10, 20 and 40.</summary>
    public IReadOnlyList<int> ResolvedBeamWidths => BeamWidths ?? [10, 20, 40];
}

/// <summary>One beam width.</summary>
/// <param name="BeamWidth">Beams kept per user.</param>
/// <param name="InvalidTop10">Share of unconstrained top-10 IDs that name no item.</param>
/// <param name="InvalidTop20">Same for the top 20; null when the beam is narrower than 20.</param>
/// <param name="UnconstrainedRecall10">Recall@10 of the unconstrained decoder's valid items (invalid beams dropped, as a user would see it).</param>
/// <param name="Constrained">Test metrics of constrained decoding at this width.</param>
public sealed record InvalidIdsRow(
    int BeamWidth,
    [property: System.Text.Json.Serialization.JsonPropertyName("invalid@10")] double InvalidTop10,
    [property: System.Text.Json.Serialization.JsonPropertyName("invalid@20")] double? InvalidTop20,
    [property: System.Text.Json.Serialization.JsonPropertyName("unconstrained_recall@10")] double UnconstrainedRecall10,
    SplitMetrics Constrained);

/// <summary>experiments/invalid-ids.json.</summary>
public sealed record InvalidIdsResult(string Experiment, string Dataset, string Checkpoint, int Users, IReadOnlyList<InvalidIdsRow> Rows, string Paper);

/// <summary>Runs the invalid-ID experiment on a trained run.</summary>
public static class InvalidIds
{
    /// <summary>Experiment name (CLI and file name).</summary>
    public const string Name = "invalid-ids";

    /// <summary>The paper's finding, quoted beside the measured rows.</summary>
    public const string Paper = "Rajput et al., NeurIPS 2023, §4.4: without constraints 0.1–1.6 % of top-10 and 0.3–6 % of top-20 IDs are invalid";

    /// <summary>
    /// Decodes the test users of the tiger/ folder <paramref name="tigerDirectory"/> (trained on <paramref name="dataset"/>)
    /// at every beam width; <paramref name="progress"/> gets one line per width.
    /// </summary>
    public static InvalidIdsResult Measure(string tigerDirectory, AmazonDataset dataset, InvalidIdsConfig? config = null, string? device = null,
        Action<string>? progress = null)
    {
        config ??= new InvalidIdsConfig();
        if (config.ResolvedBeamWidths.Any(w => w < 10)) throw new ArgumentException("Beam widths must be ≥ 10 (Recall@10 needs 10 items).");
        using var run = TrainedTiger.Load(tigerDirectory, dataset, device);
        var users = ExperimentFiles.Users(run.Data.Test, config.Users, run.Config.Seed);
        var sources = run.Sources(users);
        var search = new ConstrainedBeamSearch(run.Model, run.Data.Tokenizer);
        var rows = new List<InvalidIdsRow>();
        foreach (var width in config.ResolvedBeamWidths)
        {
            var topK = Math.Min(width, 20);
            var free = search.Search(sources, new BeamSearchOptions(width, topK, Constrained: false, config.BatchSize));
            var constrained = search.Search(sources, new BeamSearchOptions(width, 10, Constrained: true, config.BatchSize));
            var unconstrainedRecall = users.Select((e, i) => RankingMetrics.Recall(free.Users[i].ItemIds, e.Target, 10)).Average();
            var metrics = Evaluator.Evaluate(users.Select((e, i) => (e.UserId, (IReadOnlyList<int>)constrained.Users[i].ItemIds, e.Target)));
            var row = new InvalidIdsRow(width, free.InvalidRate(10), width >= 20 ? free.InvalidRate(20) : null, unconstrainedRecall, SplitMetrics.From(metrics));
            rows.Add(row);
            progress?.Invoke($"beam {width}: invalid top-10 {row.InvalidTop10:P2}" + (row.InvalidTop20 is double r20 ? $", top-20 {r20:P2}" : "") +
                             $"; constrained {metrics}");
        }
        return new InvalidIdsResult(Name, dataset.Name, Path.GetRelativePath(run.Directory, run.Checkpoint), users.Count, rows, Paper);
    }

    /// <summary>
    /// Runs (or reuses) the pipeline of <paramref name="options"/>, measures its tiger/ model and writes
    /// experiments/invalid-ids.json; <paramref name="progress"/> gets the pipeline's reports, <paramref name="log"/> the experiment's lines.
    /// </summary>
    public static InvalidIdsResult Run(PipelineOptions options, InvalidIdsConfig? config = null, IProgress<PipelineProgress>? progress = null,
        Action<string>? log = null)
        => TrainedTiger.MeasurePipelineRun(options, Name, progress, (tigerDirectory, dataset) => Measure(tigerDirectory, dataset, config, options.Device, log));
}
