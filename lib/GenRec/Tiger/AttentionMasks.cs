// Additive attention biases for masking. A masked position gets −1e9 added to its logit: after softmax
// exp(−1e9 − max) underflows to exactly 0 in float32, so a masked key receives exactly zero weight, while
// a row whose keys were all masked would still be finite (−∞ would give NaN there). Biases are added to
// T5's relative position bias once per stack and then shared by every layer, as T5 does.
using GenRec.Training;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>Builders of additive attention masks (0 = visible, −1e9 = hidden).</summary>
public static class AttentionMasks
{
    /// <summary>Value added to hidden positions' logits.</summary>
    public const float Hidden = -1e9f;

    /// <summary>(B, 1, 1, Tk) bias hiding keys where <paramref name="keyMask"/> (B, Tk) is false (padding).</summary>
    public static Tensor KeyPadding(Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        var hidden = keyMask.to(ScalarType.Bool).logical_not();                                       // (B, Tk)
        var bias = zeros(hidden.shape, ScalarType.Float32, keyMask.device).masked_fill(hidden, KeptScalars.Hidden); // (B, Tk)
        return bias.unsqueeze(1).unsqueeze(1).MoveToOuterDisposeScope();                               // (B, 1, 1, Tk)
    }

    /// <summary>(1, 1, T, T) bias hiding keys after the query (position k &gt; q): causal self-attention.</summary>
    public static Tensor Causal(int length, Device device)
    {
        using var scope = NewDisposeScope();
        var future = ones(length, length, ScalarType.Bool, device).triu(1);                           // (T, T) true above diagonal
        var bias = zeros(length, length, ScalarType.Float32, device).masked_fill(future, KeptScalars.Hidden);     // (T, T)
        return bias.unsqueeze(0).unsqueeze(0).MoveToOuterDisposeScope();                               // (1, 1, T, T)
    }
}
