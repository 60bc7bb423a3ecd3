// "Cold start" (Rajput et al., NeurIPS 2023, §4.2, Figure 4): can TIGER recommend items it never saw in training?
// ColdStartSplit removes a seeded 5 % of the test items from the training data; stage 2 (the run's preset and
// semantic IDs) is trained on what is left into experiments/cold-start/tiger/. At inference, constrained beam
// search runs over the trie of ALL items, so beams can reach the unseen items through the semantic IDs stage 1
// gave their text; each beam also brings the unseen items sharing its code prefix (ColdStartRanking.Candidates),
// and the top K holds at most a share ε of unseen items (ColdStartRanking.Cap). The baseline is Semantic-KNN
// (SemanticKnn: nearest items to the history's mean embedding). Recall@K for several K and ε, on the test users
// whose target is an unseen item (the point of the study) and on all test users.
using GenRec.Data;
using GenRec.Evaluation;
using GenRec.Text;
using GenRec.Tiger;

namespace GenRec.Runs.Experiments;

/// <summary>Settings of the cold-start experiment.</summary>
/// <param name="ColdFraction">Share of the distinct test items held out (the paper's 5 %).</param>
/// <param name="Epsilons">Caps ε on the share of unseen items in a top K.</param>
/// <param name="Ks">Cut-offs of Recall@K (each ≤ the beam width).</param>
/// <param name="BeamWidth">Beams per user.</param>
/// <param name="Users">Test users (seeded subset; ≤ 0: all).</param>
/// <param name="BatchSize">Users decoded together.</param>
public sealed record ColdStartConfig(double ColdFraction = 0.05, IReadOnlyList<double>? Epsilons = null, IReadOnlyList<int>? Ks = null,
    int BeamWidth = 20, int Users = 0, int BatchSize = 128)
{
    /// <summary>ε values: <see cref="Epsilons"/>, else 0, 0.1 (the paper's), 0.2 and 0.5.</summary>
    public IReadOnlyList<double> ResolvedEpsilons => Epsilons ?? [0.0, 0.1, 0.2, 0.5];
    /// <summary>Cut-offs: <see cref="Ks"/>, else 1, 5, 10 and 20.</summary>
    public IReadOnlyList<int> ResolvedKs => Ks ?? [1, 5, 10, 20];
}

/// <summary>Recall@K ("10" → value) of one method on the cold-target users and on all test users.</summary>
/// <param name="Method">"TIGER" or "Semantic-KNN".</param>
/// <param name="Epsilon">The cap ε (null for the baseline, which has none).</param>
/// <param name="ColdTargets">Recall@K over test users whose target is unseen.</param>
/// <param name="AllUsers">Recall@K over all test users.</param>
/// <param name="ColdShare">Mean share of unseen items in the top max-K lists.</param>
public sealed record ColdStartRow(string Method, double? Epsilon, IReadOnlyDictionary<string, double> ColdTargets, IReadOnlyDictionary<string, double> AllUsers, double ColdShare);

/// <summary>experiments/cold-start.json.</summary>
public sealed record ColdStartResult(string Experiment, string Dataset, string TigerDirectory, IReadOnlyList<int> ColdItems, int DroppedUsers,
    int Users, int ColdTargetUsers, int BeamWidth, long Seed, SplitMetrics? ValidWarm, IReadOnlyList<ColdStartRow> Rows, string Paper);

/// <summary>Runs the cold-start experiment.</summary>
public static class ColdStart
{
    /// <summary>Experiment name (CLI and file name).</summary>
    public const string Name = "cold-start";

    /// <summary>What the paper reports, quoted beside the measured rows.</summary>
    public const string Paper = "Rajput et al., NeurIPS 2023, §4.2, Figure 4 (Beauty): 5 % of test items unseen in training; TIGER with ε = 0.1 above Semantic-KNN at every K";

    /// <summary>
    /// Measures a model trained on <paramref name="split"/> (its tiger/ folder <paramref name="tigerDirectory"/>) against
    /// Semantic-KNN on <paramref name="embeddings"/>.
    /// </summary>
    public static ColdStartResult Measure(string tigerDirectory, ColdStartSplit split, ItemEmbeddings embeddings, ColdStartConfig? config = null,
        string? device = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(split);
        config ??= new ColdStartConfig();
        var ks = config.ResolvedKs;
        if (ks.Any(k => k < 1 || k > config.BeamWidth)) throw new ArgumentException($"Every K must be in 1..{config.BeamWidth} (the beam width).");
        var maxK = ks.Max();
        using var run = TrainedTiger.Load(tigerDirectory, split.Training, device);
        var tokenizer = run.Data.Tokenizer;
        var users = ExperimentFiles.Users(run.Data.Test, config.Users, run.Config.Seed);
        var cold = split.ColdItems.ToHashSet();
        var coldUsers = users.Select((e, i) => (e, i)).Where(p => cold.Contains(p.e.Target)).Select(p => p.i).ToList();

        var search = new ConstrainedBeamSearch(run.Model, tokenizer);   // the trie of every item, unseen ones included
        var beams = search.Search(run.Sources(users), new BeamSearchOptions(config.BeamWidth, config.BeamWidth, Constrained: true, config.BatchSize));
        var coldByPrefix = ColdStartRanking.ColdByPrefix(tokenizer, cold);
        var candidates = beams.Users.Select(u => ColdStartRanking.Candidates(u.ItemIds, i => ColdStartRanking.Prefix(tokenizer, i), coldByPrefix)).ToList();
        var rows = new List<ColdStartRow>();
        foreach (var epsilon in config.ResolvedEpsilons)
        {
            var lists = candidates.Select(c => ColdStartRanking.Cap(c, cold, maxK, epsilon)).ToList();
            // a top K of a capped top max-K is not itself capped at ε·K: cap each K separately
            IReadOnlyList<int> ListAt(int user, int k) => k == maxK ? lists[user] : ColdStartRanking.Cap(candidates[user], cold, k, epsilon);
            rows.Add(Row("TIGER", epsilon, ListAt, lists));
        }
        using var knn = new SemanticKnn(embeddings);
        var neighbours = knn.Recommend([.. users.Select(e => (IReadOnlyList<int>)e.History)], maxK);
        rows.Add(Row("Semantic-KNN", null, (user, k) => neighbours[user], neighbours));
        foreach (var row in rows)
            log?.Invoke($"{row.Method}{(row.Epsilon is double e ? $" ε={e}" : "")}: cold targets " +
                        string.Join(", ", row.ColdTargets.Select(r => $"R@{r.Key} {r.Value:F4}")) + "; all users " +
                        string.Join(", ", row.AllUsers.Select(r => $"R@{r.Key} {r.Value:F4}")));
        var history = TigerHistory.LoadOrEmpty(run.Directory).Best;
        var valid = history is null ? null : new SplitMetrics(history.Recall5, history.Recall10, history.Ndcg5, history.Ndcg10, history.Users);
        return new ColdStartResult(Name, split.Training.Name, run.Directory, split.ColdItems, split.DroppedUsers, users.Count, coldUsers.Count,
            config.BeamWidth, run.Config.Seed, valid, rows, Paper);

        ColdStartRow Row(string method, double? epsilon, Func<int, int, IReadOnlyList<int>> listAt, IReadOnlyList<int[]> full)
        {
            Dictionary<string, double> Recall(IReadOnlyList<int> which) => ks.ToDictionary(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture),
                k => which.Count == 0 ? double.NaN : which.Average(u => RankingMetrics.Recall(listAt(u, k), users[u].Target, k)));
            var share = full.Count == 0 ? 0 : full.Average(l => l.Length == 0 ? 0 : l.Count(cold.Contains) / (double)l.Length);
            return new ColdStartRow(method, epsilon, Recall(coldUsers), Recall([.. Enumerable.Range(0, users.Count)]), share);
        }
    }

    /// <summary>
    /// Runs (or reuses) the pipeline of <paramref name="options"/> for its semantic IDs and preset, trains stage 2 on the
    /// cold-start split into experiments/cold-start/tiger/ (resumable like any training), measures it and writes
    /// experiments/cold-start.json.
    /// </summary>
    public static ColdStartResult Run(PipelineOptions options, ColdStartConfig? config = null, IProgress<PipelineProgress>? progress = null, Action<string>? log = null)
    {
        config ??= new ColdStartConfig();
        var main = Pipeline.Run(options, progress);
        var dataset = DatasetLoading.Load(options.Dataset, options.DataDir, options.CacheDir);
        var split = ColdStartSplit.Create(dataset, config.ColdFraction, options.Seed);
        log?.Invoke($"cold-start split: {split.ColdItems.Count:N0} unseen items, {split.DroppedUsers:N0} users dropped (fewer than 3 items left)");
        var tigerDir = Path.Combine(main.RunDirectory, ExperimentFiles.Folder, Name, RunFolder.TigerDir);
        TigerTraining.Run(split.Training, Path.Combine(main.RunDirectory, RunFolder.SemanticIdsDir), main.Config.Tiger, options.Seed, tigerDir,
            p => progress?.Report(new StageTigerProgress(PipelineStage.TigerTraining, p)), options.Device);
        var embeddings = CatalogueEmbeddings.GetOrCompute(dataset, DatasetLoading.CacheRoot(options.CacheDir)).Cache.Embeddings;
        var result = Measure(tigerDir, split, embeddings, config, options.Device, log);
        ExperimentFiles.Save(main.RunDirectory, Name, result with { TigerDirectory = Path.GetRelativePath(main.RunDirectory, result.TigerDirectory) });
        RunReport.Write(main.RunDirectory, dataset);
        return result;
    }
}
