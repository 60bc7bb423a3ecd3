// GuardedUpdate by hand, with Adam at ε = 1 so that the first step, lr·g/(|g| + 1) after bias correction,
// shows the gradient's size (with a tiny ε it would be lr·sign(g), blind to clipping).
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tests.Training;

public class GuardedUpdateTests
{
    sealed class Diverged(string message) : Exception(message);

    static (TorchSharp.Modules.Parameter Weight, KeptOptimizer Optimizer) Setup(float[] values)
    {
        var weight = new TorchSharp.Modules.Parameter(tensor(values));
        return (weight, new KeptAdamW([weight], learningRate: 0.1, epsilon: 1, decoupledWeightDecay: false));
    }

    [Fact]
    public void A_finite_loss_steps_the_optimizer_and_returns_the_loss()
    {
        var (w, adam) = Setup([1f, -2f]);
        var loss = w.pow(2).sum();                                  // 1 + 4 = 5; gradient 2w = (2, −4)
        var value = GuardedUpdate.Apply(loss, [w], adam, clipNorm: 0, message => new Diverged(message));
        Assert.Equal(5f, value);
        var after = w.data<float>().ToArray();                      // w − 0.1·g/(|g| + 1): 1 − 0.2/3, −2 + 0.4/5
        Assert.Equal(1 - 0.2 / 3, after[0], 1e-6);
        Assert.Equal(-2 + 0.08, after[1], 1e-6);
    }

    [Fact]
    public void Clipping_scales_the_gradient_to_the_given_global_norm()
    {
        var (w, adam) = Setup([3f, 4f]);
        var loss = (w * tensor(new[] { 3f, 4f })).sum();            // gradient (3, 4), norm 5 → clipped to norm 1: (0.6, 0.8)
        GuardedUpdate.Apply(loss, [w], adam, clipNorm: 1, message => new Diverged(message));
        Assert.Equal([0.6f, 0.8f], w.grad!.data<float>().ToArray(), new ToleranceComparer(1e-6f));
        var after = w.data<float>().ToArray();                      // w − 0.1·g/(|g| + 1) with the clipped g
        Assert.Equal(3 - 0.06 / 1.6, after[0], 1e-6);
        Assert.Equal(4 - 0.08 / 1.8, after[1], 1e-6);
    }

    [Fact]
    public void A_NaN_loss_throws_the_callers_exception_and_leaves_the_parameters()
    {
        var (w, adam) = Setup([1f, 2f]);
        var loss = (w * float.NaN).sum();
        var error = Assert.Throws<Diverged>(() => GuardedUpdate.Apply(loss, [w], adam, 1, message => new Diverged(message)));
        Assert.Equal("loss is NaN", error.Message);
        Assert.Equal([1f, 2f], w.data<float>().ToArray());
    }

    [Fact]
    public void An_infinite_gradient_with_a_finite_loss_is_not_applied_and_the_gradient_is_cleared()
    {
        var (w, adam) = Setup([0f, 1f]);
        var loss = w.sqrt().sum();                                  // finite (1), but d√w/dw = ∞ at w = 0
        var error = Assert.Throws<Diverged>(() => GuardedUpdate.Apply(loss, [w], adam, 0, message => new Diverged(message)));
        Assert.StartsWith("gradient norm is", error.Message);
        Assert.Equal([0f, 1f], w.data<float>().ToArray());
        Assert.True(w.grad is null || w.grad.abs().sum().item<float>() == 0);
    }

    sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
