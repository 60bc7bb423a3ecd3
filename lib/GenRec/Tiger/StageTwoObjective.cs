// What one training step of a stage-2 model computes, separated from the loop that runs the steps
// (TigerTrainer: schedule, optimizer, clipping, checkpoints). Each model kind has its objective:
//  * encoder-decoder (TIGER §3.2): one example = a history and the ONE item after it; the decoder reads
//    [BOS, c_0 … c_{L−2}] and is trained to emit c_0 … c_{L−1} — L target tokens per example;
//  * decoder-only (DecoderOnlyObjective): one example = a window of a user's sequence, trained with
//    next-token cross-entropy at every position — about L target tokens per item of the window.
// The trainer only needs the examples' lengths (for length bucketing), a fingerprint of the data (a resume
// on other data must fail) and the loss of a batch.
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>The training examples of a stage-2 model and the loss of a batch of them.</summary>
public interface IStageTwoObjective
{
    /// <summary>Number of examples.</summary>
    int Count { get; }
    /// <summary>Token length of every example, for length bucketing.</summary>
    IReadOnlyList<int> Lengths { get; }
    /// <summary>A hash of the encoded examples.</summary>
    long Fingerprint { get; }
    /// <summary>
    /// Mean token cross-entropy of the batch (a scalar with gradients, model in training mode) and the number of
    /// target tokens it averaged over.
    /// </summary>
    (Tensor Loss, long TargetTokens) Loss(int[] batch);
}

/// <summary>Shared helpers of the objectives.</summary>
internal static class Objectives
{
    /// <summary>FNV-1a over arrays of ints (with their lengths), order-sensitive.</summary>
    public static long Fingerprint(params IEnumerable<int[]>[] parts)
    {
        var hash = 14695981039346656037UL;
        void Add(int value) { hash = unchecked((hash ^ (uint)value) * 1099511628211UL); }
        foreach (var part in parts)
            foreach (var array in part)
            {
                Add(array.Length);
                foreach (var value in array) Add(value);
            }
        return unchecked((long)hash);
    }
}

/// <summary>TIGER's objective: each example's target item, teacher-forced through the decoder.</summary>
public sealed class EncoderDecoderObjective : IStageTwoObjective
{
    readonly TigerModel model;
    readonly int[][] sources, targets;

    public EncoderDecoderObjective(TigerModel model, SemanticIdTokenizer tokenizer, IReadOnlyList<TigerExample> examples, int maxHistoryItems, bool useUserToken)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("No training examples.", nameof(examples));
        sources = new int[examples.Count][];
        targets = new int[examples.Count][];
        for (var i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            try
            {
                sources[i] = tokenizer.EncodeHistory(e.History, maxHistoryItems, useUserToken ? e.UserId : null);
                targets[i] = tokenizer.EncodeItem(e.Target);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                throw new ArgumentException($"Training example {i} (user {e.UserId}): {ex.Message}", nameof(examples), ex);
            }
        }
        Lengths = [.. sources.Select(s => s.Length)];
        Fingerprint = Objectives.Fingerprint(sources, targets);
    }

    public int Count => sources.Length;
    public IReadOnlyList<int> Lengths { get; }
    public long Fingerprint { get; }

    public (Tensor Loss, long TargetTokens) Loss(int[] batch)
    {
        using var scope = NewDisposeScope();
        var device = model.Device;
        var (source, mask) = TigerBatching.PadSources([.. batch.Select(i => sources[i])], device);   // (B, S)
        var batchTargets = batch.Select(i => targets[i]).ToList();
        var decoderInput = TigerBatching.DecoderInput(batchTargets, device);                         // (B, L)
        var labels = TigerBatching.Labels(batchTargets, device);                                     // (B, L)
        var logits = model.forward(source, mask, decoderInput);                                      // (B, L, V)
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), labels.reshape(-1), ignore_index: SemanticIdTokenizer.Pad);
        return (loss.MoveToOuterDisposeScope(), batchTargets.Sum(t => (long)t.Length));
    }
}
