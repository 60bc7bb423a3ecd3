// SASRec's training data: instead of one example per prefix (TIGER's sliding window), one row per user
// holds the training sequence shifted by one — inputs s[0..m−2], targets s[1..m−1] — and the causal model
// predicts every target in one pass. Position t of a row is exactly the prefix example (s[..t] → s[t+1])
// of LeaveOneOutSplit's AllPrefixes training set, so the same targets are trained, each once per epoch.
// The training part of a user is what LeaveOneOutSplit trains on: the sequence without its last two
// items (validation and test targets). A training part longer than MaxLength + 1 is cut into several
// rows, from the end backwards, each with up to MaxLength targets; targets early in a later-cut row then
// see fewer than MaxLength history items (the all-prefix examples would see MaxLength). On Beauty this
// touches the few users with more than 22 interactions only.
using GenRec.Data;
using static TorchSharp.torch;

namespace GenRec.SasRec;

/// <summary>One training row: input items (oldest first) and, at each position, the item that came next.</summary>
public sealed record SasRecWindow(int UserId, int[] Inputs, int[] Targets);

/// <summary>Builds training rows and left-padded batches.</summary>
public static class SasRecWindows
{
    /// <summary>
    /// Training rows of every sequence (sequences of fewer than 3 items throw, as in LeaveOneOutSplit):
    /// the training part s = items[..^2] gives targets s[1..], cut into rows of at most
    /// <paramref name="maxLength"/> targets, latest first. A training part of one item gives no row.
    /// </summary>
    public static List<SasRecWindow> FromSequences(IEnumerable<UserSequence> sequences, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (maxLength < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "MaxLength must be at least 1.");
        var rows = new List<SasRecWindow>();
        foreach (var sequence in sequences)
        {
            var items = sequence.Items;
            if (items.Length < SequencesReader.MinimumLength)
                throw new ArgumentException(
                    $"User {sequence.UserId} has {items.Length} items; leave-one-out needs at least {SequencesReader.MinimumLength}.", nameof(sequences));
            var trainingLength = items.Length - 2;
            // targets are positions 1..trainingLength−1; the row ending at target `last` covers [first, last]
            for (var last = trainingLength - 1; last >= 1; last -= maxLength)
            {
                var first = Math.Max(1, last - maxLength + 1);
                rows.Add(new SasRecWindow(sequence.UserId, items[(first - 1)..last], items[first..(last + 1)]));
            }
        }
        return rows;
    }

    /// <summary>
    /// Left-padded inputs and targets (B, L), L = the longest row, 0 = padding (no target).
    /// </summary>
    public static (Tensor Inputs, Tensor Targets) Pad(IReadOnlyList<SasRecWindow> rows, Device device)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var length = rows.Max(r => r.Inputs.Length);
        var inputs = new long[rows.Count * length];
        var targets = new long[rows.Count * length];
        for (var b = 0; b < rows.Count; b++)
        {
            var offset = b * length + length - rows[b].Inputs.Length;
            for (var t = 0; t < rows[b].Inputs.Length; t++)
            {
                inputs[offset + t] = rows[b].Inputs[t];
                targets[offset + t] = rows[b].Targets[t];
            }
        }
        return (tensor(inputs, [rows.Count, length], device: device),       // (B, L)
                tensor(targets, [rows.Count, length], device: device));     // (B, L)
    }

    /// <summary>
    /// Histories (oldest first) as left-padded item ids (B, L), each cut to its last
    /// <paramref name="maxLength"/> items; L = the longest cut history. An empty history throws.
    /// </summary>
    public static Tensor PadHistories(IReadOnlyList<int[]> histories, int maxLength, Device device)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var length = Math.Min(maxLength, histories.Max(h => h.Length));
        var ids = new long[histories.Count * length];
        for (var b = 0; b < histories.Count; b++)
        {
            var history = histories[b];
            if (history.Length == 0) throw new ArgumentException($"History {b} is empty; SASRec needs at least one item.", nameof(histories));
            var kept = Math.Min(length, history.Length);
            var offset = b * length + length - kept;
            for (var t = 0; t < kept; t++) ids[offset + t] = history[history.Length - kept + t];
        }
        return tensor(ids, [histories.Count, length], device: device);     // (B, L)
    }
}
