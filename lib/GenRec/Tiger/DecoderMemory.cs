// What decoding needs from the encoder, computed once per batch of sources: the encoder output, its
// padding bias, and every decoder layer's cross-attention keys and values. Beam search and sequence
// scoring run the decoder several times against the same sources (once per generated token, or once per
// chunk of candidates); projecting the encoder output for cross-attention each time was the largest part
// of a beam-search step at the paper's size (4 layers × 2 projections of (B, S, 128) → (B, S, 384)).
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>Encoder output and projected cross-attention keys/values for B sources (see <see cref="TigerModel.PrepareDecoding"/>).</summary>
public sealed class DecoderMemory : IDisposable
{
    internal DecoderMemory(Tensor memory, Tensor memoryBias, IReadOnlyList<(Tensor Keys, Tensor Values)> crossKeysValues)
    {
        Memory = memory;
        MemoryBias = memoryBias;
        CrossKeysValues = crossKeysValues;
    }

    /// <summary>Encoder output (B, S, D).</summary>
    public Tensor Memory { get; }
    /// <summary>Additive padding bias (B, 1, 1, S) of the sources.</summary>
    public Tensor MemoryBias { get; }
    /// <summary>Per decoder layer: cross-attention keys and values (B, H, S, d_kv).</summary>
    public IReadOnlyList<(Tensor Keys, Tensor Values)> CrossKeysValues { get; }
    /// <summary>Number of sources B.</summary>
    public long Sources => Memory.shape[0];

    /// <summary>Takes every tensor out of its dispose scope: the caller owns them until <see cref="Dispose"/>.</summary>
    public DecoderMemory DetachFromDisposeScope()
    {
        Memory.DetachFromDisposeScope();
        MemoryBias.DetachFromDisposeScope();
        foreach (var (keys, values) in CrossKeysValues) { keys.DetachFromDisposeScope(); values.DetachFromDisposeScope(); }
        return this;
    }

    public void Dispose()
    {
        Memory.Dispose();
        MemoryBias.Dispose();
        foreach (var (keys, values) in CrossKeysValues) { keys.Dispose(); values.Dispose(); }
    }
}
