// Stage 2 of `genrec run` and its control: TIGER training (resumable from checkpoints/last.pt), TIGER
// evaluation on the validation and test splits, the SASRec control, then the run's top-level metrics.json and
// report.html. Each stage folder gets a stage.json marker when it finishes (see RunStages).
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenRec.Data;
using GenRec.Runs;
using GenRec.SasRec;

namespace GenRec.Cli.Commands;

public sealed class StageTwo(RunOptions options, string runDir, AmazonDataset data, string semanticIdsDir, TextWriter output)
{
    string TigerDir => Path.Combine(runDir, "tiger");
    string SasRecDir => Path.Combine(runDir, "sasrec");

    /// <summary>The TIGER preset the options resolve to.</summary>
    static TigerPreset Preset(RunOptions options)
    {
        var preset = TigerPresets.Get(options.Preset, options.Model);
        return options.TigerSteps is int steps ? preset.WithSteps(steps) : preset;
    }

    static SasRecRunConfig SasRecConfig(RunOptions options) => new(
        Trainer: options.SasRecEpochs is int epochs ? new SasRecTrainerConfig(MaxEpochs: epochs) : new SasRecTrainerConfig(),
        Device: options.Device);

    /// <summary>The resolved TIGER settings as they go into the run's config.json.</summary>
    public static JsonNode TigerConfigJson(RunOptions options) => ToJson(Preset(options));

    /// <summary>The resolved SASRec settings as they go into the run's config.json.</summary>
    public static JsonNode SasRecConfigJson(RunOptions options)
    {
        var config = SasRecConfig(options);
        return ToJson(new { Model = config.Model ?? new GenRec.SasRec.SasRecConfig(), Trainer = config.Trainer });
    }

    static JsonNode ToJson(object value) => JsonNode.Parse(JsonSerializer.Serialize(value, RunFiles.Json))!;

    /// <summary>Runs (or reuses) every stage-2 step; returns (stage, status, seconds) rows for the summary.</summary>
    public IEnumerable<(string, string, double)> Run(string semanticIdsFingerprint)
    {
        var rows = new List<(string, string, double)>();
        var preset = Preset(options);
        var trainFingerprint = RunStages.Fingerprint(new { Tiger = TigerConfigJson(options), options.Seed, options.Device }, semanticIdsFingerprint);
                var clock = Stopwatch.StartNew();
        if (RunStages.IsDone(TigerDir, trainFingerprint, "train.stage.json")) rows.Add(("TIGER training", "cached", clock.Elapsed.TotalSeconds));
        else
        {
            output.WriteLine($"== TIGER training ({preset.Model}, preset {preset.Name}, {preset.Fit.MaxSteps:N0} steps) → {TigerDir}");
            var result = TrainCommand.WithProgress(output, report =>
                TigerTraining.Run(data, semanticIdsDir, preset, options.Seed, TigerDir, report, options.Device));
            RunStages.MarkDone(TigerDir, trainFingerprint, clock.Elapsed.TotalSeconds, "train.stage.json");
            var best = result.Best is { } b ? $", best valid R@10 {b.Recall10:F4} @ {b.Step}" : "";
            rows.Add(("TIGER training", $"{result.Steps} steps{(result.ResumedFromStep > 0 ? $" (resumed from {result.ResumedFromStep})" : "")}{best}",
                clock.Elapsed.TotalSeconds));
        }

        clock.Restart();
        var evaluateFingerprint = RunStages.Fingerprint("evaluate", trainFingerprint);
                if (RunStages.IsDone(TigerDir, evaluateFingerprint, "evaluate.stage.json")) rows.Add(("TIGER evaluation", "cached", clock.Elapsed.TotalSeconds));
        else
        {
            RunStages.Invalidate(TigerDir, "evaluate.stage.json");
            output.WriteLine($"== TIGER evaluation (valid + test, beam {preset.EvalBeamWidth})");
            TrainCommand.WithProgress(output, report => TigerEvaluation.Run(TigerDir, data, EvaluationSplit.Both, report, options.Device));
            RunStages.MarkDone(TigerDir, evaluateFingerprint, clock.Elapsed.TotalSeconds, "evaluate.stage.json");
            rows.Add(("TIGER evaluation", "valid + test", clock.Elapsed.TotalSeconds));
        }

        if (!options.SasRec) return rows;
        clock.Restart();
        var sasrecFingerprint = RunStages.Fingerprint(new { SasRec = SasRecConfigJson(options), options.Seed, options.Device }, RunStages.DataFingerprint(data));
        if (RunStages.IsDone(SasRecDir, sasrecFingerprint)) rows.Add(("SASRec control", "cached", clock.Elapsed.TotalSeconds));
        else
        {
            RunStages.Invalidate(SasRecDir);
            output.WriteLine($"== SASRec control → {SasRecDir}");
            // SASRec restarts from scratch when interrupted: a whole run is minutes, shorter than TIGER's validations.
            var result = SasRecRun.Run(data, SasRecConfig(options), options.Seed, SasRecDir,
                line => output.WriteLine("sasrec: " + line));
            RunStages.MarkDone(SasRecDir, sasrecFingerprint, clock.Elapsed.TotalSeconds);
            rows.Add(("SASRec control", $"{result.Fit.Epochs} epochs", clock.Elapsed.TotalSeconds));
        }
        return rows;
    }

    /// <summary>The run's metrics.json: each model's valid/test metrics as its stage wrote them, and the paper's row.</summary>
    public JsonObject SummaryMetrics(IReadOnlyDictionary<string, double> paper)
    {
        var summary = new JsonObject { ["dataset"] = data.Name, ["preset"] = options.Preset, ["seed"] = options.Seed };
        foreach (var (model, dir) in new[] { ("tiger", TigerDir), ("sasrec", SasRecDir) })
        {
            var path = Path.Combine(dir, "metrics.json");
            if (!File.Exists(path)) continue;
            var stage = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            summary[model] = new JsonObject { ["valid"] = stage["valid"]?.DeepClone(), ["test"] = stage["test"]?.DeepClone() };
        }
        summary["paper"] = new JsonObject(paper.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        return summary;
    }

    /// <summary>Writes report.html from the finished run folder.</summary>
    public void WriteReport() => RunReport.Write(runDir, data);
}
