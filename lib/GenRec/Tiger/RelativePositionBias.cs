// T5's relative position bias (Raffel et al., 2020, §2.1): instead of position embeddings, every attention
// logit gets a learned scalar per head that depends only on the (bucketed) distance key − query. Small
// distances get their own bucket; larger ones share logarithmically wider buckets up to max_distance,
// beyond which everything falls in the last bucket. Bidirectional (encoder): half of the buckets for keys
// after the query, half for keys before. Causal (decoder): keys after the query cannot be seen anyway,
// so they all map to bucket 0 and all buckets go to the past.
// As in T5, the bias is computed once per stack and shared by all its layers (T5 computes it in the first
// layer and hands it on; here the stack computes it before its first layer — the same thing); cross-
// attention gets none.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>Learned per-head bias (1, H, Tq, Tk) from bucketed relative positions.</summary>
public sealed class RelativePositionBias : nn.Module<int, int, Tensor>
{
    readonly Embedding buckets;
    readonly int numBuckets, maxDistance;

    /// <summary>True for the encoder (keys on both sides), false for the causal decoder.</summary>
    public bool Bidirectional { get; }

    public RelativePositionBias(int numHeads, bool bidirectional, int numBuckets = 32, int maxDistance = 128)
        : base(nameof(RelativePositionBias))
    {
        buckets = nn.Embedding(numBuckets, numHeads);   // bucket → one bias per head
        Bidirectional = bidirectional;
        this.numBuckets = numBuckets;
        this.maxDistance = maxDistance;
        RegisterComponents();
    }

    /// <summary>The bucket embedding (numBuckets, H), for initialisation.</summary>
    public Embedding Table => buckets;

    /// <summary>
    /// T5's bucket of a relative position (key position − query position).
    /// Let n = numBuckets, halved when bidirectional (the upper half then holds positive distances).
    /// The first n/2 distances are exact; distance d ≥ n/2 maps to n/2 + ⌊log(d / (n/2)) / log(maxDistance / (n/2)) · (n − n/2)⌋,
    /// capped at n − 1.
    /// </summary>
    public static int Bucket(int relativePosition, bool bidirectional, int numBuckets = 32, int maxDistance = 128)
    {
        var bucket = 0;
        int distance;
        if (bidirectional)
        {
            numBuckets /= 2;
            if (relativePosition > 0) bucket += numBuckets;
            distance = Math.Abs(relativePosition);
        }
        else
        {
            distance = Math.Max(-relativePosition, 0);   // future keys → distance 0 (masked anyway)
        }
        var maxExact = numBuckets / 2;
        if (distance < maxExact) return bucket + distance;
        // float32 like T5's implementation, so boundary cases land in the same bucket
        var logRatio = MathF.Log(distance / (float)maxExact) / (float)Math.Log(maxDistance / (double)maxExact);
        var large = maxExact + (int)(logRatio * (numBuckets - maxExact));
        return bucket + Math.Min(large, numBuckets - 1);
    }

    /// <summary>
    /// Bias (1, H, 1, <paramref name="keyCount"/>) of one query at <paramref name="queryPosition"/> for keys at
    /// <paramref name="keyStart"/> … keyStart + keyCount − 1: the row of <see cref="forward"/> a cached decoding step needs.
    /// </summary>
    public Tensor ForQuery(int queryPosition, int keyStart, int keyCount)
    {
        using var scope = NewDisposeScope();
        var table = new long[keyCount];
        for (var k = 0; k < keyCount; k++) table[k] = Bucket(keyStart + k - queryPosition, Bidirectional, numBuckets, maxDistance);
        var bias = buckets.forward(tensor(table, [1, keyCount], device: buckets.weight!.device));   // (1, Tk, H)
        return bias.permute(2, 0, 1).unsqueeze(0).MoveToOuterDisposeScope();                         // (1, H, 1, Tk)
    }

    /// <summary>Bias (1, H, queryLength, keyLength) for queries at positions 0..Tq−1 and keys 0..Tk−1.</summary>
    public override Tensor forward(int queryLength, int keyLength)
    {
        using var scope = NewDisposeScope();
        var table = new long[queryLength * keyLength];
        for (var q = 0; q < queryLength; q++)
            for (var k = 0; k < keyLength; k++)
                table[q * keyLength + k] = Bucket(k - q, Bidirectional, numBuckets, maxDistance);
        var ids = tensor(table, [queryLength, keyLength], device: buckets.weight!.device);   // (Tq, Tk)
        var bias = buckets.forward(ids);                                                   // (Tq, Tk, H)
        return bias.permute(2, 0, 1).unsqueeze(0).MoveToOuterDisposeScope();              // (1, H, Tq, Tk)
    }
}
