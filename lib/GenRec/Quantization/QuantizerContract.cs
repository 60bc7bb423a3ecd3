// The common contract of every quantizer in GenRec.Quantization, in the spirit of
// lucidrains/vector-quantize-pytorch: each quantizer is its own class, all return the same record, and
// options are named after the technique (Distance, Estimator, DeadCodeWindow, ...).
// A quantizer maps continuous vectors (B, D) to L discrete codes per row (B, L) and back.
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Quantization;

/// <summary>How "nearest codeword" is measured.</summary>
public enum Distance
{
    /// <summary>Squared Euclidean distance ‖x − e‖².</summary>
    L2,
    /// <summary>1 − cos(x, e): only the direction counts for the choice; the codeword itself is used as stored.</summary>
    Cosine,
}

/// <summary>How gradients cross the non-differentiable nearest-codeword choice during training.</summary>
public enum Estimator
{
    /// <summary>Straight-through (van den Oord 2017): forward q, backward identity to x: x + sg(q − x).</summary>
    StraightThrough,
    /// <summary>Gumbel-softmax (Jang 2017): sampled hard code forward, soft assignment over −distance/τ backward.</summary>
    GumbelSoftmax,
    /// <summary>Rotation trick (Fifty et al. 2024): x is rotated and rescaled onto q by a detached linear map.</summary>
    RotationTrick,
}

/// <summary>How per-row squared errors are reduced over the feature dimension before averaging over the batch.</summary>
public enum Reduction
{
    /// <summary>Sum over dimensions (as in the TIGER paper's ‖·‖²), mean over the batch.</summary>
    Sum,
    /// <summary>Mean over dimensions and over the batch (PyTorch's default mse_loss).</summary>
    Mean,
}

/// <summary>
/// What every quantizer returns. <see cref="Loss"/> = <see cref="CodebookLoss"/> + <see cref="CommitmentLoss"/>
/// (unweighted; a model applies its own β to the commitment part). Training-free quantizers return zero losses.
/// Disposing the record disposes its tensors.
/// </summary>
/// <param name="Quantized">(B, D) the quantized vectors, carrying the estimator's gradient path in training.</param>
/// <param name="Codes">(B, L) int64 chosen code per level.</param>
/// <param name="Loss">scalar codebook + commitment loss.</param>
/// <param name="CodebookLoss">scalar ‖sg[r] − e‖², summed over levels.</param>
/// <param name="CommitmentLoss">scalar ‖r − sg[e]‖², summed over levels.</param>
public sealed record QuantizerOutput(Tensor Quantized, Tensor Codes, Tensor Loss, Tensor CodebookLoss, Tensor CommitmentLoss)
    : IDisposable
{
    /// <summary>Moves all tensors out of the current dispose scope so they survive it.</summary>
    public QuantizerOutput MoveToOuterDisposeScope()
    {
        Quantized.MoveToOuterDisposeScope();
        Codes.MoveToOuterDisposeScope();
        Loss.MoveToOuterDisposeScope();
        CodebookLoss.MoveToOuterDisposeScope();
        CommitmentLoss.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        Quantized.Dispose();
        Codes.Dispose();
        Loss.Dispose();
        CodebookLoss.Dispose();
        CommitmentLoss.Dispose();
    }
}

/// <summary>A quantizer: vectors (B, D) → codes (B, L) and codes → vectors.</summary>
public interface IQuantizer : IDisposable
{
    /// <summary>Number of code positions per vector (L).</summary>
    int Levels { get; }

    /// <summary>Number of distinct codes per level (K).</summary>
    int CodebookSize { get; }

    /// <summary>Width of the vectors it quantizes (D).</summary>
    int Dim { get; }

    /// <summary>Quantizes x (B, D). In training mode the output carries the estimator's gradients.</summary>
    QuantizerOutput forward(Tensor x);

    /// <summary>Codes (B, L) → vectors (B, D); equals <see cref="QuantizerOutput.Quantized"/> in eval mode.</summary>
    Tensor Decode(Tensor codes);

    /// <summary>
    /// Sets the codebooks from data x (N, D): seeded k-means for learnable quantizers (level by level on the
    /// residuals), the complete fit for training-free ones (residual k-means, LSH bucket means).
    /// </summary>
    void InitializeFromData(Tensor x);
}

/// <summary>Small tensor helpers shared by the quantizers.</summary>
internal static class QuantizerMath
{
    /// <summary>Per-row squared error reduced over dims as asked, then averaged over rows → scalar.</summary>
    public static Tensor SquaredError(Tensor a, Tensor b, Reduction reduction)
    {
        using var diff = a - b;                  // (B, D)
        using var sq = diff.Squared();           // (B, D)
        using var perRow = reduction == Reduction.Sum ? sq.sum(1) : sq.mean([1L]); // (B)
        return perRow.mean();
    }

    /// <summary>Zero scalar on the device/dtype of <paramref name="like"/>.</summary>
    public static Tensor Zero(Tensor like) => torch.zeros(Array.Empty<long>(), dtype: like.dtype, device: like.device);

    /// <summary>A seeded CPU generator (TorchSharp's generators are CPU-side; device tensors are moved after).</summary>
    public static Generator Seeded(long seed) => new Generator((ulong)seed, torch.CPU);

    /// <summary>Checks a (B, D) float input.</summary>
    public static void CheckInput(Tensor x, int dim, string who)
    {
        if (x.dim() != 2 || x.shape[1] != dim)
            throw new ArgumentException($"{who}: expected input of shape (B, {dim}), got ({string.Join(", ", x.shape)}).");
    }
}
