// One T5 decoder layer (pre-norm residual blocks, Raffel et al., 2020):
//   x ← x + dropout(CausalSelfAttention(RmsNorm(x)))
//   x ← x + dropout(CrossAttention(RmsNorm(x), encoder output))
//   x ← x + dropout(FeedForward(RmsNorm(x)))
// Beam folding: the decoder may carry W rows per source (N = B·W decoder rows, the W rows of one source
// contiguous). Cross-attention treats each decoder position independently, so the W rows of a source are
// folded into its query axis, (N, T, D) → (B, W·T, D), and attend to that source's encoder output once,
// instead of copying the encoder output W times. Training uses W = 1.
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>(x (N, T, D), selfBias (1, H, T, T), memory (B, S, D), memoryBias (B, 1, 1, S)) → (N, T, D).</summary>
public sealed class DecoderLayer : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    readonly RmsNorm selfAttentionNorm, crossAttentionNorm, feedForwardNorm;
    readonly MultiHeadAttention selfAttention, crossAttention;
    readonly FeedForward feedForward;
    readonly SeededDropout dropout;

    public DecoderLayer(TigerConfig config, DropoutRandomness? randomness = null) : base(nameof(DecoderLayer))
    {
        randomness ??= new DropoutRandomness();
        selfAttentionNorm = new RmsNorm(config.DModel, config.LayerNormEpsilon);
        selfAttention = new MultiHeadAttention(config.DModel, config.NumHeads, config.DKv, config.AttentionDropoutRate, randomness);
        crossAttentionNorm = new RmsNorm(config.DModel, config.LayerNormEpsilon);
        crossAttention = new MultiHeadAttention(config.DModel, config.NumHeads, config.DKv, config.AttentionDropoutRate, randomness);
        feedForwardNorm = new RmsNorm(config.DModel, config.LayerNormEpsilon);
        feedForward = new FeedForward(config.DModel, config.DFf, config.Dropout, config.Activation, randomness);
        dropout = new SeededDropout(config.Dropout, randomness);
        RegisterComponents();
    }

    public MultiHeadAttention SelfAttention => selfAttention;
    public MultiHeadAttention CrossAttention => crossAttention;
    public FeedForward FeedForward => feedForward;

    public override Tensor forward(Tensor x, Tensor selfBias, Tensor memory, Tensor memoryBias)
    {
        using var scope = NewDisposeScope();
        var (keys, values) = crossAttention.ProjectKeysValues(memory);                      // (B, H, S, dk)
        return Forward(x, selfBias, keys, values, memoryBias).MoveToOuterDisposeScope();
    }

    /// <summary>Like forward, with the cross-attention keys and values (B, H, S, dk) already projected.</summary>
    public Tensor Forward(Tensor x, Tensor selfBias, Tensor crossKeys, Tensor crossValues, Tensor memoryBias)
    {
        using var scope = NewDisposeScope();
        long rows = x.shape[0], length = x.shape[1], width = x.shape[2], sources = crossKeys.shape[0];
        if (rows % sources != 0)
            throw new ArgumentException($"Decoder rows ({rows}) must be a multiple of the encoder batch ({sources}).");
        var beams = rows / sources;

        var h = selfAttentionNorm.forward(x);                                               // (N, T, D)
        x = x.Plus(dropout.forward(selfAttention.forward(h, h, selfBias)));                     // (N, T, D)

        h = crossAttentionNorm.forward(x).reshape(sources, beams * length, width);          // (B, W·T, D)
        var cross = crossAttention.Attend(h, crossKeys, crossValues, memoryBias);           // (B, W·T, D)
        x = x.Plus(dropout.forward(cross.reshape(rows, length, width)));                        // (N, T, D)

        x = x.Plus(dropout.forward(feedForward.forward(feedForwardNorm.forward(x))));           // (N, T, D)
        return x.MoveToOuterDisposeScope();
    }
}
