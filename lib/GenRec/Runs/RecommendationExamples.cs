// Picks a few test users for the report's example table: their recent history, the model's top-k and the
// held-out item (the last item of the sequence under leave-one-out). Hits come first so a reader sees what
// a success looks like, then misses; within each group users keep the predictions file's order
// (deterministic, no sampling).
using GenRec.Data;
using GenRec.Evaluation;

namespace GenRec.Runs;

/// <summary>One user of the example table.</summary>
public sealed record RecommendationExample(int UserId, int[] History, int[] Recommended, int Target, bool Hit);

/// <summary>Selects example users from a predictions file.</summary>
public static class RecommendationExamples
{
    /// <summary>
    /// Up to <paramref name="count"/> examples: about half hits (target within the top <paramref name="topK"/>),
    /// the rest misses, in file order. Throws naming the file when it has a user the dataset does not know.
    /// </summary>
    public static IReadOnlyList<RecommendationExample> Pick(AmazonDataset dataset, string predictionsPath, int count, int topK, int historyLength)
    {
        var tests = LeaveOneOutSplit.Create(dataset).Test.ToDictionary(e => e.UserId);
        var all = new List<RecommendationExample>();
        foreach (var (userId, items) in PredictionsTsv.Read(predictionsPath))
        {
            if (!tests.TryGetValue(userId, out var test))
                throw new InvalidDataException($"{predictionsPath}: user {userId} is not a user of dataset '{dataset.Name}'.");
            foreach (var item in items)
                if (item < 1 || item > dataset.ItemCount)
                    throw new InvalidDataException($"{predictionsPath}: user {userId} has item {item}, outside 1..{dataset.ItemCount} of dataset '{dataset.Name}'.");
            var top = items.Take(topK).ToArray();
            all.Add(new RecommendationExample(userId, test.History.TakeLast(historyLength).ToArray(), top, test.Target, top.Contains(test.Target)));
        }
        var hits = all.Where(e => e.Hit).Take((count + 1) / 2).ToList();
        var misses = all.Where(e => !e.Hit).Take(count - hits.Count).ToList();
        // Fewer misses than wanted (a very good model): fill up with more hits.
        hits = all.Where(e => e.Hit).Take(count - misses.Count).ToList();
        return [.. hits, .. misses];
    }

    /// <summary>An item's title, or a stand-in naming the id when the catalogue has none.</summary>
    public static string Title(AmazonDataset dataset, int id)
    {
        var title = dataset.GetItem(id).Title;
        return string.IsNullOrWhiteSpace(title) ? $"(item {id}, no title)" : title;
    }
}
