// Scalars that live as long as their owner. TorchSharp 0.107 turns a C# number into a temporary Scalar for
// every scalar argument (the alpha of `a + b`, a masked_fill value, a pow exponent) and passes only its native
// handle; when a garbage collection finalizes that temporary while LibTorch is still reading it, the call
// fails with "Exception raised from toFloat at c10/core/Scalar.h" and the process aborts (TOOLCHAIN.md,
// "TorchSharp Scalars and the GC"). Two such aborts hit TIGER training on Beauty (in the attention bias add
// and in the key-padding mask), after ~1,000 and ~100 steps; the GC-stress harness (tests/GenRec.GcStress)
// reproduces one within seconds. Code that runs per step or per batch therefore passes only held Scalars:
// the constants here, a module's own constants made with Keep in its constructor, or a `using` local for a
// value that changes per call. NoTemporaryScalarsTests keeps it that way.
// TorchSharp 0.107's dispose scopes do not own Scalars (a Scalar made inside a scope keeps its native handle
// after the scope; measured), so a kept Scalar may be made anywhere; it is freed by Dispose or its finalizer.
using GenRec.Tiger;
using TorchSharp;

namespace GenRec.Training;

/// <summary>Process-lifetime Scalars for hot arithmetic, and the constructor of an owner's own (see the file header).</summary>
public static class KeptScalars
{
    /// <summary>Integer 1: the alpha TorchSharp itself passes for `a + b` (an integer alpha suits every dtype).</summary>
    public static readonly Scalar One = Keep(1L);

    /// <summary>Integer 0 (comparisons with 0, clamping at 0).</summary>
    public static readonly Scalar Zero = Keep(0L);

    /// <summary>Integer 2 (squares as pow(2), which is what TorchSharp's square() computes).</summary>
    public static readonly Scalar Two = Keep(2L);

    /// <summary><see cref="AttentionMasks.Hidden"/> as a Scalar.</summary>
    public static readonly Scalar Hidden = Keep(AttentionMasks.Hidden);

    /// <summary>A floating-point Scalar for its owner to hold for its life (a module or optimizer constructor).</summary>
    public static Scalar Keep(double value) => value.ToScalar();

    /// <summary>An integer Scalar for its owner to hold for its life.</summary>
    public static Scalar Keep(long value) => value.ToScalar();

    /// <summary>Adds <paramref name="b"/> to <paramref name="a"/> like `a + b`, without a temporary Scalar.</summary>
    public static torch.Tensor Plus(this torch.Tensor a, torch.Tensor b) => a.add(b, One);

    /// <summary>x² like `x.square()` (which is pow(2) with a temporary 2), without a temporary Scalar.</summary>
    public static torch.Tensor Squared(this torch.Tensor x) => x.pow(Two);
}
