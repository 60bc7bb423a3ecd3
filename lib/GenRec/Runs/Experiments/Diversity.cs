// "Diversity by temperature" (Rajput et al., NeurIPS 2023, §4.4, Beauty, Entropy@10 / @20 / @50 of the ground-truth
// categories of the recommended items: T = 1.0 → .76 / 1.14 / 1.70; T = 1.5 → 1.14 / 1.52 / 2.06; T = 2.0 →
// 1.38 / 1.76 / 2.28). The run's trained model recommends by seeded temperature sampling over valid IDs
// (TemperatureSampler: a user's list is its first distinct draws) instead of beam search; for each temperature
// the experiment reports Entropy@10/20/50 (CategoryEntropy, nats) and Recall@10 of the sampled lists.
// Category level: an item's category is the entry at depth CategoryLevel (default 1, 0-based) of its FIRST
// category path in items.jsonl — for Beauty the level under the top-level "Beauty": "Makeup", "Skin Care",
// "Hair Care", "Fragrance", "Tools & Accessories", … (the paper does not say which level it used).
using GenRec.Data;
using GenRec.Evaluation;
using GenRec.Tiger;

namespace GenRec.Runs.Experiments;

/// <summary>Settings of the diversity experiment.</summary>
/// <param name="Temperatures">Sampling temperatures.</param>
/// <param name="Ks">Entropy cut-offs (the largest is the number of distinct items drawn per user).</param>
/// <param name="CategoryLevel">Depth in the item's first category path (0: the top level, e.g. "Beauty").</param>
/// <param name="Users">Test users (seeded subset; ≤ 0: all).</param>
/// <param name="RowsPerRound">Samples per user per decoding pass.</param>
/// <param name="MaxRounds">Passes before a user's list is left shorter than the largest K.</param>
/// <param name="BatchSize">Users decoded together.</param>
public sealed record DiversityConfig(
    IReadOnlyList<double>? Temperatures = null, IReadOnlyList<int>? Ks = null, int CategoryLevel = 1, int Users = 0,
    int RowsPerRound = 64, int MaxRounds = 4, int BatchSize = 32)
{
    /// <summary>The temperatures that run: <see cref="Temperatures"/>, else the paper's 1.0, 1.5, 2.0.</summary>
    public IReadOnlyList<double> ResolvedTemperatures => Temperatures ?? [1.0, 1.5, 2.0];
    /// <summary>The cut-offs: <see cref="Ks"/>, else the paper's 10, 20, 50.</summary>
    public IReadOnlyList<int> ResolvedKs => Ks ?? [10, 20, 50];
}

/// <summary>One temperature.</summary>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="Entropy">Entropy@K (nats) per K ("10" → value).</param>
/// <param name="Recall10">Recall@10 of the sampled lists.</param>
/// <param name="MeanItems">Mean number of distinct items per user (below the largest K when sampling ran out of rounds).</param>
/// <param name="Paper">The paper's Entropy@K for this temperature (Beauty), when it has them.</param>
public sealed record DiversityRow(
    double Temperature,
    IReadOnlyDictionary<string, double> Entropy,
    [property: System.Text.Json.Serialization.JsonPropertyName("recall@10")] double Recall10,
    double MeanItems,
    IReadOnlyDictionary<string, double>? Paper);

/// <summary>experiments/diversity.json.</summary>
public sealed record DiversityResult(string Experiment, string Dataset, string Checkpoint, int Users, int CategoryLevel, string CategoryRule,
    IReadOnlyList<string> Categories, long Seed, IReadOnlyList<DiversityRow> Rows, string PaperSource);

/// <summary>Runs the diversity experiment.</summary>
public static class Diversity
{
    /// <summary>Experiment name (CLI and file name).</summary>
    public const string Name = "diversity";

    /// <summary>Where the paper's numbers are published.</summary>
    public const string PaperSource = "Rajput et al., NeurIPS 2023, §4.4 (Amazon Beauty, Entropy@10/20/50)";

    /// <summary>The paper's Beauty Entropy@10/20/50 per temperature.</summary>
    public static IReadOnlyDictionary<double, IReadOnlyDictionary<string, double>> PaperBeauty { get; } = new Dictionary<double, IReadOnlyDictionary<string, double>>
    {
        [1.0] = new Dictionary<string, double> { ["10"] = 0.76, ["20"] = 1.14, ["50"] = 1.70 },
        [1.5] = new Dictionary<string, double> { ["10"] = 1.14, ["20"] = 1.52, ["50"] = 2.06 },
        [2.0] = new Dictionary<string, double> { ["10"] = 1.38, ["20"] = 1.76, ["50"] = 2.28 },
    };

    /// <summary>
    /// The category of <paramref name="item"/> at depth <paramref name="level"/> of its first category path, or null
    /// when it has no path or the path is shorter.
    /// </summary>
    public static string? CategoryOf(Item item, int level)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Categories.Count > 0 && item.Categories[0].Count > level ? item.Categories[0][level] : null;
    }

    /// <summary>Samples the test users of <paramref name="tigerDirectory"/> at each temperature and measures their lists.</summary>
    public static DiversityResult Measure(string tigerDirectory, AmazonDataset dataset, DiversityConfig? config = null, string? device = null,
        Action<string>? log = null)
    {
        config ??= new DiversityConfig();
        if (config.CategoryLevel < 0) throw new ArgumentOutOfRangeException(nameof(config), config.CategoryLevel, "CategoryLevel must be ≥ 0.");
        using var run = TrainedTiger.Load(tigerDirectory, dataset, device);
        var users = ExperimentFiles.Users(run.Data.Test, config.Users, run.Config.Seed);
        var sources = run.Sources(users);
        var keys = users.Select(u => (long)u.UserId).ToList();
        var sampler = new TemperatureSampler(run.Model, run.Data.Tokenizer);
        string? Category(int item) => CategoryOf(dataset.GetItem(item), config.CategoryLevel);
        var ks = config.ResolvedKs;
        var beauty = string.Equals(dataset.Name, "beauty", StringComparison.OrdinalIgnoreCase);
        var rows = new List<DiversityRow>();
        foreach (var temperature in config.ResolvedTemperatures)
        {
            var lists = sampler.Sample(sources, keys, new SamplingOptions(temperature, ks.Max(), config.RowsPerRound, config.MaxRounds, config.BatchSize, run.Config.Seed));
            var entropy = ks.ToDictionary(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture), k => CategoryEntropy.Mean(lists, Category, k));
            var recall = users.Select((e, i) => RankingMetrics.Recall(lists[i], e.Target, 10)).Average();
            var row = new DiversityRow(temperature, entropy, recall, lists.Average(l => l.Length),
                beauty && PaperBeauty.TryGetValue(temperature, out var paper) ? paper : null);
            rows.Add(row);
            log?.Invoke($"T = {temperature}: " + string.Join(", ", entropy.Select(e => $"Entropy@{e.Key} {e.Value:F3}")) + $", Recall@10 {recall:F4}");
        }
        var categories = dataset.Items.Select(i => CategoryOf(i, config.CategoryLevel)).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var rule = $"depth {config.CategoryLevel} (0-based) of the item's first category path; items without one are left out of the entropy";
        return new DiversityResult(Name, dataset.Name, Path.GetRelativePath(run.Directory, run.Checkpoint), users.Count, config.CategoryLevel, rule,
            categories, run.Config.Seed, rows, PaperSource);
    }

    /// <summary>Runs (or reuses) the pipeline of <paramref name="options"/>, measures its tiger/ model and writes experiments/diversity.json.</summary>
    public static DiversityResult Run(PipelineOptions options, DiversityConfig? config = null, IProgress<PipelineProgress>? progress = null, Action<string>? log = null)
        => TrainedTiger.MeasurePipelineRun(options, Name, progress, (tigerDirectory, dataset) => Measure(tigerDirectory, dataset, config, options.Device, log));
}
