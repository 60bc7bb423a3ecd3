// Summary statistics of a dataset as reported in TIGER's Table (users, items, interactions, sequence
// lengths) plus a few that help when reading the notebooks (median, 90th percentile, density).
using System.Globalization;

namespace GenRec.Data;

/// <summary>
/// Size and sequence-length statistics of a dataset. Percentiles use linear interpolation between the
/// closest ranks (NumPy's default), so the median of an even count is the mean of the middle two.
/// </summary>
public sealed record DatasetStatistics(
    string Name,
    int Users,
    int Items,
    long Interactions,
    int MinLength,
    int MaxLength,
    double MeanLength,
    double MedianLength,
    double P90Length,
    double AverageItemsPerUser,
    double AverageInteractionsPerItem,
    double Density)
{
    /// <summary>Computes the statistics of a loaded dataset.</summary>
    public static DatasetStatistics Compute(AmazonDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Sequences.Count == 0) throw new ArgumentException("The dataset has no sequences.", nameof(dataset));
        var lengths = dataset.Sequences.Select(s => s.Items.Length).Order().ToArray();
        long interactions = lengths.Sum(l => (long)l);
        int users = dataset.Users.Count, items = dataset.Items.Count;
        // Distinct items per user: equals the mean length when no user repeats an item (true for
        // the three prepared datasets), but says something different on raw data with repeats.
        var distinctPerUser = dataset.Sequences.Average(s => (double)s.Items.Distinct().Count());
        return new DatasetStatistics(
            dataset.Name,
            users,
            items,
            interactions,
            lengths[0],
            lengths[^1],
            (double)interactions / lengths.Length,
            Percentile(lengths, 0.5),
            Percentile(lengths, 0.9),
            distinctPerUser,
            (double)interactions / items,
            interactions / ((double)users * items));
    }

    /// <summary>Percentile of already sorted values with linear interpolation (q in [0, 1]).</summary>
    public static double Percentile(IReadOnlyList<int> sorted, double q)
    {
        if (sorted.Count == 0) throw new ArgumentException("No values.", nameof(sorted));
        if (q is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(q), q, "q must be in [0, 1]");
        var rank = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (rank - lower) * (sorted[upper] - sorted[lower]);
    }

    private static CultureInfo Invariant => CultureInfo.InvariantCulture;

    /// <summary>(statistic, value) pairs in display order, formatted for tables and notebooks.</summary>
    public IReadOnlyList<(string Statistic, string Value)> Rows() =>
    [
        ("dataset", Name),
        ("users", Users.ToString("N0", Invariant)),
        ("items", Items.ToString("N0", Invariant)),
        ("interactions", Interactions.ToString("N0", Invariant)),
        ("sequence length min", MinLength.ToString(Invariant)),
        ("sequence length max", MaxLength.ToString(Invariant)),
        ("sequence length mean", MeanLength.ToString("F2", Invariant)),
        ("sequence length median", MedianLength.ToString("0.##", Invariant)),
        ("sequence length p90", P90Length.ToString("0.##", Invariant)),
        ("average items per user", AverageItemsPerUser.ToString("F2", Invariant)),
        ("average interactions per item", AverageInteractionsPerItem.ToString("F2", Invariant)),
        ("density", Density.ToString("P4", Invariant)),
    ];
}
