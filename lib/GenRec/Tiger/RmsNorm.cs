// T5's layer normalisation (Raffel et al., 2020; Zhang & Sennrich, 2019 "RMSNorm"): scale each vector by
// the reciprocal of its root mean square and by a learned per-feature gain. Unlike LayerNorm there is no
// mean subtraction and no bias — T5 found it as good and cheaper. Statistics are taken in float32 even if
// activations are half precision, as in T5.
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>y = x / sqrt(mean(x²) + eps) · weight, over the last dimension.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Scalar eps;   // kept for the module's life: see KeptScalars

    public RmsNorm(int dim, double eps = 1e-6) : base(nameof(RmsNorm))
    {
        weight = new Parameter(ones(dim));   // (D) gain, starts at identity
        this.eps = KeptScalars.Keep(eps);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)                       // x: (…, D)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to(ScalarType.Float32);                                          // (…, D)
        var variance = (x32 * x32).mean([-1L], keepdim: true);                       // (…, 1)
        var normed = x * rsqrt(variance.add(eps, KeptScalars.One));                  // (…, D)
        return (weight * normed.to(x.dtype)).MoveToOuterDisposeScope();              // (…, D)
    }
}
