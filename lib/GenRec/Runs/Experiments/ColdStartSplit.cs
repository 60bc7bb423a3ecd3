// The data side of TIGER's cold-start study (Rajput et al., NeurIPS 2023, §4.2): "we remove 5 % of the test
// items from the training data split" so the model never sees them, then ask whether it can still recommend
// them through their semantic IDs. Here:
//  * cold items: a seeded 5 % of the distinct test targets (every user's last item);
//  * the training dataset: every sequence with the cold items removed from every position but the last, so a
//    cold item can only ever be a test target — never in a training example, a validation example or a test
//    history; a sequence left with fewer than 3 items has no leave-one-out split and is dropped;
//  * re-ranking with the cap ε (ColdStartRanking): the share of cold items in a top K is at most ε.
// The items keep their semantic IDs: stage 1 reads only item text, so IDs fitted on the whole catalogue leak
// no interaction, and a cold item's ID is what the stage-1 model gives its text, as for a new item.
using GenRec.Data;
using GenRec.Tiger;

namespace GenRec.Runs.Experiments;

/// <summary>A dataset with its cold items removed from everything but test targets.</summary>
/// <param name="Training">The dataset stage 2 trains, validates and is tested on (same catalogue, shorter sequences).</param>
/// <param name="ColdItems">The held-out items, ascending.</param>
/// <param name="DroppedUsers">Users whose sequence fell below 3 items.</param>
public sealed record ColdStartSplit(AmazonDataset Training, IReadOnlyList<int> ColdItems, int DroppedUsers)
{
    /// <summary>
    /// A seeded <paramref name="fraction"/> of the distinct test targets of <paramref name="dataset"/> (at least one),
    /// ascending; the same seed picks the same items.
    /// </summary>
    public static IReadOnlyList<int> PickColdItems(AmazonDataset dataset, double fraction, long seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!(fraction > 0 && fraction < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The cold fraction must be in (0, 1).");
        var targets = dataset.Sequences.Select(s => s.Items[^1]).Distinct().Order().ToArray();
        new Random(SeedMixer.DeriveInt(seed, stream: 37, 0)).Shuffle(targets);
        var count = Math.Max(1, (int)Math.Round(fraction * targets.Length));
        return [.. targets.Take(count).Order()];
    }

    /// <summary>Removes <paramref name="coldItems"/> from every position of every sequence except the last.</summary>
    public static ColdStartSplit Create(AmazonDataset dataset, IEnumerable<int> coldItems)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var cold = coldItems.ToHashSet();
        var sequences = new List<UserSequence>(dataset.Sequences.Count);
        foreach (var s in dataset.Sequences)
        {
            var kept = s.Items.Where((item, i) => i == s.Items.Length - 1 || !cold.Contains(item)).ToArray();
            if (kept.Length >= SequencesReader.MinimumLength) sequences.Add(new UserSequence(s.UserId, kept));
        }
        var users = sequences.Select(s => s.UserId).ToHashSet();
        var training = dataset with { Users = [.. dataset.Users.Where(u => users.Contains(u.Id))], Sequences = sequences };
        return new ColdStartSplit(training, [.. cold.Order()], dataset.Sequences.Count - sequences.Count);
    }

    /// <summary>Cold items of a fraction picked with a seed (<see cref="PickColdItems"/>), removed (<see cref="Create(AmazonDataset, IEnumerable{int})"/>).</summary>
    public static ColdStartSplit Create(AmazonDataset dataset, double fraction, long seed) => Create(dataset, PickColdItems(dataset, fraction, seed));
}

/// <summary>Turns a beam ranking into a top K that may hold cold items, at most a share ε of them.</summary>
public static class ColdStartRanking
{
    /// <summary>
    /// Candidates in order: each ranked item, followed by the cold items whose semantic ID shares its code prefix
    /// (all levels but the de-dup position) and are not listed yet, in item-id order — the items "the model
    /// pointed at" when it generated that prefix (a cold item has no training signal for its de-dup token).
    /// </summary>
    public static List<int> Candidates(IReadOnlyList<int> ranked, Func<int, string> prefixOf, IReadOnlyDictionary<string, int[]> coldByPrefix)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        var listed = new HashSet<int>();
        var result = new List<int>();
        foreach (var item in ranked)
        {
            if (listed.Add(item)) result.Add(item);
            if (coldByPrefix.TryGetValue(prefixOf(item), out var colds))
                foreach (var c in colds)
                    if (listed.Add(c)) result.Add(c);
        }
        return result;
    }

    /// <summary>
    /// The first <paramref name="k"/> candidates with at most ⌊ε·K⌋ cold ones: candidates are taken in order, a cold
    /// one only while the cap allows, so the cold share of the top K never exceeds ε (the paper's ε).
    /// </summary>
    public static int[] Cap(IReadOnlyList<int> candidates, IReadOnlySet<int> cold, int k, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(cold);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "K must be ≥ 1.");
        if (!(epsilon >= 0 && epsilon <= 1)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be in [0, 1].");
        var maxCold = (int)Math.Floor(epsilon * k + 1e-9);   // 1e-9: 0.1 · 10 must allow 1, not 0.9999…
        var result = new List<int>(k);
        var colds = 0;
        foreach (var item in candidates)
        {
            if (result.Count == k) break;
            if (cold.Contains(item))
            {
                if (colds == maxCold) continue;
                colds++;
            }
            result.Add(item);
        }
        return [.. result];
    }

    /// <summary>Cold items grouped by their code prefix (tokens without the de-dup position), ascending item id.</summary>
    public static Dictionary<string, int[]> ColdByPrefix(SemanticIdTokenizer tokenizer, IEnumerable<int> coldItems) =>
        coldItems.Order().GroupBy(i => Prefix(tokenizer, i)).ToDictionary(g => g.Key, g => g.ToArray());

    /// <summary>The key of an item's code prefix (all tokens but the last, the de-dup position).</summary>
    public static string Prefix(SemanticIdTokenizer tokenizer, int item) => string.Join(',', tokenizer.EncodeItem(item)[..^1]);
}
