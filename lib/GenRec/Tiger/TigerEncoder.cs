// T5 encoder stack: dropout on the (shared) token embeddings, N EncoderLayers sharing one bias tensor
// (bidirectional relative positions + key padding, computed once), final RmsNorm and dropout.
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>(embedded source (B, S, D), key mask (B, S) true = token) → (B, S, D).</summary>
public sealed class TigerEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    readonly ModuleList<EncoderLayer> layers = new();
    readonly RelativePositionBias relativeBias;
    readonly RmsNorm finalNorm;
    readonly SeededDropout dropout;

    public TigerEncoder(TigerConfig config, DropoutRandomness? randomness = null) : base(nameof(TigerEncoder))
    {
        randomness ??= new DropoutRandomness();
        for (var i = 0; i < config.EncoderLayers; i++) layers.Add(new EncoderLayer(config, randomness));
        relativeBias = new RelativePositionBias(config.NumHeads, bidirectional: true, config.RelativeBuckets, config.RelativeMaxDistance);
        finalNorm = new RmsNorm(config.DModel, config.LayerNormEpsilon);
        dropout = new SeededDropout(config.Dropout, randomness);
        RegisterComponents();
    }

    public IReadOnlyList<EncoderLayer> Layers => [.. layers];
    public RelativePositionBias RelativeBias => relativeBias;

    public override Tensor forward(Tensor embedded, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        var length = (int)embedded.shape[1];
        var bias = relativeBias.forward(length, length)              // (1, H, S, S)
                 .Plus(AttentionMasks.KeyPadding(keyMask));         // (B, 1, 1, S) → (B, H, S, S)
        var x = dropout.forward(embedded);                           // (B, S, D)
        foreach (var layer in layers) x = layer.forward(x, bias);    // (B, S, D)
        return dropout.forward(finalNorm.forward(x)).MoveToOuterDisposeScope();
    }
}
