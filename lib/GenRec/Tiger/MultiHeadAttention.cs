// T5-style multi-head attention (Raffel et al., 2020). Differences from "Attention Is All You Need":
//  * the head width d_kv is independent of d_model — TIGER uses d_model 128 with 6 heads × 64, so the
//    inner dimension is 384 ≠ 128 and q/k/v project up, o projects back down;
//  * projections have no bias;
//  * logits are NOT divided by sqrt(d_kv). T5 folds that factor into the initialisation of the query
//    projection (std (d_model·d_kv)^−½ instead of d_model^−½, see TigerModel.InitializeWeights); we keep
//    T5's convention so that the same weights mean the same thing as in T5.
// One module serves self-attention (keyValue = query input), causal self-attention (causal bias) and
// cross-attention (keyValue = encoder output); masks and position biases arrive as one additive bias.
// Decoding caches only what never changes: the cross-attention keys and values of the encoder output
// (ProjectKeysValues, held by DecoderMemory) — without that cache they were the largest cost of a
// beam-search step. There is no self-attention key/value cache: the decoder re-runs on the whole prefix at
// each step. Targets are only L = 3–5 tokens, so that costs 1 + 2 + … + L instead of L token-steps of the
// decoder's self-attention and feed-forward, and there is no cache to reorder when beams are pruned.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>Attention with H heads of width d_kv over an additive bias (B|1, H|1, Tq, Tk).</summary>
public sealed class MultiHeadAttention : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    readonly Linear q, k, v, o;
    readonly SeededDropout dropout;

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
        var (keys, values) = ProjectKeysValues(keyValue);
        return Attend(query, keys, values, bias).MoveToOuterDisposeScope();
    }

    /// <summary>query (B, Tq, D) attends to projected keys and values (B, H, Tk, dk) → (B, Tq, D).</summary>
    public Tensor Attend(Tensor query, Tensor keys, Tensor values, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        var batch = query.shape[0];
        var queryLength = query.shape[1];
        var weights = dropout.forward(WeightsFromKeys(query, keys, bias));   // (B, H, Tq, Tk)
        var context = weights.matmul(values)                                // (B, H, Tq, dk)
            .transpose(1, 2).reshape(batch, queryLength, NumHeads * HeadDim); // (B, Tq, H·dk)
        return o.forward(context).MoveToOuterDisposeScope();                // (B, Tq, D)
    }

    Tensor WeightsFromKeys(Tensor query, Tensor keys, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        var qh = SplitHeads(q.forward(query));                              // (B, H, Tq, dk)
        var scores = qh.matmul(keys.transpose(-1, -2));                     // (B, H, Tq, Tk), unscaled (T5)
        if (bias is not null) scores = scores.Plus(bias);               // positions + masks
        return scores.to(ScalarType.Float32).softmax(-1).to(query.dtype).MoveToOuterDisposeScope();
    }

    Tensor SplitHeads(Tensor x)                                             // (B, T, H·dk)
        => x.view(x.shape[0], x.shape[1], NumHeads, HeadDim).transpose(1, 2); // (B, H, T, dk)
}
