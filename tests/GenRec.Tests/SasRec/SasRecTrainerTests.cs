using GenRec.Data;
using GenRec.SasRec;
using GenRec.Tests.TestSupport;
using static TorchSharp.torch;

namespace GenRec.Tests.SasRec;

public class SasRecTrainerTests
{
    static (List<SasRecWindow> Rows, LeaveOneOutSplit Split) Cycles(int items = 12, int users = 60, int seed = 1)
    {
        var sequences = TinySasRec.CycleSequences(users, TinySasRec.Cycle(items, seed), seed + 1);
        return (SasRecWindows.FromSequences(sequences, 6), LeaveOneOutSplit.Create(sequences, new LeaveOneOutConfig(6, TrainingExamples.LastOnly)));
    }

    [Fact]
    public void Learns_a_planted_cycle_to_recall_at_1_near_1()
    {
        var (rows, split) = Cycles();
        using var model = new SasRecModel(TinySasRec.Config(itemCount: 12), seed: 1);
        using var trainer = new SasRecTrainer(model, rows, new SasRecTrainerConfig(BatchSize: 16, LearningRate: 1e-2, MaxEpochs: 40, Patience: 40, Seed: 1));
        var fit = trainer.Fit();
        var (metrics, predictions) = SasRecRanking.Evaluate(model, split.Test);
        var recallAt1 = split.Test.Select((e, i) => predictions[i].Items[0] == e.Target ? 1.0 : 0.0).Average();
        Assert.True(recallAt1 >= 0.95, $"test Recall@1 {recallAt1:F3} (losses {fit.Train[0].Loss:F3} → {fit.Train[^1].Loss:F3})");
        Assert.True(metrics.Recall10 >= 0.95);
        Assert.True(fit.Train[^1].Loss < fit.Train[0].Loss / 4);
    }

    [Fact]
    public void Same_seed_gives_identical_losses_and_metrics()
    {
        var (rows, split) = Cycles(items: 15, users: 30, seed: 3);
        (List<double> Losses, GenRec.Evaluation.EvaluationResult Metrics) Train()
        {
            using var model = new SasRecModel(TinySasRec.Config(itemCount: 15, dropout: 0.3), seed: 8);   // dropout exercises the seeded stream
            using var trainer = new SasRecTrainer(model, rows, new SasRecTrainerConfig(BatchSize: 8, LearningRate: 5e-3, MaxEpochs: 3, Seed: 8));
            var fit = trainer.Fit(split.Validation);
            return ([.. fit.Train.Select(e => e.Loss)], SasRecRanking.Evaluate(model, split.Test).Metrics);
        }
        var (lossesA, metricsA) = Train();
        var (lossesB, metricsB) = Train();
        Assert.Equal(lossesA, lossesB);
        Assert.Equal(metricsA, metricsB);
    }

    [Fact]
    public void Early_stopping_keeps_the_best_epoch_and_writes_both_checkpoints()
    {
        var (rows, split) = Cycles(items: 12, users: 40, seed: 5);
        using var temp = new TempDirectory();
        using var model = new SasRecModel(TinySasRec.Config(itemCount: 12), seed: 2);
        // learning rate 0 after the first steps is impossible with Adam, so patience 1 on a model that stops
        // improving at R@10 = 1 must stop within a few epochs of reaching it
        using var trainer = new SasRecTrainer(model, rows, new SasRecTrainerConfig(BatchSize: 8, LearningRate: 2e-2, MaxEpochs: 60, Patience: 1, Seed: 2));
        var fit = trainer.Fit(split.Validation, temp.Path);
        Assert.True(fit.StoppedEarly);
        Assert.Equal(fit.Epochs, fit.Validation.Count);
        Assert.Equal(fit.Validation.Max(v => v.Metrics.Recall10), fit.BestRecall10);
        Assert.Equal(fit.Validation.First(v => v.Metrics.Recall10 == fit.BestRecall10).Epoch, fit.BestEpoch);
        Assert.Equal(fit.BestEpoch + 1, fit.Epochs);                                  // patience 1: one epoch without improvement
        var best = SasRecCheckpoint.ReadInfo(Path.Combine(temp.Path, "best.pt"));
        Assert.Equal(fit.BestEpoch, best.Epoch);
        Assert.Equal(fit.BestRecall10, best.ValidationRecall10);
        Assert.Equal(fit.Epochs, SasRecCheckpoint.ReadInfo(Path.Combine(temp.Path, "last.pt")).Epoch);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
        // the model holds the best weights again: its validation Recall@10 is the best one
        Assert.Equal(fit.BestRecall10, SasRecRanking.Evaluate(model, split.Validation).Metrics.Recall10);
    }

    [Fact]
    public void Checkpoint_round_trip_gives_identical_scores_and_a_truncated_file_is_refused()
    {
        using var temp = new TempDirectory();
        var config = TinySasRec.Config(itemCount: 12, dropout: 0.2);
        using var model = new SasRecModel(config, seed: 4);
        var (rows, _) = Cycles();
        using (var trainer = new SasRecTrainer(model, rows, new SasRecTrainerConfig(BatchSize: 16, Seed: 4)))
            for (var i = 0; i < 3; i++) trainer.TrainStep();
        var path = temp.Combine("model.pt");
        SasRecCheckpoint.Save(path, model, new SasRecCheckpointInfo(config, new SasRecTrainerConfig(Seed: 4), Epoch: 1, ValidationRecall10: 0.5));
        model.eval();
        using var items = tensor(new long[] { 0, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6 }, [2, 6]);
        using var loaded = SasRecCheckpoint.Load(path);
        Assert.Equal(config, loaded.Config);
        Assert.Equal(TinySasRec.Values(model.ScoreNext(items)), TinySasRec.Values(loaded.ScoreNext(items)));

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var error = Assert.Throws<InvalidDataException>(() => SasRecCheckpoint.Load(path));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Non_finite_loss_stops_before_the_update()
    {
        using var model = new SasRecModel(TinySasRec.Config(itemCount: 12), seed: 1);
        var (rows, _) = Cycles();
        using var trainer = new SasRecTrainer(model, rows, new SasRecTrainerConfig(BatchSize: 16));
        using (no_grad()) model.parameters().First().fill_(float.NaN);               // the item table
        var before = model.parameters().Skip(1).SelectMany(TinySasRec.Values).ToArray();
        Assert.Throws<SasRecTrainingDivergedException>(() => trainer.TrainStep());
        Assert.Equal(0, trainer.Step);
        Assert.Equal(before, model.parameters().Skip(1).SelectMany(TinySasRec.Values).ToArray());
    }
}
