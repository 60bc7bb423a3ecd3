// Diagnostics of a code assignment (N items × L levels): how much of each codebook is used, how evenly
// (entropy, perplexity), how many items end up with a tuple of their own, and how codes of two levels
// co-occur. Pure functions on int[,] / long[,] (row = item, column = level) so notebooks can call them on
// any semantic IDs.
namespace GenRec.Quantization;

/// <summary>Codebook usage and collision statistics.</summary>
public static class CodebookMetrics
{
    /// <summary>(L, K) counts: how many items took code k at level l.</summary>
    public static long[,] UsageHistogram(int[,] codes, int codebookSize)
    {
        Check(codes, codebookSize);
        int n = codes.GetLength(0), levels = codes.GetLength(1);
        var counts = new long[levels, codebookSize];
        for (int i = 0; i < n; i++)
            for (int l = 0; l < levels; l++)
                counts[l, codes[i, l]]++;
        return counts;
    }

    /// <summary>Per level: fraction of the K codes used by at least one item.</summary>
    public static double[] UsagePerLevel(int[,] codes, int codebookSize)
    {
        var h = UsageHistogram(codes, codebookSize);
        return Enumerable.Range(0, h.GetLength(0))
            .Select(l => Enumerable.Range(0, codebookSize).Count(k => h[l, k] > 0) / (double)codebookSize).ToArray();
    }

    /// <summary>Per level: Shannon entropy of the code distribution over items, in nats (natural log).</summary>
    public static double[] EntropyNats(int[,] codes, int codebookSize)
    {
        var h = UsageHistogram(codes, codebookSize);
        int n = codes.GetLength(0);
        var result = new double[h.GetLength(0)];
        for (int l = 0; l < result.Length; l++)
        {
            double e = 0;
            for (int k = 0; k < codebookSize; k++)
            {
                if (h[l, k] == 0) continue;
                double p = h[l, k] / (double)n;
                e -= p * Math.Log(p);
            }
            result[l] = e;
        }
        return result;
    }

    /// <summary>Per level: entropy in bits (log base 2); log2(K) means perfectly even use.</summary>
    public static double[] EntropyBits(int[,] codes, int codebookSize) =>
        EntropyNats(codes, codebookSize).Select(e => e / Math.Log(2)).ToArray();

    /// <summary>Per level: perplexity exp(entropy) — the "effective number of codes" (K when perfectly even).</summary>
    public static double[] Perplexity(int[,] codes, int codebookSize) =>
        EntropyNats(codes, codebookSize).Select(Math.Exp).ToArray();

    /// <summary>Sizes of the groups of items sharing one full tuple (one entry per distinct tuple).</summary>
    public static int[] TupleGroupSizes(int[,] codes)
    {
        int n = codes.GetLength(0), levels = codes.GetLength(1);
        var groups = new Dictionary<TupleKey, int>();
        for (int i = 0; i < n; i++)
        {
            var key = TupleKey.Of(codes, i, levels);
            groups[key] = groups.GetValueOrDefault(key) + 1;
        }
        return groups.Values.ToArray();
    }

    /// <summary>Fraction of items whose full tuple no other item shares (items needing no de-dup suffix).</summary>
    public static double UniqueItemFraction(int[,] codes)
    {
        int n = codes.GetLength(0);
        return n == 0 ? 0 : TupleGroupSizes(codes).Where(s => s == 1).Sum() / (double)n;
    }

    /// <summary>Distinct tuples ÷ items (≥ <see cref="UniqueItemFraction(int[,])"/>; a pair sharing a tuple counts once).</summary>
    public static double DistinctTupleFraction(int[,] codes)
    {
        int n = codes.GetLength(0);
        return n == 0 ? 0 : TupleGroupSizes(codes).Length / (double)n;
    }

    /// <summary>Size (item count) of the largest group of items sharing one tuple; 1 when all are unique.</summary>
    public static int MaxDuplicates(int[,] codes) => codes.GetLength(0) == 0 ? 0 : TupleGroupSizes(codes).Max();

    /// <summary><see cref="MaxDuplicates(int[,])"/> ÷ N.</summary>
    public static double MaxDuplicateFraction(int[,] codes) =>
        codes.GetLength(0) == 0 ? 0 : MaxDuplicates(codes) / (double)codes.GetLength(0);

    /// <summary>(K, K) counts of items with code a at <paramref name="levelA"/> and code b at <paramref name="levelB"/>.</summary>
    public static long[,] CoOccurrence(int[,] codes, int levelA, int levelB, int codebookSize)
    {
        Check(codes, codebookSize);
        int levels = codes.GetLength(1);
        if (levelA < 0 || levelA >= levels || levelB < 0 || levelB >= levels)
            throw new ArgumentOutOfRangeException(nameof(levelA), $"levels must be in [0, {levels}), got {levelA} and {levelB}.");
        var m = new long[codebookSize, codebookSize];
        for (int i = 0; i < codes.GetLength(0); i++) m[codes[i, levelA], codes[i, levelB]]++;
        return m;
    }

    /// <summary>long[,] codes (e.g. from a tensor) as int[,]; throws if a code does not fit an int.</summary>
    public static int[,] ToInt(long[,] codes)
    {
        var r = new int[codes.GetLength(0), codes.GetLength(1)];
        for (int i = 0; i < codes.GetLength(0); i++)
            for (int l = 0; l < codes.GetLength(1); l++)
                r[i, l] = checked((int)codes[i, l]);
        return r;
    }

    public static long[,] UsageHistogram(long[,] codes, int codebookSize) => UsageHistogram(ToInt(codes), codebookSize);
    public static double[] UsagePerLevel(long[,] codes, int codebookSize) => UsagePerLevel(ToInt(codes), codebookSize);
    public static double[] EntropyNats(long[,] codes, int codebookSize) => EntropyNats(ToInt(codes), codebookSize);
    public static double[] EntropyBits(long[,] codes, int codebookSize) => EntropyBits(ToInt(codes), codebookSize);
    public static double[] Perplexity(long[,] codes, int codebookSize) => Perplexity(ToInt(codes), codebookSize);
    public static double UniqueItemFraction(long[,] codes) => UniqueItemFraction(ToInt(codes));
    public static double DistinctTupleFraction(long[,] codes) => DistinctTupleFraction(ToInt(codes));
    public static int MaxDuplicates(long[,] codes) => MaxDuplicates(ToInt(codes));
    public static double MaxDuplicateFraction(long[,] codes) => MaxDuplicateFraction(ToInt(codes));
    public static long[,] CoOccurrence(long[,] codes, int levelA, int levelB, int codebookSize) => CoOccurrence(ToInt(codes), levelA, levelB, codebookSize);

    private static void Check(int[,] codes, int codebookSize)
    {
        if (codebookSize < 1) throw new ArgumentOutOfRangeException(nameof(codebookSize), codebookSize, "must be ≥ 1");
        for (int i = 0; i < codes.GetLength(0); i++)
            for (int l = 0; l < codes.GetLength(1); l++)
                if ((uint)codes[i, l] >= (uint)codebookSize)
                    throw new ArgumentOutOfRangeException(nameof(codes), $"code {codes[i, l]} of item row {i}, level {l} is outside [0, {codebookSize}).");
    }
}

/// <summary>Hashable value of one row of a code matrix (up to any number of levels).</summary>
internal readonly record struct TupleKey(string Value)
{
    public static TupleKey Of(int[,] codes, int row, int levels)
    {
        var parts = new int[levels];
        for (int l = 0; l < levels; l++) parts[l] = codes[row, l];
        return new TupleKey(string.Join(',', parts));
    }
}
