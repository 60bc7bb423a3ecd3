// One optimizer update that cannot corrupt the model: the loss is checked before backward, the gradient
// norm after clipping, and the step is applied only when both are finite. A NaN or ∞ therefore stops
// training with the parameters of the last good step (and the last checkpoint on disk untouched).
// TIGER's and SASRec's trainers share it; each passes its own exception, whose message says what to do.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Training;

/// <summary>A finite-checked backward pass, gradient clipping and optimizer step.</summary>
public static class GuardedUpdate
{
    /// <summary>
    /// Back-propagates <paramref name="loss"/>, clips the global L2 norm of the gradients of
    /// <paramref name="parameters"/> to <paramref name="clipNorm"/> (≤ 0: no clipping, the norm is still
    /// checked) and steps <paramref name="optimizer"/>. Returns the loss value. Throws the exception made by
    /// <paramref name="diverged"/> from "loss is NaN" / "gradient norm is ∞" without applying the update.
    /// </summary>
    public static float Apply(Tensor loss, IEnumerable<Parameter> parameters, KeptOptimizer optimizer,
                              double clipNorm, Func<string, Exception> diverged)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(diverged);
        var lossValue = loss.item<float>();
        if (!float.IsFinite(lossValue)) throw diverged($"loss is {lossValue}");
        loss.backward();
        // LibTorch takes max_norm as a float: double.MaxValue would overflow to ∞, float.MaxValue never clips
        var norm = nn.utils.clip_grad_norm_(parameters, clipNorm > 0 ? clipNorm : float.MaxValue);
        if (!double.IsFinite(norm))
        {
            optimizer.ZeroGrad();    // a poisoned gradient must not leak into a later step
            throw diverged($"gradient norm is {norm}");
        }
        optimizer.Step();
        return lossValue;
    }
}
