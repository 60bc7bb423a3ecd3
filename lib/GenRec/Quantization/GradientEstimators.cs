// Gradient estimators for the nearest-codeword choice. Each returns a tensor whose forward value is the
// quantized vector q (up to float rounding) and whose backward path is what the technique prescribes.
// In eval mode the quantizers bypass these and return q itself, so training and inference agree exactly.
// Every Scalar handed to LibTorch here is held (KeptScalars, the fields below, `using` locals): these run in
// every training step (see KeptScalars).
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Quantization;

/// <summary>Straight-through, rotation-trick and Gumbel-softmax estimators.</summary>
public static class GradientEstimators
{
    static readonly Scalar GumbelFloor = KeptScalars.Keep(1e-10), GumbelCeiling = KeptScalars.Keep(1.0);

    /// <summary>x + sg(q − x): value q, gradient identity to x, none to q.</summary>
    public static Tensor StraightThrough(Tensor x, Tensor q)
    {
        using var delta = (q - x).detach();      // (B, D)
        return x.Plus(delta);
    }

    /// <summary>
    /// Rotation trick (Fifty et al. 2024): q̃ = sg[λ R] x with λ = ‖q‖/‖x‖ and R the rotation taking x̂ to q̂,
    /// applied without forming R: R x = x − 2 r (rᵀx) + 2 q̂ (x̂ᵀx), r = (x̂ + q̂)/‖x̂ + q̂‖. The value is q;
    /// the gradient reaching x is the incoming gradient rotated back and rescaled; q gets none.
    /// </summary>
    public static Tensor RotationTrick(Tensor x, Tensor q, double eps = 1e-8)
    {
        using var scope = torch.NewDisposeScope();
        using var floor = eps.ToScalar();
        Tensor xHat, qHat, r, lambda;
        using (torch.no_grad())
        {
            var xNorm = x.norm(1, keepdim: true).clamp_min(floor);    // (B, 1)
            var qNorm = q.norm(1, keepdim: true).clamp_min(floor);    // (B, 1)
            xHat = x / xNorm;                                          // (B, D)
            qHat = q / qNorm;                                          // (B, D)
            var sum = xHat.Plus(qHat);                                 // (B, D)
            r = sum / sum.norm(1, keepdim: true).clamp_min(floor);     // (B, D)
            lambda = qNorm / xNorm;                                    // (B, 1)
        }
        var rx = (r * x).sum(1, keepdim: true);                        // (B, 1)
        var xx = (xHat * x).sum(1, keepdim: true);                     // (B, 1) = ‖x‖ with grad path
        var rotated = (x - r.mul(KeptScalars.Two) * rx).Plus(qHat.mul(KeptScalars.Two) * xx);   // (B, D) x − 2r·rx + 2q̂·xx
        return (lambda * rotated).MoveToOuterDisposeScope();           // (B, D)
    }

    /// <summary>
    /// Hard Gumbel-softmax over logits (B, K) at temperature τ: noisy = logits/τ + g with g ~ Gumbel(0, 1);
    /// the code is argmax(noisy) (a sample from softmax(logits/τ)), soft = softmax(noisy), and the returned
    /// assignment one-hot − sg(soft) + soft has the one-hot as value and the soft assignment's gradient.
    /// τ scales the logits before the noise, so annealing τ → 0 turns sampling into the plain argmax
    /// (the nearest code, as used in eval mode), not only sharpens the relaxation.
    /// </summary>
    public static (Tensor Assignment, Tensor Codes) GumbelSoftmax(Tensor logits, double temperature, Generator gen)
    {
        using var scope = torch.NewDisposeScope();
        var u = torch.rand(logits.shape, generator: gen).to(logits.device);          // (B, K)
        var g = -(-(u.clamp(GumbelFloor, GumbelCeiling)).log()).clamp_min(GumbelFloor).log();   // (B, K) Gumbel(0, 1)
        using var tau = temperature.ToScalar();
        var noisy = logits.div(tau).Plus(g);                                         // (B, K) logits/τ + g
        var soft = noisy.softmax(1);                                                 // (B, K)
        var codes = noisy.argmax(1);                                                 // (B)
        var hard = torch.nn.functional.one_hot(codes, logits.shape[1]).to_type(soft.dtype); // (B, K)
        var assignment = (hard - soft.detach()).Plus(soft);                          // (B, K) hard − sg(soft) + soft
        return (assignment.MoveToOuterDisposeScope(), codes.MoveToOuterDisposeScope());
    }
}
