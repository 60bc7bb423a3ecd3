// T5 decoder stack: dropout on the (shared) token embeddings, N DecoderLayers sharing one causal self-
// attention bias (causal relative positions + future mask, computed once) and one cross-attention mask
// (encoder padding), final RmsNorm and dropout. Decoder rows may be W beams per source (see DecoderLayer).
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>(embedded decoder input (N, T, D), memory (B, S, D), memory mask (B, S)) → (N, T, D).</summary>
public sealed class TigerDecoder : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    readonly ModuleList<DecoderLayer> layers = new();
    readonly RelativePositionBias relativeBias;
    readonly RmsNorm finalNorm;
    readonly SeededDropout dropout;

    public TigerDecoder(TigerConfig config, DropoutRandomness? randomness = null) : base(nameof(TigerDecoder))
    {
        randomness ??= new DropoutRandomness();
        for (var i = 0; i < config.DecoderLayers; i++) layers.Add(new DecoderLayer(config, randomness));
        relativeBias = new RelativePositionBias(config.NumHeads, bidirectional: false, config.RelativeBuckets, config.RelativeMaxDistance);
        finalNorm = new RmsNorm(config.DModel, config.LayerNormEpsilon);
        dropout = new SeededDropout(config.Dropout, randomness);
        RegisterComponents();
    }

    public IReadOnlyList<DecoderLayer> Layers => [.. layers];
    public RelativePositionBias RelativeBias => relativeBias;

    public override Tensor forward(Tensor embedded, Tensor memory, Tensor memoryMask)
    {
        using var scope = NewDisposeScope();
        var memoryBias = AttentionMasks.KeyPadding(memoryMask);                  // (B, 1, 1, S)
        var crossKeysValues = layers.Select(l => l.CrossAttention.ProjectKeysValues(memory)).ToList();
        return Forward(embedded, crossKeysValues, memoryBias).MoveToOuterDisposeScope();
    }

    /// <summary>Decoder output (N, T, D) with every layer's cross-attention keys and values (B, H, S, dk)
    /// already projected, e.g. from a <see cref="DecoderMemory"/>.</summary>
    public Tensor Forward(Tensor embedded, IReadOnlyList<(Tensor Keys, Tensor Values)> crossKeysValues, Tensor memoryBias)
    {
        using var scope = NewDisposeScope();
        var length = (int)embedded.shape[1];
        var selfBias = relativeBias.forward(length, length)                      // (1, H, T, T)
                     .Plus(AttentionMasks.Causal(length, embedded.device));     // (1, 1, T, T)
        var x = dropout.forward(embedded);                                       // (N, T, D)
        for (var i = 0; i < layers.Count; i++)
            x = layers[i].Forward(x, selfBias, crossKeysValues[i].Keys, crossKeysValues[i].Values, memoryBias);
        return dropout.forward(finalNorm.forward(x)).MoveToOuterDisposeScope(); // (N, T, D)
    }
}
