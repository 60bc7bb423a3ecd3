// EvalMode.Run: dropout off and no gradients inside, the module's own mode back afterwards — also after an
// exception, and without switching an eval-mode module into training.
using GenRec.Training;
using static TorchSharp.torch;

namespace GenRec.Tests.Training;

public class EvalModeTests
{
    [Fact]
    public void Inside_the_module_is_in_eval_mode_without_gradients_and_afterwards_in_the_mode_it_was_in()
    {
        using var module = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5));
        module.train();
        var inside = EvalMode.Run(module, () => (module.training, module.children().All(c => !c.training), is_grad_enabled()));
        Assert.Equal((false, true, false), inside);
        Assert.True(module.training);
        Assert.True(is_grad_enabled());

        Assert.Throws<InvalidOperationException>(() => EvalMode.Run<int>(module, () => throw new InvalidOperationException("boom")));
        Assert.True(module.training);
        Assert.True(is_grad_enabled());

        module.eval();
        EvalMode.Run(module, () => 0);
        Assert.False(module.training);
    }

    [Fact]
    public void Dropout_is_off_inside_so_two_calls_agree()
    {
        using var scope = NewDisposeScope();
        using var module = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5));
        module.train();
        using var x = ones(8, 4);
        var (a, b) = EvalMode.Run(module, () => (module.call(x).data<float>().ToArray(), module.call(x).data<float>().ToArray()));
        Assert.Equal(a, b);
    }
}
