// The deterministic parts of TIGER's training loop that are not tensors:
//  * learning rate: linear warm-up to the peak, then one of three shapes — inverse-square-root decay (the T5 /
//    "Attention Is All You Need" schedule; TIGER trains with a constant rate for 10k steps then inverse-sqrt
//    decay), cosine decay to a floor at a fixed horizon (what short budgets usually prefer: the rate anneals
//    to the floor exactly when training ends), or constant;
//  * seeds: every random choice is derived from (run seed, purpose, counter) with SplitMix64, so resuming
//    at step n reproduces exactly what an uninterrupted run does at step n — no hidden RNG state to save;
//  * length bucketing: examples of similar source length share a batch, which cuts padding (Beauty's
//    histories average ≈ 25 tokens against a maximum of 81), and the order of batches is shuffled.
namespace GenRec.Tiger;

/// <summary>Learning-rate schedule shapes (after linear warm-up), as named in configs.</summary>
public static class ScheduleShapes
{
    public const string InverseSquareRoot = "inverse-sqrt", Cosine = "cosine", Constant = "constant";
    public static IReadOnlyList<string> All { get; } = [InverseSquareRoot, Cosine, Constant];
}

/// <summary>Learning-rate schedules.</summary>
public static class LearningRateSchedule
{
    /// <summary>Rate of the <paramref name="step"/>-th update (1-based) under <paramref name="config"/>'s schedule.</summary>
    public static double Rate(long step, TigerTrainerConfig config) => config.Schedule switch
    {
        ScheduleShapes.InverseSquareRoot => InverseSquareRoot(step, config.LearningRate, config.WarmupSteps),
        ScheduleShapes.Cosine => Cosine(step, config.LearningRate, config.WarmupSteps, config.ScheduleSteps, config.MinLearningRateFraction),
        ScheduleShapes.Constant => Constant(step, config.LearningRate, config.WarmupSteps),
        _ => throw new ArgumentException($"Unknown schedule \"{config.Schedule}\": expected {string.Join(", ", ScheduleShapes.All)}."),
    };

    /// <summary>peak · step / warmup during warm-up, then peak.</summary>
    public static double Constant(long step, double peak, int warmupSteps)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "Steps are counted from 1.");
        return warmupSteps > 0 && step <= warmupSteps ? peak * step / warmupSteps : peak;
    }

    /// <summary>
    /// peak · step / warmup during warm-up; then from peak down to floor = peak · <paramref name="minFraction"/>
    /// along half a cosine, reaching the floor at step <paramref name="horizonSteps"/> and staying there.
    /// </summary>
    public static double Cosine(long step, double peak, int warmupSteps, int horizonSteps, double minFraction = 0)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "Steps are counted from 1.");
        if (horizonSteps <= warmupSteps) throw new ArgumentOutOfRangeException(nameof(horizonSteps), horizonSteps, $"The cosine horizon must be after warm-up ({warmupSteps}).");
        if (warmupSteps > 0 && step <= warmupSteps) return peak * step / warmupSteps;
        var progress = Math.Min(1.0, (step - warmupSteps) / (double)(horizonSteps - warmupSteps));
        var floor = peak * minFraction;
        return floor + (peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>
    /// Rate for the <paramref name="step"/>-th update (1-based): peak · step / warmup while step ≤ warmup,
    /// then peak · sqrt(warmup / step). With warmup 0 the rate is peak / sqrt(step).
    /// </summary>
    public static double InverseSquareRoot(long step, double peak, int warmupSteps)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "Steps are counted from 1.");
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "Warm-up must be ≥ 0.");
        if (warmupSteps == 0) return peak / Math.Sqrt(step);
        return step <= warmupSteps ? peak * step / warmupSteps : peak * Math.Sqrt(warmupSteps / (double)step);
    }
}

/// <summary>Derives independent, reproducible seeds from a run seed (SplitMix64 mixing).</summary>
public static class SeedMixer
{
    /// <summary>A 64-bit seed for (seed, stream, counter); different streams never share values by accident.</summary>
    public static long Derive(long seed, int stream, long counter)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xBF58476D1CE4E5B9UL + (ulong)counter * 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return unchecked((long)(z ^ (z >> 31)));
    }

    /// <summary>A non-negative 31-bit seed for <see cref="Random"/>.</summary>
    public static int DeriveInt(long seed, int stream, long counter) => (int)(Derive(seed, stream, counter) & int.MaxValue);
}

/// <summary>Splits examples into batches for one epoch.</summary>
public static class BatchPlanner
{
    /// <summary>
    /// Batches (lists of example indices) for <paramref name="epoch"/>. Without bucketing: a seeded shuffle
    /// cut into batches. With bucketing: a seeded shuffle, stably sorted by length (so equal lengths stay in
    /// random order), cut into batches of neighbours, and the batch order shuffled with the same seed.
    /// The last batch may be smaller. Same (lengths, batch size, flag, seed, epoch) → same plan.
    /// </summary>
    public static int[][] Plan(IReadOnlyList<int> lengths, int batchSize, bool bucketByLength, long seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be ≥ 1.");
        if (lengths.Count == 0) return [];
        var random = new Random(SeedMixer.DeriveInt(seed, stream: 1, epoch));
        var order = Enumerable.Range(0, lengths.Count).ToArray();
        random.Shuffle(order);
        if (bucketByLength) order = [.. order.OrderBy(i => lengths[i])];   // OrderBy is stable
        var batches = order.Chunk(batchSize).ToArray();
        if (bucketByLength) random.Shuffle(batches);
        return batches;
    }

    /// <summary>Padding positions a plan produces (padded tokens − real tokens), to compare plans.</summary>
    public static long PaddingTokens(IReadOnlyList<int> lengths, IEnumerable<int[]> batches) =>
        batches.Sum(batch => (long)batch.Length * batch.Max(i => lengths[i]) - batch.Sum(i => (long)lengths[i]));
}
