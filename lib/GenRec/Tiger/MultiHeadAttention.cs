// T5-style multi-head attention (Raffel et al., 2020). Differences from "Attention Is All You Need":
//  * the head width d_kv is independent of d_model — TIGER uses d_model 128 with 6 heads × 64, so the
//    inner dimension is 384 ≠ 128 and q/k/v project up, o projects back down;
//  * projections have no bias;
//  * logits are NOT divided by sqrt(d_kv). T5 folds that factor into the initialisation of the query
//    projection (std (d_model·d_kv)^−½ instead of d_model^−½, see TigerModel.InitializeWeights); we keep
//    T5's convention so that the same weights mean the same thing as in T5.
// One module serves self-attention (keyValue = query input), causal self-attention (causal bias) and
// cross-attention (keyValue = encoder output); masks and position biases arrive as one additive bias.
// Speed (bench/GenRec.TigerBench): self-attention projects q, k and v with ONE matrix product (the three
// weights concatenated, a 3·H·dk × D copy per call — small next to the (B·T, D) activations); and when no
// attention-weight dropout applies (rate 0, or eval mode) the attention itself is LibTorch's
// scaled_dot_product_attention, whose fused CPU kernel takes the additive bias as a float mask (gradients
// reach the relative position bias through it) but has no dropout of its own. SDPA divides by sqrt(d_kv), so
// the query weight is scaled by sqrt(d_kv) on the fly to keep T5's unscaled logits.
// Decoding caches the cross-attention keys and values of the encoder output (ProjectKeysValues, held by
// DecoderMemory). The decoder-only model caches self-attention keys and values itself (DecoderOnlyModel).
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>Attention with H heads of width d_kv over an additive bias (B|1, H|1, Tq, Tk).</summary>
public sealed class MultiHeadAttention : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    readonly Linear q, k, v, o;
    readonly SeededDropout dropout;
    readonly double dropoutRate;
    readonly Scalar sqrtHeadDim;   // kept for the module's life: see KeptScalars

    public int NumHeads { get; }
    public int HeadDim { get; }

    public MultiHeadAttention(int dModel, int numHeads, int headDim, double dropoutRate, DropoutRandomness? randomness = null)
        : base(nameof(MultiHeadAttention))
    {
        NumHeads = numHeads;
        HeadDim = headDim;
        var inner = numHeads * headDim;
        q = nn.Linear(dModel, inner, hasBias: false);
        k = nn.Linear(dModel, inner, hasBias: false);
        v = nn.Linear(dModel, inner, hasBias: false);
        o = nn.Linear(inner, dModel, hasBias: false);
        dropout = new SeededDropout(dropoutRate, randomness ?? new DropoutRandomness());
        this.dropoutRate = dropoutRate;
        sqrtHeadDim = KeptScalars.Keep(Math.Sqrt(headDim));
        RegisterComponents();
    }

    /// <summary>Projections (query, key, value, output), for initialisation.</summary>
    public (Linear Query, Linear Key, Linear Value, Linear Output) Projections => (q, k, v, o);

    /// <summary>
    /// Attention weights (B, H, Tq, Tk) before dropout: softmax over keys of q·kᵀ + bias.
    /// </summary>
    public Tensor Weights(Tensor query, Tensor keyValue, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        return WeightsFromKeys(query, SplitHeads(k.forward(keyValue)), bias).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Keys and values (B, H, Tk, dk) of <paramref name="keyValue"/> (B, Tk, D). Cross-attention keys and
    /// values depend only on the encoder output, so decoding computes them once (<see cref="DecoderMemory"/>)
    /// instead of at every generated token.
    /// </summary>
    public (Tensor Keys, Tensor Values) ProjectKeysValues(Tensor keyValue)
    {
        using var scope = NewDisposeScope();
        return (SplitHeads(k.forward(keyValue)).MoveToOuterDisposeScope(),   // (B, H, Tk, dk)
                SplitHeads(v.forward(keyValue)).MoveToOuterDisposeScope());  // (B, H, Tk, dk)
    }

    /// <summary>query (B, Tq, D) attends to keyValue (B, Tk, D) → (B, Tq, D).</summary>
    public override Tensor forward(Tensor query, Tensor keyValue, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        if (!ReferenceEquals(query, keyValue))
        {
            var (keys, values) = ProjectKeysValues(keyValue);
            return Attend(query, keys, values, bias).MoveToOuterDisposeScope();
        }
        // self-attention: q, k and v in one matrix product
        var qkv = nn.functional.linear(query, cat([q.weight!, k.weight!, v.weight!], 0));      // (B, T, 3·H·dk)
        var parts = qkv.chunk(3, -1);
        return AttendProjected(SplitHeads(parts[0]), SplitHeads(parts[1]), SplitHeads(parts[2]), bias, query.shape).MoveToOuterDisposeScope();
    }

    /// <summary>query (B, Tq, D) attends to projected keys and values (B, H, Tk, dk) → (B, Tq, D).</summary>
    public Tensor Attend(Tensor query, Tensor keys, Tensor values, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        return AttendProjected(SplitHeads(q.forward(query)), keys, values, bias, query.shape).MoveToOuterDisposeScope();
    }

    /// <summary>Projected queries, keys and values (B, H, T, dk) → attention output (B, Tq, D).</summary>
    Tensor AttendProjected(Tensor qh, Tensor keys, Tensor values, Tensor? bias, long[] queryShape)
    {
        using var scope = NewDisposeScope();
        long batch = queryShape[0], queryLength = queryShape[1];
        Tensor context;                                                         // (B, H, Tq, dk)
        if (UsesFusedKernel)
        {
            // SDPA scales logits by 1/sqrt(dk); T5 does not: undo it on the queries
            var mask = bias?.to(qh.dtype);
            context = nn.functional.scaled_dot_product_attention(qh.mul(sqrtHeadDim), keys, values, mask);
        }
        else
        {
            var scores = qh.matmul(keys.transpose(-1, -2));                     // (B, H, Tq, Tk), unscaled (T5)
            if (bias is not null) scores = scores.Plus(bias);                   // positions + masks
            var weights = dropout.forward(scores.to(ScalarType.Float32).softmax(-1).to(qh.dtype));
            context = weights.matmul(values);
        }
        var merged = context.transpose(1, 2).reshape(batch, queryLength, NumHeads * HeadDim); // (B, Tq, H·dk)
        return o.forward(merged).MoveToOuterDisposeScope();                     // (B, Tq, D)
    }

    /// <summary>True when attention runs as LibTorch's fused kernel: no attention-weight dropout applies now.</summary>
    public bool UsesFusedKernel => dropoutRate == 0 || !training;

    /// <summary>Queries (B, H, Tq, dk) of <paramref name="query"/> (B, Tq, D), for callers that cache keys and values.</summary>
    public Tensor ProjectQueries(Tensor query)
    {
        using var scope = NewDisposeScope();
        return SplitHeads(q.forward(query)).MoveToOuterDisposeScope();
    }

    /// <summary>Output projection of merged heads (…, H·dk) → (…, D), for callers that attend themselves.</summary>
    public Tensor ProjectOutput(Tensor merged) => o.forward(merged);

    Tensor WeightsFromKeys(Tensor query, Tensor keys, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        var qh = SplitHeads(q.forward(query));                              // (B, H, Tq, dk)
        var scores = qh.matmul(keys.transpose(-1, -2));                     // (B, H, Tq, Tk), unscaled (T5)
        if (bias is not null) scores = scores.Plus(bias);                   // positions + masks
        return scores.to(ScalarType.Float32).softmax(-1).to(query.dtype).MoveToOuterDisposeScope();
    }

    Tensor SplitHeads(Tensor x)                                             // (B, T, H·dk)
        => x.view(x.shape[0], x.shape[1], NumHeads, HeadDim).transpose(1, 2); // (B, H, T, dk)
}
