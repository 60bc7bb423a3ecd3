// Stage 2 end to end on a tiny generated dataset: the run folder has the contract's files and keys, an
// interrupted run resumed from last.pt equals an uninterrupted one, a different config in the same folder
// is refused, evaluation's metrics equal an independent recomputation from the predictions files, and the
// same seed reproduces the same metrics.
using System.Text.Json;
using GenRec.Data;
using GenRec.Runs;
using GenRec.Tests.TestSupport;
using GenRec.Tiger;

namespace GenRec.Tests.Runs;

public sealed class TigerTrainingTests
{
    [Fact]
    public void Train_writes_config_checkpoints_and_history_with_the_contract_keys()
    {
        using var temp = new TempDirectory();
        var dataset = TinyTigerRun.Dataset(temp);
        var result = TigerTraining.Run(dataset, TinyTigerRun.WriteSemanticIds(temp), TinyTigerRun.Preset(steps: 4), seed: 3, temp.Combine("run"));

        Assert.Equal(4, result.Steps);
        Assert.True(File.Exists(temp.Combine("run", "checkpoints", "last.pt")));
        Assert.True(File.Exists(temp.Combine("run", "checkpoints", "best.pt")));
        using var config = JsonDocument.Parse(File.ReadAllText(temp.Combine("run", "config.json")));
        foreach (var key in new[] { "preset", "seed", "dataset", "semantic_ids", "model", "encoder_decoder", "trainer", "fit" })
            Assert.True(config.RootElement.TryGetProperty(key, out _), $"config.json lacks {key}");
        Assert.Equal("tiny", config.RootElement.GetProperty("preset").GetString());
        Assert.Equal(3, config.RootElement.GetProperty("seed").GetInt64());
        // vocabulary = 3 special + 4 + 4 codes + 2 de-dup positions (30 items on 16 tuples: at most 2 share one)
        Assert.Equal("encoder-decoder", config.RootElement.GetProperty("model").GetString());
        Assert.Equal(3 + 4 + 4 + 2, config.RootElement.GetProperty("encoder_decoder").GetProperty("vocabulary_size").GetInt32());

        using var history = JsonDocument.Parse(File.ReadAllText(temp.Combine("run", "training_history.json")));
        var train = history.RootElement.GetProperty("train").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4], train.Select(p => p.GetProperty("step").GetInt32()));
        foreach (var key in new[] { "epoch", "loss", "learning_rate", "seconds" }) Assert.True(train[0].TryGetProperty(key, out _), key);
        Assert.Equal(0.01 * 1 / 2, train[0].GetProperty("learning_rate").GetDouble(), 12);   // warm-up: peak · 1/2
        var validation = history.RootElement.GetProperty("validation").EnumerateArray().ToList();
        Assert.Equal([2, 4], validation.Select(v => v.GetProperty("step").GetInt32()));
        foreach (var key in new[] { "recall@5", "recall@10", "ndcg@5", "ndcg@10" })
            Assert.InRange(validation[0].GetProperty(key).GetDouble(), 0, 1);
        Assert.Equal(12, validation[0].GetProperty("users").GetInt32());
    }

    [Fact]
    public void Two_steps_then_a_resumed_two_equal_four_uninterrupted_steps()
    {
        using var temp = new TempDirectory();
        var dataset = TinyTigerRun.Dataset(temp);
        var ids = TinyTigerRun.WriteSemanticIds(temp);
        var first = TigerTraining.Run(dataset, ids, TinyTigerRun.Preset(steps: 4), seed: 7, temp.Combine("whole"), device: "cpu");
        Assert.Equal(4, first.Steps);
        // the interrupted run: 2 steps, then the same config with 4 steps continues from checkpoints/last.pt
        TigerTraining.Run(dataset, ids, TinyTigerRun.Preset().WithSteps(2), seed: 7, temp.Combine("resumed"));
        var resumed = TigerTraining.Run(dataset, ids, TinyTigerRun.Preset().WithSteps(4), seed: 7, temp.Combine("resumed"));
        Assert.Equal(2, resumed.ResumedFromStep);
        Assert.Equal(4, resumed.Steps);

        Assert.Equal(first.History.Train.Select(p => p.Loss), resumed.History.Train.Select(p => p.Loss));
        // the same validations (their training-seconds stamps are wall times, never equal)
        Assert.Equal(first.History.Validation.Select(v => v with { Seconds = 0 }), resumed.History.Validation.Select(v => v with { Seconds = 0 }));
        using var a = TigerCheckpoint.LoadModel(temp.Combine("whole", "checkpoints", "last.pt"));
        using var b = TigerCheckpoint.LoadModel(temp.Combine("resumed", "checkpoints", "last.pt"));
        var stateB = b.Module.state_dict();
        foreach (var (name, tensor) in a.Module.state_dict())
            Assert.True(tensor.equal(stateB[name]).all().item<bool>(), $"parameter {name} differs");
    }

    [Fact]
    public void A_decoder_only_run_killed_after_its_step_2_checkpoint_resumes_to_the_uninterrupted_run()
    {
        using var temp = new TempDirectory();
        var dataset = TinyTigerRun.Dataset(temp);
        var ids = TinyTigerRun.WriteSemanticIds(temp);
        var preset = TinyTigerRun.DecoderOnlyPreset(steps: 4);                  // cosine over 4 steps, last.pt at steps 2 and 4
        var whole = TigerTraining.Run(dataset, ids, preset, seed: 7, temp.Combine("whole"));
        // the same config, stopped by an exception while step 3 reports (last.pt holds step 2): a crash, not a shorter run
        Assert.Throws<OperationCanceledException>(() => TigerTraining.Run(dataset, ids, preset, seed: 7, temp.Combine("resumed"),
            progress: p => { if (p.Phase == TigerPhase.Training && p.Done == 3) throw new OperationCanceledException("killed"); }));
        var resumed = TigerTraining.Run(dataset, ids, preset, seed: 7, temp.Combine("resumed"));
        Assert.Equal(2, resumed.ResumedFromStep);
        Assert.Equal(whole.History.Train.Select(p => p.Loss), resumed.History.Train.Select(p => p.Loss));
        Assert.Equal(whole.History.Train.Select(p => p.LearningRate), resumed.History.Train.Select(p => p.LearningRate));
        Assert.All(whole.History.Train, p => Assert.True(p.TargetTokens > 0));
        using var a = TigerCheckpoint.LoadModel(temp.Combine("whole", "checkpoints", "last.pt"));
        using var b = TigerCheckpoint.LoadModel(temp.Combine("resumed", "checkpoints", "last.pt"));
        Assert.Equal(ModelKinds.DecoderOnly, a.Kind);
        var stateB = b.Module.state_dict();
        foreach (var (name, tensor) in a.Module.state_dict())
            Assert.True(tensor.equal(stateB[name]).all().item<bool>(), $"parameter {name} differs");
    }

    [Fact]
    public void A_different_config_in_the_same_folder_is_refused_and_a_finished_run_is_not_retrained()
    {
        using var temp = new TempDirectory();
        var dataset = TinyTigerRun.Dataset(temp);
        var ids = TinyTigerRun.WriteSemanticIds(temp);
        TigerTraining.Run(dataset, ids, TinyTigerRun.Preset(steps: 2), seed: 1, temp.Combine("run"));
        var again = TigerTraining.Run(dataset, ids, TinyTigerRun.Preset(steps: 2), seed: 1, temp.Combine("run"));
        Assert.Equal(2, again.ResumedFromStep);
        Assert.Equal(2, again.History.Train.Count);
        var error = Assert.Throws<InvalidOperationException>(() =>
            TigerTraining.Run(dataset, ids, TinyTigerRun.Preset(steps: 2), seed: 2, temp.Combine("run")));
        Assert.Contains("seed (1 vs 2)", error.Message);
    }

    [Fact]
    public void Missing_semantic_ids_folder_and_unknown_preset_are_clear_errors()
    {
        using var temp = new TempDirectory();
        var dataset = TinyTigerRun.Dataset(temp);
        var missing = Assert.Throws<DirectoryNotFoundException>(() =>
            TigerTraining.Run(dataset, temp.Combine("nope"), TinyTigerRun.Preset(), 0, temp.Combine("run")));
        Assert.Contains("nope", missing.Message);
        Directory.CreateDirectory(temp.Combine("empty"));
        Assert.Throws<FileNotFoundException>(() => TigerTraining.Run(dataset, temp.Combine("empty"), TinyTigerRun.Preset(), 0, temp.Combine("run")));
        Assert.Contains("cpu, cpu-large, paper", Assert.Throws<ArgumentException>(() => TigerPresets.Get("gpu")).Message);
    }

    [Fact]
    public void Evaluate_metrics_equal_a_recomputation_from_the_predictions_files_and_the_targets()
    {
        using var temp = new TempDirectory();
        var dataset = TinyTigerRun.Dataset(temp);
        TigerTraining.Run(dataset, TinyTigerRun.WriteSemanticIds(temp), TinyTigerRun.Preset(steps: 6), seed: 4, temp.Combine("run"));
        TigerEvaluation.Run(temp.Combine("run"), dataset);

        using var metrics = JsonDocument.Parse(File.ReadAllText(temp.Combine("run", "metrics.json")));
        Assert.Equal("tiger", metrics.RootElement.GetProperty("model").GetString());
        var split = LeaveOneOutSplit.Create(dataset);
        foreach (var (name, examples) in new[] { ("valid", split.Validation), ("test", split.Test) })
        {
            var targets = examples.ToDictionary(e => e.UserId, e => e.Target);
            var lines = File.ReadAllLines(temp.Combine("run", $"predictions_{name}.tsv"));
            Assert.Equal(TinyTigerRun.Users, lines.Length);
            double r5 = 0, r10 = 0, n5 = 0, n10 = 0;
            foreach (var line in lines)
            {
                var parts = line.Split('\t');
                var items = parts[1].Split(' ').Select(int.Parse).ToList();
                Assert.Equal(10, items.Count);
                Assert.All(items, i => Assert.InRange(i, 1, TinyTigerRun.Items));
                var rank = items.IndexOf(targets[int.Parse(parts[0])]) + 1;   // 0: not recommended
                if (rank is >= 1 and <= 5) { r5++; n5 += 1 / Math.Log2(rank + 1); }
                if (rank is >= 1 and <= 10) { r10++; n10 += 1 / Math.Log2(rank + 1); }
            }
            var m = metrics.RootElement.GetProperty(name);
            Assert.Equal(TinyTigerRun.Users, m.GetProperty("users").GetInt32());
            Assert.Equal(r5 / lines.Length, m.GetProperty("recall@5").GetDouble(), 12);
            Assert.Equal(r10 / lines.Length, m.GetProperty("recall@10").GetDouble(), 12);
            Assert.Equal(n5 / lines.Length, m.GetProperty("ndcg@5").GetDouble(), 12);
            Assert.Equal(n10 / lines.Length, m.GetProperty("ndcg@10").GetDouble(), 12);
        }
        Assert.True(metrics.RootElement.GetProperty("train_wall_seconds").GetDouble() > 0);
        Assert.True(metrics.RootElement.TryGetProperty("evaluate_wall_seconds", out _));
    }

    [Theory]
    [InlineData(ModelKinds.EncoderDecoder)]
    [InlineData(ModelKinds.DecoderOnly)]
    public void The_same_seed_gives_identical_metrics_and_predictions(string model)
    {
        using var temp = new TempDirectory();
        var dataset = TinyTigerRun.Dataset(temp);
        var ids = TinyTigerRun.WriteSemanticIds(temp);
        var preset = model == ModelKinds.DecoderOnly ? TinyTigerRun.DecoderOnlyPreset(steps: 4) : TinyTigerRun.Preset(steps: 4);
        var results = new[] { "a", "b" }.Select(run =>
        {
            TigerTraining.Run(dataset, ids, preset, seed: 9, temp.Combine(run));
            return TigerEvaluation.Run(temp.Combine(run), dataset);
        }).ToList();
        Assert.Equal(results[0].Valid, results[1].Valid);
        Assert.Equal(results[0].Test, results[1].Test);
        Assert.Equal(File.ReadAllText(temp.Combine("a", "predictions_test.tsv")), File.ReadAllText(temp.Combine("b", "predictions_test.tsv")));
    }

    [Fact]
    public void Evaluating_one_split_keeps_the_other_from_an_earlier_evaluation()
    {
        using var temp = new TempDirectory();
        var dataset = TinyTigerRun.Dataset(temp);
        TigerTraining.Run(dataset, TinyTigerRun.WriteSemanticIds(temp), TinyTigerRun.Preset(steps: 2), seed: 2, temp.Combine("run"));
        var valid = TigerEvaluation.Run(temp.Combine("run"), dataset, EvaluationSplit.Valid);
        Assert.NotNull(valid.Valid);
        Assert.Null(valid.Test);
        Assert.False(File.Exists(temp.Combine("run", "predictions_test.tsv")));
        var both = TigerEvaluation.Run(temp.Combine("run"), dataset, EvaluationSplit.Test);
        Assert.Equal(valid.Valid, both.Valid);
        Assert.NotNull(both.Test);
    }

    [Fact]
    public void A_beam_width_given_at_evaluation_replaces_the_presets_and_is_recorded()
    {
        using var temp = new TempDirectory();
        var dataset = TinyTigerRun.Dataset(temp);
        TigerTraining.Run(dataset, TinyTigerRun.WriteSemanticIds(temp), TinyTigerRun.Preset(steps: 2), seed: 2, temp.Combine("run"));
        var preset = TigerEvaluation.Run(temp.Combine("run"), dataset, EvaluationSplit.Valid);
        var wider = TigerEvaluation.Run(temp.Combine("run"), dataset, EvaluationSplit.Valid, beamWidth: preset.BeamWidth + 5);
        Assert.Equal(preset.BeamWidth + 5, wider.BeamWidth);
        Assert.Equal(preset.BeamWidth + 5, RunFiles.ReadJson<TigerMetrics>(temp.Combine("run", TigerMetrics.FileName)).BeamWidth);
        Assert.Throws<ArgumentOutOfRangeException>(() => TigerEvaluation.Run(temp.Combine("run"), dataset, EvaluationSplit.Valid, beamWidth: 9));
    }
}
