// One T5 encoder layer (pre-norm residual blocks, Raffel et al., 2020):
//   x ← x + dropout(SelfAttention(RmsNorm(x)))      bidirectional, padding keys hidden by the bias
//   x ← x + dropout(FeedForward(RmsNorm(x)))
// With a causal bias the same block is a decoder-only layer (DecoderOnlyModel stacks it that way).
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>(x (B, S, D), bias (B, H, S, S)) → (B, S, D).</summary>
public sealed class EncoderLayer : nn.Module<Tensor, Tensor, Tensor>
{
    readonly RmsNorm attentionNorm, feedForwardNorm;
    readonly MultiHeadAttention selfAttention;
    readonly FeedForward feedForward;
    readonly SeededDropout dropout;

    public EncoderLayer(TigerConfig config, DropoutRandomness? randomness = null) : base(nameof(EncoderLayer))
    {
        randomness ??= new DropoutRandomness();
        attentionNorm = new RmsNorm(config.DModel, config.LayerNormEpsilon);
        selfAttention = new MultiHeadAttention(config.DModel, config.NumHeads, config.DKv, config.AttentionDropoutRate, randomness);
        feedForwardNorm = new RmsNorm(config.DModel, config.LayerNormEpsilon);
        feedForward = new FeedForward(config.DModel, config.DFf, config.Dropout, config.Activation, randomness);
        dropout = new SeededDropout(config.Dropout, randomness);
        RegisterComponents();
    }

    public MultiHeadAttention SelfAttention => selfAttention;
    public FeedForward FeedForward => feedForward;
    /// <summary>Pre-norms of the attention and feed-forward blocks (for DecoderOnlyModel's cached decoding).</summary>
    public (RmsNorm Attention, RmsNorm FeedForward) Norms => (attentionNorm, feedForwardNorm);

    public override Tensor forward(Tensor x, Tensor bias)
    {
        using var scope = NewDisposeScope();
        var h = attentionNorm.forward(x);                                   // (B, S, D)
        x = x.Plus(dropout.forward(selfAttention.forward(h, h, bias)));         // (B, S, D)
        x = x.Plus(dropout.forward(feedForward.forward(feedForwardNorm.forward(x))));
        return x.MoveToOuterDisposeScope();
    }
}
