// Stage 2's inputs from stage 1's output: a dataset and its items' semantic IDs become a tokenizer (one
// vocabulary slice per level, the de-duplication position as the last level, TIGER §3.1–3.2) and the
// leave-one-out examples TIGER trains and evaluates on (every training prefix → next item; validation =
// second-to-last item, test = last item; histories cut to the 20 most recent items, TIGER §4.1).
using GenRec.Data;
using GenRec.Quantization;
using GenRec.Tiger;

namespace GenRec.Runs;

/// <summary>Tokenizer and train / validation / test examples of one dataset.</summary>
/// <param name="TrainingSequences">Each user's training part (all but the last two items), for the decoder-only model's windows.</param>
public sealed record TigerData(
    SemanticIdTokenizer Tokenizer,
    IReadOnlyList<TigerExample> Train,
    IReadOnlyList<TigerExample> Validation,
    IReadOnlyList<TigerExample> Test,
    IReadOnlyList<(int UserId, IReadOnlyList<int> Items)> TrainingSequences)
{
    /// <summary>
    /// Tokenizer for items 1..<paramref name="itemCount"/>: codebook sizes [K, …, K, dedup levels]. Every
    /// item must have an ID and every ID must name an item of the dataset (else the IDs belong to another
    /// dataset, and the error says so).
    /// </summary>
    public static SemanticIdTokenizer BuildTokenizer(SemanticIds ids, int itemCount, int userBuckets = 0, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var where = source is null ? "semantic IDs" : $"semantic IDs in {source}";
        var rows = new int[]?[itemCount + 1];   // index 0 unused: item ids are 1-based
        for (var r = 0; r < ids.Count; r++)
        {
            var item = ids.ItemIds[r];
            if (item < 1 || item > itemCount)
                throw new InvalidDataException($"{where}: row {r + 1} has item id {item}, outside the dataset's 1..{itemCount} (IDs of another dataset?).");
            var codes = new int[ids.Levels + 1];
            for (var l = 0; l < ids.Levels; l++) codes[l] = ids.Codes[r, l];
            codes[^1] = ids.Dedup[r];
            rows[item] = codes;
        }
        var missing = Enumerable.Range(1, itemCount).Where(i => rows[i] is null).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{where}: {missing.Count} of the dataset's {itemCount} items have no semantic ID (first: item {missing[0]}); expected one per item.");
        int[] sizes = [.. Enumerable.Repeat(ids.CodebookSize, ids.Levels), ids.Dedup.Max() + 1];
        return new SemanticIdTokenizer(rows, sizes, userBuckets);
    }

    /// <summary>Leave-one-out examples of every user of <paramref name="dataset"/>, in file order.</summary>
    public static TigerData Create(AmazonDataset dataset, SemanticIdTokenizer tokenizer, int maxHistoryItems = 20)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var split = LeaveOneOutSplit.Create(dataset, new LeaveOneOutConfig(MaxHistory: maxHistoryItems));
        static List<TigerExample> Convert(IReadOnlyList<SequenceExample> examples) =>
            [.. examples.Select(e => new TigerExample(e.UserId, e.History, e.Target))];
        var training = dataset.Sequences.Select(s => (s.UserId, (IReadOnlyList<int>)s.Items[..^2])).ToList();
        return new TigerData(tokenizer, Convert(split.Train), Convert(split.Validation), Convert(split.Test), training);
    }

    /// <summary>
    /// A seeded random subset of <paramref name="size"/> examples (all when size ≤ 0 or ≥ the count), kept in
    /// their original order — what periodic validation during training decodes instead of every user.
    /// </summary>
    public static IReadOnlyList<TigerExample> Subset(IReadOnlyList<TigerExample> examples, int size, long seed)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (size <= 0 || size >= examples.Count) return examples;
        var order = Enumerable.Range(0, examples.Count).ToArray();
        new Random(SeedMixer.DeriveInt(seed, stream: 7, 0)).Shuffle(order);
        return [.. order.Take(size).Order().Select(i => examples[i])];
    }
}
