// One SASRec self-attention block (Kang & McAuley, 2018, §III-B/C), pre-LayerNorm:
//   x ← x + dropout(SelfAttention(LayerNorm(x)))     causal: position t sees positions ≤ t only
//   x ← x + dropout(FeedForward(LayerNorm(x)))       point-wise: W2 · dropout(ReLU(W1 · h + b1)) + b2
//   x ← x · timeline mask                            padding positions are reset to 0 (as the paper's code does)
// Why pre-LN: it is the paper's own equation (g(x) = x + Dropout(g(LayerNorm(x)))); it trains stably with
// a constant Adam learning rate and no warm-up; and with the final LayerNorm of SasRecModel the state fed
// to the tied output layer is normalised. The paper's code normalises only the queries (keys and values
// read the raw stream); here all three read the normalised stream, the usual pre-LN transformer.
// Attention is the standard scaled dot product with biases on all projections and an output projection.
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using GenRec.Tiger;
using static TorchSharp.torch;

namespace GenRec.SasRec;

/// <summary>Multi-head self-attention: (x (B, L, D), additive bias (B, 1, L, L)) → (B, L, D).</summary>
public sealed class SasRecSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear query, key, value, output;
    readonly SeededDropout attentionDropout;
    readonly int heads, headDim;
    readonly Scalar sqrtHeadDim;   // kept for the module's life (see KeptScalars)

    public SasRecSelfAttention(int hiddenSize, int heads, double dropout, DropoutRandomness randomness) : base(nameof(SasRecSelfAttention))
    {
        this.heads = heads;
        headDim = hiddenSize / heads;
        sqrtHeadDim = KeptScalars.Keep(Math.Sqrt(headDim));
        query = nn.Linear(hiddenSize, hiddenSize);
        key = nn.Linear(hiddenSize, hiddenSize);
        value = nn.Linear(hiddenSize, hiddenSize);
        output = nn.Linear(hiddenSize, hiddenSize);
        attentionDropout = new SeededDropout(dropout, randomness);
        RegisterComponents();
    }

    /// <summary>The four projections (query, key, value, output), for initialisation.</summary>
    public IEnumerable<Linear> Projections => [query, key, value, output];

    public override Tensor forward(Tensor x, Tensor bias)
    {
        using var scope = NewDisposeScope();
        var (batch, length) = (x.shape[0], x.shape[1]);
        var q = SplitHeads(query.forward(x));                                        // (B, H, L, dh)
        var k = SplitHeads(key.forward(x));                                          // (B, H, L, dh)
        var v = SplitHeads(value.forward(x));                                        // (B, H, L, dh)
        var scores = q.matmul(k.transpose(-1, -2)).div(sqrtHeadDim).Plus(bias);      // (B, H, L, L) q·kᵀ/√dh + bias
        var weights = attentionDropout.forward(scores.softmax(-1));                  // (B, H, L, L)
        var context = weights.matmul(v).transpose(1, 2).reshape(batch, length, heads * headDim);   // (B, L, D)
        return output.forward(context).MoveToOuterDisposeScope();                    // (B, L, D)
    }

    Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], heads, headDim).transpose(1, 2);   // (B, L, D) → (B, H, L, dh)
}

/// <summary>Pre-LN block: (x (B, L, D), bias (B, 1, L, L), timeline mask (B, L, 1)) → (B, L, D).</summary>
public sealed class SasRecBlock : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    readonly LayerNorm attentionNorm, feedForwardNorm;
    readonly SasRecSelfAttention attention;
    readonly Linear feedForwardIn, feedForwardOut;
    readonly SeededDropout hiddenDropout, residualDropout;

    public SasRecBlock(SasRecConfig config, DropoutRandomness randomness) : base(nameof(SasRecBlock))
    {
        attentionNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEpsilon);
        attention = new SasRecSelfAttention(config.HiddenSize, config.Heads, config.Dropout, randomness);
        feedForwardNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEpsilon);
        feedForwardIn = nn.Linear(config.HiddenSize, config.FeedForwardSize);
        feedForwardOut = nn.Linear(config.FeedForwardSize, config.HiddenSize);
        hiddenDropout = new SeededDropout(config.Dropout, randomness);
        residualDropout = new SeededDropout(config.Dropout, randomness);
        RegisterComponents();
    }

    public SasRecSelfAttention Attention => attention;

    /// <summary>Feed-forward projections (in, out), for initialisation.</summary>
    public IEnumerable<Linear> FeedForward => [feedForwardIn, feedForwardOut];

    public override Tensor forward(Tensor x, Tensor bias, Tensor timelineMask)
    {
        using var scope = NewDisposeScope();
        x = x.Plus(residualDropout.forward(attention.forward(attentionNorm.forward(x), bias)));          // (B, L, D)
        var hidden = nn.functional.relu(feedForwardIn.forward(feedForwardNorm.forward(x)));          // (B, L, F)
        x = x.Plus(residualDropout.forward(feedForwardOut.forward(hiddenDropout.forward(hidden))));      // (B, L, D)
        return (x * timelineMask).MoveToOuterDisposeScope();                                         // (B, L, D)
    }
}
