using GenRec.Tiger;

namespace GenRec.Tests.Tiger;

public class TrainingScheduleTests
{
    [Theory]
    // peak 0.01, warm-up 100: linear up to step 100, then 0.01 · sqrt(100 / step)
    [InlineData(1, 1e-4)]          // 0.01 · 1/100
    [InlineData(50, 5e-3)]         // 0.01 · 50/100
    [InlineData(100, 1e-2)]
    [InlineData(400, 5e-3)]        // 0.01 · sqrt(1/4)
    [InlineData(10000, 1e-3)]      // 0.01 · sqrt(1/100)
    public void Inverse_square_root_schedule_matches_hand_values(int step, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.InverseSquareRoot(step, 0.01, 100), 12);

    [Fact]
    public void Without_warm_up_the_rate_decays_from_the_first_step()
    {
        Assert.Equal(0.01, LearningRateSchedule.InverseSquareRoot(1, 0.01, 0), 12);
        Assert.Equal(0.005, LearningRateSchedule.InverseSquareRoot(4, 0.01, 0), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.InverseSquareRoot(0, 0.01, 10));
    }

    [Fact]
    public void Bucketed_batches_hold_neighbouring_lengths_and_cover_every_example_once()
    {
        int[] lengths = [12, 1, 7, 3, 10, 5, 2, 9, 4, 11, 6, 8];     // a permutation of 1..12
        var plan = BatchPlanner.Plan(lengths, batchSize: 4, bucketByLength: true, seed: 3, epoch: 0);
        Assert.Equal(3, plan.Length);
        Assert.Equal(Enumerable.Range(0, 12), plan.SelectMany(b => b).Order());
        // sorted by length and cut into fours: {1..4}, {5..8}, {9..12}, in shuffled batch order
        var groups = plan.Select(b => b.Select(i => lengths[i]).Order().ToArray()).OrderBy(g => g[0]).ToList();
        Assert.Equal([1, 2, 3, 4], groups[0]);
        Assert.Equal([5, 6, 7, 8], groups[1]);
        Assert.Equal([9, 10, 11, 12], groups[2]);
        // padding: each batch pads to its max → (4−1)+(4−2)+(4−3)+0 = 6 per batch, 18 in all
        Assert.Equal(18, BatchPlanner.PaddingTokens(lengths, plan));
    }

    [Fact]
    public void Plans_are_reproducible_per_seed_and_epoch_and_bucketing_cuts_padding()
    {
        var random = new Random(4);
        var lengths = Enumerable.Range(0, 1000).Select(_ => 1 + 4 * random.Next(1, 21)).ToArray();
        var a = BatchPlanner.Plan(lengths, 64, bucketByLength: false, seed: 1, epoch: 2);
        var b = BatchPlanner.Plan(lengths, 64, bucketByLength: false, seed: 1, epoch: 2);
        var c = BatchPlanner.Plan(lengths, 64, bucketByLength: false, seed: 1, epoch: 3);
        Assert.Equal(a.SelectMany(x => x), b.SelectMany(x => x));
        Assert.NotEqual(a.SelectMany(x => x), c.SelectMany(x => x));
        Assert.Equal(16, a.Length);                                   // ⌈1000 / 64⌉, last batch of 40
        Assert.Equal(40, a[^1].Length);
        var bucketed = BatchPlanner.Plan(lengths, 64, bucketByLength: true, seed: 1, epoch: 2);
        Assert.True(BatchPlanner.PaddingTokens(lengths, bucketed) * 5 < BatchPlanner.PaddingTokens(lengths, a));
    }

    [Fact]
    public void Derived_seeds_differ_by_stream_and_counter_and_are_stable()
    {
        Assert.Equal(SeedMixer.Derive(42, 1, 7), SeedMixer.Derive(42, 1, 7));
        Assert.NotEqual(SeedMixer.Derive(42, 1, 7), SeedMixer.Derive(42, 2, 7));
        Assert.NotEqual(SeedMixer.Derive(42, 1, 7), SeedMixer.Derive(42, 1, 8));
        Assert.NotEqual(SeedMixer.Derive(42, 1, 7), SeedMixer.Derive(43, 1, 7));
    }
}
