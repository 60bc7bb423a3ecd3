// Running a piece of inference in the middle of training: eval mode (no dropout) under no_grad, then the
// module back in the mode it was in. Validation between training steps, loss read-outs and encoding with a
// model that is still being trained all need exactly this, and forgetting the restore silently turns dropout
// off for the rest of training, so it lives here once.
using TorchSharp;

namespace GenRec.Training;

/// <summary>Eval-mode, no-gradient execution that gives the module back in its previous mode.</summary>
public static class EvalMode
{
    /// <summary>
    /// Runs <paramref name="body"/> with <paramref name="module"/> in eval mode under no_grad, then restores the mode
    /// the module was in (also when <paramref name="body"/> throws).
    /// </summary>
    public static T Run<T>(torch.nn.Module module, Func<T> body)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(body);
        var wasTraining = module.training;
        module.eval();
        try
        {
            using var noGrad = torch.no_grad();
            return body();
        }
        finally
        {
            module.train(wasTraining);
        }
    }
}
