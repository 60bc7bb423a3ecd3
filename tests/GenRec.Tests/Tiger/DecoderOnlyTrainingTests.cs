// The decoder-only variant's training data and objective, checked by hand: windows of a long training
// sequence, labels (BOS after a user token and a window's context-only first item masked), the loss equal to
// a cross-entropy computed independently, and a tiny model that learns a deterministic next-item rule. The
// learning-rate shapes (cosine, constant) are checked against hand values.
using GenRec.Tiger;
using static TorchSharp.torch;

namespace GenRec.Tests.Tiger;

public class DecoderOnlyTrainingTests
{
    [Fact]
    public void Long_sequences_are_cut_from_the_end_into_windows_that_share_one_context_item()
    {
        var windows = ItemWindows.FromTrainingSequences([(7, [1, 2, 3, 4, 5, 6, 7, 8]), (8, [9, 10]), (9, [11])], maxItems: 3);
        // user 7: last window [5..8] (4 = maxItems + 1 items), then [2..5] sharing item 5, then [1, 2] from the start
        Assert.Equal([[5, 6, 7, 8], [2, 3, 4, 5], [1, 2], [9, 10]], windows.Select(w => w.Items));
        Assert.Equal([false, false, true, true], windows.Select(w => w.StartsSequence));
        Assert.Equal([7, 7, 7, 8], windows.Select(w => w.UserId));   // user 9's single item has nothing to predict
    }

    [Fact]
    public void Labels_are_the_next_tokens_with_the_user_tokens_bos_and_a_context_items_tokens_masked()
    {
        // row [user, BOS, a0 a1, b0 b1] with 2 levels
        int[] row = [50, 2, 10, 20, 11, 21];
        Assert.Equal([10, 20, 11, 21], DecoderOnlyObjective.Labels([2, 10, 20, 11, 21], withUserToken: false, startsSequence: true, levels: 2));
        Assert.Equal([0, 10, 20, 11, 21], DecoderOnlyObjective.Labels(row, withUserToken: true, startsSequence: true, levels: 2));
        Assert.Equal([0, 0, 0, 11, 21], DecoderOnlyObjective.Labels(row, withUserToken: true, startsSequence: false, levels: 2));
        Assert.Equal([0, 0, 11, 21], DecoderOnlyObjective.Labels([2, 10, 20, 11, 21], withUserToken: false, startsSequence: false, levels: 2));
    }

    [Fact]
    public void The_loss_is_the_mean_cross_entropy_over_the_unmasked_next_tokens()
    {
        var tokenizer = TinyTiger.Tokenizer(itemCount: 20, seed: 3);
        using var model = new DecoderOnlyModel(DecoderOnlyModelTests.Config(tokenizer.VocabularySize), seed: 2);
        var windows = new List<ItemWindow> { new(1, [3, 4, 5], true), new(2, [6, 7], false) };
        var objective = new DecoderOnlyObjective(model, tokenizer, windows, useUserToken: false);
        model.eval();
        var (loss, targets) = objective.Loss([0, 1]);
        Assert.Equal(3 * 3 + 1 * 3, targets);   // window 0: all 3 items × 3 levels; window 1: its second item only
        Assert.Equal(targets, objective.TargetTokens);

        // independently: log-softmax of each row's own forward pass, summed over the labels by hand
        double sum = 0;
        var count = 0;
        foreach (var w in windows)
        {
            var row = tokenizer.EncodeSequence(w.Items, w.Items.Length);
            var labels = DecoderOnlyObjective.Labels(row, false, w.StartsSequence, tokenizer.Levels);
            using var logProbs = model.forward(tensor(row[..^1].Select(t => (long)t).ToArray(), [1, row.Length - 1])).log_softmax(-1);
            for (var j = 0; j < labels.Length; j++)
                if (labels[j] != SemanticIdTokenizer.Pad) { sum -= logProbs[0, j, labels[j]].item<float>(); count++; }
        }
        Assert.Equal(sum / count, loss.item<float>(), 4);
    }

    [Fact]
    public void A_tiny_decoder_only_model_learns_a_deterministic_next_item_rule_to_recall_at_1_of_1()
    {
        // items 1..12; each user's sequence walks item → item + 1 (mod 12): the next item is always determined
        var tokenizer = TinyTiger.Tokenizer(itemCount: 12, seed: 4);
        var sequences = Enumerable.Range(0, 24).Select(u => (u, (IReadOnlyList<int>)Enumerable.Range(0, 4 + u % 3).Select(i => (u + i) % 12 + 1).ToArray())).ToList();
        var windows = ItemWindows.FromTrainingSequences(sequences, maxItems: 20);
        using var model = new DecoderOnlyModel(DecoderOnlyModelTests.Config(tokenizer.VocabularySize), seed: 3);
        using var trainer = new TigerTrainer(model, tokenizer, new DecoderOnlyObjective(model, tokenizer, windows, false),
            new TigerTrainerConfig(BatchSize: 24, LearningRate: 1e-2, WarmupSteps: 20, WeightDecay: 0, Seed: 5));
        var losses = Enumerable.Range(0, 300).Select(_ => trainer.TrainStep()).ToList();
        Assert.True(losses[^1] < 0.3 * losses[0], $"loss {losses[0]:F3} → {losses[^1]:F3}");

        var histories = Enumerable.Range(1, 12).Select(i => new[] { i, i % 12 + 1 }).ToList();   // last item i % 12 + 1 → next (i + 1) % 12 + 1
        var top = new ConstrainedBeamSearch(model, tokenizer).Search(histories.Select(h => model.EncodeSource(tokenizer, h, 20, null)).ToList(),
            new BeamSearchOptions(BeamWidth: 5, TopK: 1));
        var recallAt1 = histories.Select((h, i) => GenRec.Evaluation.RankingMetrics.Recall(top.Users[i].ItemIds, h[^1] % 12 + 1, 1)).Average();
        Assert.Equal(1.0, recallAt1);
    }

    [Theory]
    // peak 0.01, warm-up 10, horizon 110, floor 0.1 · peak: linear to step 10, then half a cosine from 0.01 to 0.001
    [InlineData(5, 0.005)]
    [InlineData(10, 0.01)]
    [InlineData(60, 0.0055)]       // halfway: floor + (peak − floor) · ½
    [InlineData(110, 0.001)]
    [InlineData(500, 0.001)]       // stays at the floor after the horizon
    public void Cosine_schedule_matches_hand_values(int step, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.Cosine(step, 0.01, 10, 110, 0.1), 12);

    [Fact]
    public void Constant_schedule_warms_up_then_holds_and_the_config_picks_the_shape()
    {
        Assert.Equal(0.002, LearningRateSchedule.Constant(1, 0.01, 5), 12);
        Assert.Equal(0.01, LearningRateSchedule.Constant(1000, 0.01, 5), 12);
        var cosine = new TigerTrainerConfig(LearningRate: 0.01, WarmupSteps: 10, Schedule: ScheduleShapes.Cosine, ScheduleSteps: 110);
        Assert.Equal(LearningRateSchedule.Cosine(37, 0.01, 10, 110), LearningRateSchedule.Rate(37, cosine), 15);
        Assert.Equal(LearningRateSchedule.InverseSquareRoot(37, 0.01, 10), LearningRateSchedule.Rate(37, cosine with { Schedule = ScheduleShapes.InverseSquareRoot }), 15);
        Assert.Throws<ArgumentException>(() => (cosine with { ScheduleSteps = 5 }).Validate());   // horizon inside warm-up
    }
}
