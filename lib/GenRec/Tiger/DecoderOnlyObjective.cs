// Training data and loss of the decoder-only variant. A user's training part (the sequence without its
// validation and test items, as LeaveOneOutSplit defines it) becomes one flattened row
//   [user?] BOS c(i₁,0) … c(i₁,L−1) c(i₂,0) … c(iₙ,L−1)
// and the model is trained with next-token cross-entropy at every position: each item of the row is a target
// (its first code given the history, each later code given the earlier ones) in ONE forward pass — the first
// item too, predicted from BOS alone (the prior over where sequences start). The encoder-decoder sees each of
// these targets as a separate example, with its own encoder pass.
// Windows: a training part longer than MaxItems + 1 items is cut from the end backwards into windows of at
// most MaxItems + 1 items, so no target sees more than MaxItems items of history (the encoder-decoder's cap
// too). A later-cut window starts mid-sequence: its first item is context only (the window before trains it)
// and its loss is masked, as is the BOS label after a user token. On Beauty this touches the few users with
// more than 23 interactions.
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>Consecutive items of one user; <paramref name="StartsSequence"/> when the window begins the user's sequence.</summary>
public sealed record ItemWindow(int UserId, int[] Items, bool StartsSequence);

/// <summary>Cuts users' training sequences into windows.</summary>
public static class ItemWindows
{
    /// <summary>
    /// Windows of at most <paramref name="maxItems"/> + 1 items, latest first per user; consecutive windows of a
    /// user share one item (the later window's first item, context only there). Sequences of one item give none.
    /// </summary>
    public static List<ItemWindow> FromTrainingSequences(IEnumerable<(int UserId, IReadOnlyList<int> Items)> sequences, int maxItems)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (maxItems < 1) throw new ArgumentOutOfRangeException(nameof(maxItems), maxItems, "maxItems must be ≥ 1.");
        var windows = new List<ItemWindow>();
        foreach (var (user, items) in sequences)
        {
            if (items.Count < 2) continue;
            // the window ending at `last` starts at max(0, last − maxItems); the next one ends at that start
            for (var last = items.Count - 1; ; )
            {
                var first = Math.Max(0, last - maxItems);
                windows.Add(new ItemWindow(user, [.. items.Skip(first).Take(last - first + 1)], first == 0));
                if (first == 0) break;
                last = first;
            }
        }
        return windows;
    }
}

/// <summary>Next-token cross-entropy at every position of flattened windows (see the file header).</summary>
public sealed class DecoderOnlyObjective : IStageTwoObjective
{
    readonly DecoderOnlyModel model;
    readonly int[][] rows, labels;

    public DecoderOnlyObjective(DecoderOnlyModel model, SemanticIdTokenizer tokenizer, IReadOnlyList<ItemWindow> windows, bool useUserToken)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Count == 0) throw new ArgumentException("No training windows.", nameof(windows));
        rows = new int[windows.Count][];
        labels = new int[windows.Count][];
        for (var i = 0; i < windows.Count; i++)
        {
            var w = windows[i];
            int[] row;
            try { row = tokenizer.EncodeSequence(w.Items, w.Items.Length, useUserToken ? w.UserId : null); }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                throw new ArgumentException($"Training window {i} (user {w.UserId}): {ex.Message}", nameof(windows), ex);
            }
            rows[i] = row;
            labels[i] = Labels(row, useUserToken, w.StartsSequence, tokenizer.Levels);
        }
        Lengths = [.. rows.Select(r => r.Length - 1)];
        Fingerprint = Objectives.Fingerprint(rows, labels);
        TargetTokens = labels.Sum(l => (long)l.Count(t => t != SemanticIdTokenizer.Pad));
    }

    public int Count => rows.Length;
    public IReadOnlyList<int> Lengths { get; }
    public long Fingerprint { get; }
    /// <summary>Target tokens in one pass over all windows (an epoch).</summary>
    public long TargetTokens { get; }

    /// <summary>
    /// Labels of the inputs row[..^1]: label j is row[j + 1], except PAD (ignored) for the BOS after a user token
    /// and, in a window that does not start its sequence, for the first item's tokens (context only).
    /// </summary>
    public static int[] Labels(int[] row, bool withUserToken, bool startsSequence, int levels)
    {
        var result = row[1..];
        var bos = withUserToken ? 1 : 0;                       // index of BOS in row
        if (withUserToken) result[bos - 1] = SemanticIdTokenizer.Pad;
        if (!startsSequence)
            for (var l = 0; l < levels && bos + l < result.Length; l++) result[bos + l] = SemanticIdTokenizer.Pad;
        return result;
    }

    public (Tensor Loss, long TargetTokens) Loss(int[] batch)
    {
        using var scope = NewDisposeScope();
        var device = model.Device;
        var (inputs, _) = TigerBatching.PadSources([.. batch.Select(i => rows[i][..^1])], device);        // (B, T) right-padded
        var (targets, _) = TigerBatching.PadSources([.. batch.Select(i => labels[i])], device);            // (B, T), PAD beyond
        var logits = model.forward(inputs);                                                                 // (B, T, V)
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1), ignore_index: SemanticIdTokenizer.Pad);
        return (loss.MoveToOuterDisposeScope(), batch.Sum(i => (long)labels[i].Count(t => t != SemanticIdTokenizer.Pad)));
    }
}
