using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tests.Training;

public class GuardedUpdateTests
{
    sealed class Diverged(string message) : Exception(message);

    static (TorchSharp.Modules.Parameter Weight, TorchSharp.Modules.OptimizerHelper Optimizer) Setup(float[] values)
    {
        var weight = new TorchSharp.Modules.Parameter(tensor(values));
        return (weight, optim.SGD([weight], 0.1));
    }

    [Fact]
    public void A_finite_loss_steps_the_optimizer_and_returns_the_loss()
    {
        var (w, sgd) = Setup([1f, -2f]);
        var loss = w.pow(2).sum();                                  // 1 + 4 = 5; gradient 2w = (2, −4)
        var value = GuardedUpdate.Apply(loss, [w], sgd, clipNorm: 0, message => new Diverged(message));
        Assert.Equal(5f, value);
        Assert.Equal([0.8f, -1.6f], w.data<float>().ToArray());     // w − 0.1·2w by hand
    }

    [Fact]
    public void Clipping_scales_the_gradient_to_the_given_global_norm()
    {
        var (w, sgd) = Setup([3f, 4f]);
        var loss = (w * tensor(new[] { 3f, 4f })).sum();            // gradient (3, 4), norm 5 → clipped to norm 1: (0.6, 0.8)
        GuardedUpdate.Apply(loss, [w], sgd, clipNorm: 1, message => new Diverged(message));
        var after = w.data<float>().ToArray();
        Assert.Equal(3f - 0.06f, after[0], 4);
        Assert.Equal(4f - 0.08f, after[1], 4);
    }

    [Fact]
    public void A_NaN_loss_throws_the_callers_exception_and_leaves_the_parameters()
    {
        var (w, sgd) = Setup([1f, 2f]);
        var loss = (w * float.NaN).sum();
        var error = Assert.Throws<Diverged>(() => GuardedUpdate.Apply(loss, [w], sgd, 1, message => new Diverged(message)));
        Assert.Equal("loss is NaN", error.Message);
        Assert.Equal([1f, 2f], w.data<float>().ToArray());
    }

    [Fact]
    public void An_infinite_gradient_with_a_finite_loss_is_not_applied_and_the_gradient_is_cleared()
    {
        var (w, sgd) = Setup([0f, 1f]);
        var loss = w.sqrt().sum();                                  // finite (1), but d√w/dw = ∞ at w = 0
        var error = Assert.Throws<Diverged>(() => GuardedUpdate.Apply(loss, [w], sgd, 0, message => new Diverged(message)));
        Assert.StartsWith("gradient norm is", error.Message);
        Assert.Equal([0f, 1f], w.data<float>().ToArray());
        Assert.True(w.grad is null || w.grad.abs().sum().item<float>() == 0);
    }
}
