// Stage 2 of the pipeline and its control: TIGER training (resumable from checkpoints/last.pt), TIGER
// evaluation on the validation and test splits, and the SASRec control. Each step is skipped when its marker
// (train.stage.json, evaluate.stage.json, sasrec/stage.json; see RunStages) names the same inputs.
// The fingerprints hash exactly what they hashed when this lived in the CLI — including the device as asked
// ("auto"), not as picked — so run folders made before keep reusing their finished stages.
using System.Diagnostics;
using GenRec.Data;

namespace GenRec.Runs;

/// <summary>Runs (or reuses) TIGER training, TIGER evaluation and the SASRec control of one run folder.</summary>
internal sealed class PipelineStageTwo(PipelineOptions options, PipelineConfig config, string runDir, AmazonDataset data,
    string semanticIdsDir, IProgress<PipelineProgress>? progress)
{
    string TigerDir => Path.Combine(runDir, RunFolder.TigerDir);
    string SasRecDir => Path.Combine(runDir, RunFolder.SasRecDir);

    /// <summary>Every stage-2 step in order; returns how each went.</summary>
    public IReadOnlyList<StageTiming> Run(string semanticIdsFingerprint)
    {
        var timings = new List<StageTiming>();
        var trainFingerprint = RunStages.Fingerprint(new { Tiger = config.Tiger, options.Seed, options.Device }, semanticIdsFingerprint);
        timings.Add(Train(trainFingerprint));
        timings.Add(Evaluate(RunStages.Fingerprint("evaluate", trainFingerprint)));
        if (config.SasRec is { } sasrec) timings.Add(SasRec(sasrec));
        return timings;
    }

    StageTiming Train(string fingerprint)
    {
        var clock = Stopwatch.StartNew();
        const string marker = "train.stage.json";
        if (Checked(TigerDir, fingerprint, marker, PipelineStage.TigerTraining)) return Finish(PipelineStage.TigerTraining, "cached", clock);
        var preset = config.Tiger;
        Report(new StageStarted(PipelineStage.TigerTraining, $"TIGER training ({preset.Model}, preset {preset.Name}, {preset.Fit.MaxSteps:N0} steps) → {TigerDir}"));
        var result = TigerTraining.Run(data, semanticIdsDir, preset, options.Seed, TigerDir, Tiger(PipelineStage.TigerTraining), options.Device);
        RunStages.MarkDone(TigerDir, fingerprint, clock.Elapsed.TotalSeconds, marker);
        var resumed = result.ResumedFromStep > 0 ? $" (resumed from {result.ResumedFromStep})" : "";
        var best = result.Best is { } b ? $", best valid R@10 {b.Recall10:F4} @ {b.Step}" : "";
        return Finish(PipelineStage.TigerTraining, $"{result.Steps} steps{resumed}{best}", clock);
    }

    StageTiming Evaluate(string fingerprint)
    {
        var clock = Stopwatch.StartNew();
        const string marker = "evaluate.stage.json";
        if (Checked(TigerDir, fingerprint, marker, PipelineStage.TigerEvaluation)) return Finish(PipelineStage.TigerEvaluation, "cached", clock);
        RunStages.Invalidate(TigerDir, marker);
        Report(new StageStarted(PipelineStage.TigerEvaluation, $"TIGER evaluation (valid + test, beam {config.Tiger.EvalBeamWidth})"));
        TigerEvaluation.Run(TigerDir, data, EvaluationSplit.Both, Tiger(PipelineStage.TigerEvaluation), options.Device);
        RunStages.MarkDone(TigerDir, fingerprint, clock.Elapsed.TotalSeconds, marker,
            [TigerMetrics.FileName, TigerEvaluation.PredictionsFile("valid"), TigerEvaluation.PredictionsFile("test")]);
        return Finish(PipelineStage.TigerEvaluation, "valid + test", clock);
    }

    StageTiming SasRec(SasRecStageConfig sasrec)
    {
        var clock = Stopwatch.StartNew();
        var fingerprint = RunStages.Fingerprint(new { SasRec = sasrec, options.Seed, options.Device }, RunStages.DataFingerprint(data));
        if (Checked(SasRecDir, fingerprint, "stage.json", PipelineStage.SasRec)) return Finish(PipelineStage.SasRec, "cached", clock);
        RunStages.Invalidate(SasRecDir);
        Report(new StageStarted(PipelineStage.SasRec, $"SASRec control → {SasRecDir}"));
        // SASRec restarts from scratch when interrupted: a whole run is minutes, shorter than TIGER's validations.
        var result = SasRecRun.Run(data, new SasRecRunConfig(sasrec.Model, sasrec.Trainer, options.Device), options.Seed, SasRecDir,
            line => Report(new StageMessage(PipelineStage.SasRec, line)));
        RunStages.MarkDone(SasRecDir, fingerprint, clock.Elapsed.TotalSeconds, outputs: SasRecRun.OutputFiles);
        return Finish(PipelineStage.SasRec, $"{result.Fit.Epochs} epochs", clock);
    }

    /// <summary><see cref="RunStages.Check"/>, with one warning line when a finished-looking stage turns out damaged.</summary>
    bool Checked(string dir, string fingerprint, string marker, PipelineStage stage)
    {
        var check = RunStages.Check(dir, fingerprint, marker);
        if (check.Problem is { } problem) Report(new StageMessage(stage, $"warning: {problem}; running the stage again."));
        return check.Done;
    }

    Action<TigerProgress> Tiger(PipelineStage stage) => p => Report(new StageTigerProgress(stage, p));

    StageTiming Finish(PipelineStage stage, string status, Stopwatch clock)
    {
        var timing = new StageTiming(stage, status, clock.Elapsed.TotalSeconds);
        Report(new StageFinished(timing));
        return timing;
    }

    void Report(PipelineProgress report) => progress?.Report(report);
}
