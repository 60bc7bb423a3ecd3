// Scalars that live as long as the process. TorchSharp turns a C# number into a temporary Scalar for every
// scalar argument (the alpha of `a + b`, a masked_fill value, a pow exponent) and passes only its native
// handle; when a garbage collection finalizes that temporary while LibTorch is still reading it, the call
// fails with "Exception raised from toFloat at c10/core/Scalar.h". Two such aborts hit TIGER training on
// Beauty (in the attention bias add and in the key-padding mask), after ~1,000 and ~100 steps. The hot paths
// of the model therefore pass these kept Scalars instead of literals. (Our explanation from the two stack
// traces; the failure is too rare to reproduce in a test.)
using TorchSharp;

namespace GenRec.Tiger;

/// <summary>Process-lifetime Scalars for the model's hot arithmetic (see the file header).</summary>
public static class KeptScalars
{
    /// <summary>The alpha of a plain tensor + tensor.</summary>
    public static readonly Scalar One = Keep(1.0f);

    /// <summary><see cref="AttentionMasks.Hidden"/> as a Scalar.</summary>
    public static readonly Scalar Hidden = Keep(AttentionMasks.Hidden);

    // An explicit static constructor makes the fields above initialise on the first use of any member, so
    // RmsNorm's constructor (calling Keep) creates them while a model is built — outside any dispose scope,
    // as models must be — never lazily inside a forward pass's scope, which could own and dispose them.
    static KeptScalars() { }

    /// <summary>A Scalar for a module to hold for its life; call it from the module's constructor.</summary>
    public static Scalar Keep(double value) => value;

    /// <summary>Adds <paramref name="b"/> to <paramref name="a"/> like `a + b`, without a temporary Scalar.</summary>
    public static torch.Tensor Plus(this torch.Tensor a, torch.Tensor b) => a.add(b, One);
}
