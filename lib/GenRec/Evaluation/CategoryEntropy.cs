// Entropy@K of the categories of a recommendation list (Rajput et al., NeurIPS 2023, §4.4, diversity): the
// Shannon entropy, in nats (natural log), of the category distribution of the first K recommended items,
// averaged over users. A list from one category scores 0; K items from K different categories score ln K.
// Items without a category at the chosen level are left out of the distribution (they carry no category to
// be diverse in); a user whose first K items have none contributes 0.
namespace GenRec.Evaluation;

/// <summary>Entropy@K of recommended items' categories.</summary>
public static class CategoryEntropy
{
    /// <summary>Entropy (nats) of the categories of the first <paramref name="k"/> items of <paramref name="ranked"/>.</summary>
    public static double AtK(IReadOnlyList<int> ranked, Func<int, string?> category, int k)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(category);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "K must be at least 1.");
        var counts = new Dictionary<string, int>();
        foreach (var item in ranked.Take(k))
            if (category(item) is { } c) counts[c] = counts.GetValueOrDefault(c) + 1;
        var n = counts.Values.Sum();
        return n == 0 ? 0 : -counts.Values.Sum(c => c / (double)n * Math.Log(c / (double)n));
    }

    /// <summary>Mean Entropy@<paramref name="k"/> over users' lists (0 users: NaN).</summary>
    public static double Mean(IEnumerable<IReadOnlyList<int>> lists, Func<int, string?> category, int k)
    {
        ArgumentNullException.ThrowIfNull(lists);
        var values = lists.Select(l => AtK(l, category, k)).ToList();
        return values.Count == 0 ? double.NaN : values.Average();
    }
}
