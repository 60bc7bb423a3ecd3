// A next-item example for TIGER: a user's history (item ids, oldest first) and the item that came next.
// TIGER trains on every position of a user's training sequence (Rajput et al., 2023, §4.1): each prefix
// predicts the item after it, with the history cut to the most recent items the encoder reads.
namespace GenRec.Tiger;

/// <summary>One training or evaluation example.</summary>
public sealed record TigerExample(int UserId, int[] History, int Target)
{
    /// <summary>
    /// All next-item examples of one sequence: for t = 1 … n−1, history = the up to
    /// <paramref name="maxHistoryItems"/> items before position t, target = item t.
    /// </summary>
    public static IEnumerable<TigerExample> Expand(int userId, IReadOnlyList<int> sequence, int maxHistoryItems = 20)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        if (maxHistoryItems < 1) throw new ArgumentOutOfRangeException(nameof(maxHistoryItems), maxHistoryItems, "Must be ≥ 1.");
        for (var t = 1; t < sequence.Count; t++)
        {
            var start = Math.Max(0, t - maxHistoryItems);
            var history = new int[t - start];
            for (var i = start; i < t; i++) history[i - start] = sequence[i];
            yield return new TigerExample(userId, history, sequence[t]);
        }
    }
}
