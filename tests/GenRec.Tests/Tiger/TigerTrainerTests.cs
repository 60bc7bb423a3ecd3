using GenRec.Tiger;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tests.Tiger;

public class TigerTrainerTests
{
    // 30 users over 30 items with codebooks 4 × 4 × 4; the next item is a fixed permutation of the last one
    static (SemanticIdTokenizer Tokenizer, List<TigerExample> Examples) Synthetic(int users = 30, int seed = 21)
    {
        var tokenizer = TinyTiger.Tokenizer(itemCount: 30, codebookSizes: [4, 4, 4], seed: seed);
        var random = new Random(seed);
        var next = Enumerable.Range(1, 30).OrderBy(_ => random.Next()).ToArray();     // next[item − 1]
        var examples = new List<TigerExample>();
        for (var u = 0; u < users; u++)
        {
            var history = Enumerable.Range(0, random.Next(1, 7)).Select(_ => random.Next(1, 31)).ToArray();
            history[^1] = u % 30 + 1;                                                     // every last item occurs
            examples.Add(new TigerExample(u, history, next[history[^1] - 1]));
        }
        return (tokenizer, examples);
    }

    static float[] Flatten(IGenerativeRetriever model) => [.. model.Module.parameters().SelectMany(p => TinyTiger.Values(p))];

    [Fact]
    public void Resuming_from_a_checkpoint_continues_exactly_like_an_uninterrupted_run()
    {
        var (tokenizer, examples) = Synthetic();
        // dropout on, 3 batches per epoch: the 4 steps cross an epoch boundary and use the dropout RNG
        var config = new TigerTrainerConfig(BatchSize: 12, LearningRate: 5e-3, WarmupSteps: 2, Seed: 17);
        var modelConfig = TinyTiger.Config(tokenizer.VocabularySize, dropout: 0.1);
        var path = Path.Combine(Path.GetTempPath(), $"genrec-tiger-{Guid.NewGuid():N}.ckpt");
        try
        {
            using var straightModel = new TigerModel(modelConfig, seed: 1);
            using var straight = new TigerTrainer(straightModel, tokenizer, examples, config);
            var straightLosses = Enumerable.Range(0, 4).Select(_ => straight.TrainStep()).ToList();

            using var firstModel = new TigerModel(modelConfig, seed: 1);
            using var first = new TigerTrainer(firstModel, tokenizer, examples, config);
            var resumedLosses = Enumerable.Range(0, 2).Select(_ => first.TrainStep()).ToList();
            first.SaveCheckpoint(path);
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + ".*.tmp"));

            using var secondModel = new TigerModel(modelConfig, seed: 999);          // different weights until loaded
            using var second = new TigerTrainer(secondModel, tokenizer, examples, config);
            second.LoadCheckpoint(path);
            Assert.Equal(2, second.Step);
            resumedLosses.AddRange(Enumerable.Range(0, 2).Select(_ => second.TrainStep()));
            using (var inference = TigerCheckpoint.LoadModel(path))                   // model-only load for inference
                Assert.Equal(Flatten(firstModel), Flatten(inference));

            Assert.Equal(4, second.Step);
            for (var i = 0; i < 4; i++) Assert.Equal(straightLosses[i], resumedLosses[i], 6);
            Assert.NotEqual(straightLosses[0], straightLosses[3], 3);                // it did train
            var a = Flatten(straightModel);
            var b = Flatten(secondModel);
            Assert.Equal(a.Length, b.Length);
            Assert.True(a.Zip(b, (x, y) => Math.Abs(x - y)).Max() <= 1e-6);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_checkpoint_for_another_configuration_or_a_truncated_file_is_refused()
    {
        var (tokenizer, examples) = Synthetic();
        var config = new TigerTrainerConfig(BatchSize: 12, Seed: 17);
        var path = Path.Combine(Path.GetTempPath(), $"genrec-tiger-{Guid.NewGuid():N}.ckpt");
        try
        {
            using var model = new TigerModel(TinyTiger.Config(tokenizer.VocabularySize), 1);
            using var trainer = new TigerTrainer(model, tokenizer, examples, config);
            trainer.TrainStep();
            trainer.SaveCheckpoint(path);

            using var other = new TigerTrainer(model, tokenizer, examples, config with { LearningRate = 0.5 });
            Assert.Contains(path, Assert.Throws<InvalidDataException>(() => other.LoadCheckpoint(path)).Message);
            using var otherData = new TigerTrainer(model, tokenizer, examples.Take(20).ToList(), config);
            Assert.Contains("different examples", Assert.Throws<InvalidDataException>(() => otherData.LoadCheckpoint(path)).Message);

            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(path)).Message);
            Assert.Equal(1, trainer.Step);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_non_finite_loss_throws_and_leaves_the_parameters_untouched()
    {
        var (tokenizer, examples) = Synthetic();
        using var model = new TigerModel(TinyTiger.Config(tokenizer.VocabularySize), 1);
        using var trainer = new TigerTrainer(model, tokenizer, examples, new TigerTrainerConfig(BatchSize: 30, LearningRate: 1e-2, WarmupSteps: 1));
        trainer.TrainStep();
        var gain = model.named_parameters().First(p => p.name.EndsWith("finalNorm.weight")).parameter;
        using (no_grad()) gain[0] = tensor(float.NaN);                                  // poison one value
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        var error = Assert.Throws<TigerTrainingDivergedException>(() => trainer.TrainStep());
        Assert.Contains("step 2", error.Message);
        Assert.Equal(1, trainer.Step);
        var after = model.parameters().ToList();
        for (var i = 0; i < after.Count; i++)
            Assert.True(after[i].eq(before[i]).logical_or(before[i].isnan()).all().item<bool>());   // nothing updated
    }

    [Fact]
    public void Without_clipping_a_step_updates_the_parameters_like_an_unclipped_optimizer()
    {
        // GradientClipNorm 0 means "no clipping"; a step must run (LibTorch takes max_norm as a float) and
        // update exactly as much as with a clip norm far above the gradient norm.
        var (tokenizer, examples) = Synthetic();
        var config = new TigerTrainerConfig(BatchSize: 30, LearningRate: 1e-2, WarmupSteps: 1, GradientClipNorm: 0, Seed: 3);
        using var unclipped = new TigerModel(TinyTiger.Config(tokenizer.VocabularySize), 4);
        using var loose = new TigerModel(TinyTiger.Config(tokenizer.VocabularySize), 4);
        using (var trainer = new TigerTrainer(unclipped, tokenizer, examples, config)) Assert.True(double.IsFinite(trainer.TrainStep()));
        using (var trainer = new TigerTrainer(loose, tokenizer, examples, config with { GradientClipNorm = 1e6 })) trainer.TrainStep();
        foreach (var (a, b) in unclipped.parameters().Zip(loose.parameters()))
            Assert.True(a.allclose(b, rtol: 1e-5, atol: 1e-7));
    }

    [Fact]
    public void A_tiny_model_learns_a_deterministic_next_item_rule_to_recall_at_1_of_1()
    {
        var (tokenizer, examples) = Synthetic();
        using var model = new TigerModel(TinyTiger.Config(tokenizer.VocabularySize), 3);
        using var trainer = new TigerTrainer(model, tokenizer, examples,
            new TigerTrainerConfig(BatchSize: 30, LearningRate: 1e-2, WarmupSteps: 20, WeightDecay: 0, Seed: 5));
        var losses = Enumerable.Range(0, 300).Select(_ => trainer.TrainStep()).ToList();
        Assert.True(losses[^1] < 0.1 * losses[0], $"loss {losses[0]:F3} → {losses[^1]:F3}");

        var sources = examples.Select(e => tokenizer.EncodeHistory(e.History)).ToList();
        var top = new ConstrainedBeamSearch(model, tokenizer).Search(sources, new BeamSearchOptions(BeamWidth: 5, TopK: 1));
        var recallAt1 = examples.Select((e, i) => GenRec.Evaluation.RankingMetrics.Recall(top.Users[i].ItemIds, e.Target, 1)).Average();
        Assert.Equal(1.0, recallAt1);
    }

    [Fact]
    public void Fit_validates_keeps_the_best_state_and_stops_when_patience_runs_out()
    {
        var (tokenizer, examples) = Synthetic();
        var dir = Directory.CreateTempSubdirectory("genrec-tiger-fit-");
        try
        {
            // learning rate 0: validation never improves after the first one → stop after 1 + patience validations
            using var frozenModel = new TigerModel(TinyTiger.Config(tokenizer.VocabularySize), 2);
            using var frozen = new TigerTrainer(frozenModel, tokenizer, examples, new TigerTrainerConfig(BatchSize: 10, LearningRate: 0));
            var lines = new List<string>();
            var stopped = frozen.Fit(new TigerFitOptions(MaxSteps: 1000, EvalEvery: 5, Patience: 2, CheckpointDirectory: dir.FullName), examples, lines.Add);
            Assert.True(stopped.StoppedEarly);
            Assert.Equal(15, stopped.Steps);
            Assert.Equal([5, 10, 15], stopped.Validations.Select(v => v.Step));
            Assert.Equal(5, stopped.BestStep);
            Assert.Equal(3, lines.Count);
            Assert.True(File.Exists(Path.Combine(dir.FullName, "best.ckpt")));
            Assert.True(File.Exists(Path.Combine(dir.FullName, "last.ckpt")));

            // learning: the best validated state is restored at the end and scores what was recorded
            using var model = new TigerModel(TinyTiger.Config(tokenizer.VocabularySize), 2);
            using var trainer = new TigerTrainer(model, tokenizer, examples,
                new TigerTrainerConfig(BatchSize: 30, LearningRate: 1e-2, WarmupSteps: 10, WeightDecay: 0, Seed: 8));
            var fit = trainer.Fit(new TigerFitOptions(MaxSteps: 60, EvalEvery: 20, Patience: 10), examples);
            Assert.False(fit.StoppedEarly);
            Assert.Equal(60, fit.Steps);
            Assert.Equal(60, fit.Losses.Count);
            var best = fit.Validations.Single(v => v.Step == fit.BestStep);
            Assert.Equal(fit.Validations.Max(v => v.Metrics.Recall10), best.Metrics.Recall10);
            var (now, _) = TigerValidation.Evaluate(model, tokenizer, examples);
            Assert.Equal(best.Metrics, now);
        }
        finally { dir.Delete(recursive: true); }
    }
}
