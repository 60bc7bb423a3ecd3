// Turning token arrays into the tensors TigerModel reads. Sources are right-padded with PAD to the
// longest sequence of the batch (padding never gets attention: see AttentionMasks); decoder inputs are
// targets shifted right behind BOS ("teacher forcing"), labels are the targets themselves.
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>Padding and shifting of token arrays into tensors.</summary>
public static class TigerBatching
{
    /// <summary>Right-pads sources to the longest: tokens (B, S) int64 and mask (B, S) bool (true = real token).</summary>
    public static (Tensor Tokens, Tensor Mask) PadSources(IReadOnlyList<int[]> sources, Device device)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0) throw new ArgumentException("No source sequences.", nameof(sources));
        var length = sources.Max(s => s.Length);
        if (length == 0) throw new ArgumentException("All source sequences are empty.", nameof(sources));
        var tokens = new long[sources.Count * length];      // PAD = 0 everywhere not written
        var mask = new bool[sources.Count * length];
        for (var b = 0; b < sources.Count; b++)
            for (var i = 0; i < sources[b].Length; i++)
            {
                tokens[b * length + i] = sources[b][i];
                mask[b * length + i] = true;
            }
        return (tensor(tokens, [sources.Count, length], device: device),   // (B, S)
                tensor(mask, [sources.Count, length], device: device));    // (B, S)
    }

    /// <summary>
    /// Left-pads sources to the longest: tokens (B, S) int64 and mask (B, S) bool (true = real token). Every row
    /// then ends in the last column, where the decoder-only model continues it (see DecoderOnlyModel).
    /// </summary>
    public static (Tensor Tokens, Tensor Mask) PadSourcesLeft(IReadOnlyList<int[]> sources, Device device)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0) throw new ArgumentException("No source sequences.", nameof(sources));
        var length = sources.Max(s => s.Length);
        if (sources.Any(s => s.Length == 0)) throw new ArgumentException("A source sequence is empty.", nameof(sources));
        var tokens = new long[sources.Count * length];      // PAD = 0 everywhere not written
        var mask = new bool[sources.Count * length];
        for (var b = 0; b < sources.Count; b++)
        {
            var offset = b * length + length - sources[b].Length;
            for (var i = 0; i < sources[b].Length; i++)
            {
                tokens[offset + i] = sources[b][i];
                mask[offset + i] = true;
            }
        }
        return (tensor(tokens, [sources.Count, length], device: device),   // (B, S)
                tensor(mask, [sources.Count, length], device: device));    // (B, S)
    }

    /// <summary>
    /// Batches of source indices, shortest sources first (ties in input order). A batch is padded to its longest
    /// source, so batches in input order carry mostly padding: on Beauty histories are 4–80 tokens, and almost
    /// every random batch of 256 holds an 80-token one. Grouping similar lengths keeps per-source results the
    /// same (padding is never attended to) and removes that work.
    /// </summary>
    public static IEnumerable<int[]> ByLength(IReadOnlyList<int[]> sources, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var order = Enumerable.Range(0, sources.Count).OrderBy(i => sources[i].Length).ToArray();   // OrderBy is stable
        for (var start = 0; start < order.Length; start += batchSize)
            yield return order[start..Math.Min(order.Length, start + batchSize)];
    }

    /// <summary>Decoder input (N, L) = [BOS, t_0, …, t_{L−2}] for targets of equal length L.</summary>
    public static Tensor DecoderInput(IReadOnlyList<int[]> targets, Device device)
    {
        var length = CheckTargets(targets);
        var input = new long[targets.Count * length];
        for (var n = 0; n < targets.Count; n++)
        {
            input[n * length] = SemanticIdTokenizer.Bos;
            for (var i = 1; i < length; i++) input[n * length + i] = targets[n][i - 1];
        }
        return tensor(input, [targets.Count, length], device: device);      // (N, L)
    }

    /// <summary>Labels (N, L) = the targets.</summary>
    public static Tensor Labels(IReadOnlyList<int[]> targets, Device device)
    {
        var length = CheckTargets(targets);
        var labels = new long[targets.Count * length];
        for (var n = 0; n < targets.Count; n++)
            for (var i = 0; i < length; i++) labels[n * length + i] = targets[n][i];
        return tensor(labels, [targets.Count, length], device: device);     // (N, L)
    }

    static int CheckTargets(IReadOnlyList<int[]> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0) throw new ArgumentException("No targets.", nameof(targets));
        var length = targets[0].Length;
        if (length == 0) throw new ArgumentException("Targets are empty.", nameof(targets));
        foreach (var t in targets)
            if (t.Length != length)
                throw new ArgumentException($"Targets differ in length ({t.Length} vs {length}); pad them with PAD first.", nameof(targets));
        return length;
    }
}
