// Our optimizers against hand-computed updates and against TorchSharp's own AdamW, Adam and Adagrad: the same
// parameters and the same gradient sequence for 300 steps (two groups with their own learning rate and weight
// decay, a learning rate that changes every step as the trainers' schedules do, a parameter that never gets a
// gradient) must give the same parameters to 1e-6 — and the saved states must be the same bytes, so checkpoints
// written by TorchSharp's optimizers load into ours and continue identically.
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tests.Training;

public sealed class KeptOptimizerTests(ITestOutputHelper output)
{
    const int Steps = 300;
    static readonly long[][] Shapes = [[4, 3], [3], [2, 2, 2], [5]];   // the last one never gets a gradient

    /// <summary>Fresh parameters with the same seeded values on every call.</summary>
    static Parameter[] Parameters()
    {
        var generator = new Generator(11, CPU);
        return [.. Shapes.Select(shape => new Parameter(randn(shape, generator: generator)))];
    }

    /// <summary>Gradient of step <paramref name="step"/> for parameter <paramref name="i"/>: seeded, varying in scale.</summary>
    static Tensor Gradient(int step, int i)
    {
        var generator = new Generator((ulong)(1000 * step + i), CPU);
        return randn(Shapes[i], generator: generator) * (0.1 + step % 7);
    }

    /// <summary>Backward of Σ θ·G over the used parameters, so every used parameter's gradient is exactly G.</summary>
    static void Backward(Parameter[] parameters, int step)
    {
        using var scope = NewDisposeScope();
        var loss = zeros(1);
        for (var i = 0; i < parameters.Length - 1; i++) loss = loss + (parameters[i] * Gradient(step, i)).sum();
        loss.backward();
    }

    static double LearningRate(int step) => 0.01 * (1 + Math.Sin(step / 10.0)) + 1e-4;

    static double MaxDifference(Parameter[] a, Parameter[] b) =>
        a.Zip(b, (x, y) => (x - y).abs().max().item<float>()).Max();

    static byte[] Saved(Action<BinaryWriter> save)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) save(writer);
        return stream.ToArray();
    }

    /// <summary>
    /// Runs <paramref name="step"/> with no garbage collection: TorchSharp's own optimizers (the reference here)
    /// and this file's `a + b` hand LibTorch temporary Scalars, and a collection that finalizes one mid-call
    /// aborts the call ("toFloat at c10/core/Scalar.h"; it failed this test once on a busy machine). Without a
    /// collection nothing is finalized; the budget is far above what one step allocates.
    /// </summary>
    static void WithoutCollection(Action step)
    {
        var entered = GC.TryStartNoGCRegion(64L << 20);
        try { step(); }
        finally
        {
            if (entered && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
    }

    /// <summary>Steps ours and theirs in lockstep; returns the largest parameter difference seen at any step.</summary>
    static double Lockstep(Parameter[] ours, KeptOptimizer kept, Parameter[] theirs, OptimizerHelper reference, int from, int to)
    {
        var worst = 0.0;
        for (var step = from; step < to; step++) WithoutCollection(() =>
        {
            foreach (var group in kept.Groups) group.LearningRate = LearningRate(step) * (group == kept.Groups[0] ? 1 : 0.5);
            var referenceGroups = reference.ParamGroups.ToList();
            for (var g = 0; g < referenceGroups.Count; g++) referenceGroups[g].LearningRate = LearningRate(step) * (g == 0 ? 1 : 0.5);
            kept.ZeroGrad();
            reference.zero_grad();
            Backward(ours, step);
            Backward(theirs, step);
            kept.Step();
            reference.step();
            worst = Math.Max(worst, MaxDifference(ours, theirs));
        });
        return worst;
    }

    [Fact]
    public void AdamW_with_two_groups_equals_TorchSharps_AdamW_for_300_steps_and_saves_the_same_bytes()
    {
        var ours = Parameters();
        var theirs = Parameters();
        using var kept = new KeptAdamW([new KeptAdamW.Group(ours[..2], 0.01, 0.9, 0.98, 1e-8, weightDecay: 0.1),
                                        new KeptAdamW.Group(ours[2..], 0.01, 0.9, 0.98, 1e-8, weightDecay: 0)]);
        using var reference = optim.AdamW([new AdamW.ParamGroup(theirs[..2], 0.01, 0.9, 0.98, 1e-8, 0.1),
                                           new AdamW.ParamGroup(theirs[2..], 0.01, 0.9, 0.98, 1e-8, 0.0)]);
        var worst = Lockstep(ours, kept, theirs, reference, 0, Steps);
        output.WriteLine($"largest parameter difference over {Steps} steps: {worst:G3}");
        Assert.True(worst <= 1e-6, $"largest difference {worst:G3}");
        Assert.True(MaxDifference(ours, Parameters()) > 0.1);                              // it did move them
        Assert.Equal(Saved(reference.save_state_dict), Saved(kept.SaveState));
    }

    [Fact]
    public void Adam_with_an_L2_penalty_equals_TorchSharps_Adam_for_300_steps()
    {
        var ours = Parameters();
        var theirs = Parameters();
        using var kept = new KeptAdamW(ours, 0.01, 0.9, 0.999, 1e-8, weightDecay: 0.05, decoupledWeightDecay: false);
        using var reference = optim.Adam(theirs, 0.01, 0.9, 0.999, 1e-8, weight_decay: 0.05);
        var worst = Lockstep(ours, kept, theirs, reference, 0, Steps);
        output.WriteLine($"largest parameter difference over {Steps} steps: {worst:G3}");
        Assert.True(worst <= 1e-6, $"largest difference {worst:G3}");
        Assert.Equal(Saved(reference.save_state_dict), Saved(kept.SaveState));
    }

    [Fact]
    public void Adagrad_equals_TorchSharps_Adagrad_for_300_steps_and_saves_the_same_bytes()
    {
        var ours = Parameters();
        var theirs = Parameters();
        using var kept = new KeptAdagrad(ours, 0.1, learningRateDecay: 0.01, weightDecay: 0.02, initialAccumulator: 0.1, epsilon: 1e-10);
        using var reference = optim.Adagrad(theirs, 0.1, lr_decay: 0.01, weight_decay: 0.02, initial_accumulator_value: 0.1, eps: 1e-10);
        var worst = Lockstep(ours, kept, theirs, reference, 0, Steps);
        output.WriteLine($"largest parameter difference over {Steps} steps: {worst:G3}");
        Assert.True(worst <= 1e-6, $"largest difference {worst:G3}");
        Assert.Equal(Saved(reference.save_state_dict), Saved(kept.SaveState));
    }

    [Fact]
    public void A_state_saved_by_TorchSharps_AdamW_loads_and_continues_like_TorchSharp()
    {
        var ours = Parameters();
        var theirs = Parameters();
        using var reference = optim.AdamW([new AdamW.ParamGroup(theirs[..2], 0.01, 0.9, 0.98, 1e-8, 0.1),
                                           new AdamW.ParamGroup(theirs[2..], 0.01, 0.9, 0.98, 1e-8, 0.0)]);
        using var warmup = new KeptAdamW([new KeptAdamW.Group(ours[..2], 0.01, 0.9, 0.98, 1e-8, 0.1),
                                          new KeptAdamW.Group(ours[2..], 0.01, 0.9, 0.98, 1e-8, 0)]);
        Lockstep(ours, warmup, theirs, reference, 0, 50);           // both at step 50, then ours reloads theirs
        using (var noGrad = no_grad())
            for (var i = 0; i < ours.Length; i++) ours[i].copy_(theirs[i]);
        using var resumed = new KeptAdamW([new KeptAdamW.Group(ours[..2], 0.5, 0.9, 0.98, 1e-8, 0.1),
                                           new KeptAdamW.Group(ours[2..], 0.5, 0.9, 0.98, 1e-8, 0)]);
        using (var reader = new BinaryReader(new MemoryStream(Saved(reference.save_state_dict))))
            resumed.LoadState(reader);
        Assert.Equal(LearningRate(49) * 0.5, resumed.Groups[1].LearningRate);     // the saved rate, not the constructor's
        var worst = Lockstep(ours, resumed, theirs, reference, 50, 100);
        output.WriteLine($"largest parameter difference over steps 51–100 after loading: {worst:G3}");
        Assert.True(worst <= 1e-6, $"largest difference {worst:G3}");
    }

    [Fact]
    public void Two_AdamW_steps_match_the_update_rule_by_hand()
    {
        // one scalar parameter θ₀ = 1, gradients 2 then −1, lr 0.1, β = (0.9, 0.99), ε = 1e-8, λ = 0.5
        var theta = new Parameter(tensor(new[] { 1f }));
        using var adamw = new KeptAdamW([theta], 0.1, 0.9, 0.99, 1e-8, weightDecay: 0.5);
        double expected = 1, m = 0, v = 0;
        foreach (var (t, g) in new[] { (1, 2.0), (2, -1.0) })
        {
            adamw.ZeroGrad();
            (theta * (float)g).sum().backward();
            adamw.Step();
            expected *= 1 - 0.1 * 0.5;                                             // decoupled decay first
            m = 0.9 * m + 0.1 * g;
            v = 0.99 * v + 0.01 * g * g;
            expected -= 0.1 / (1 - Math.Pow(0.9, t)) * m / (Math.Sqrt(v) / Math.Sqrt(1 - Math.Pow(0.99, t)) + 1e-8);
            Assert.Equal(expected, theta.item<float>(), 5);
        }
        // step 1 by hand: 1·0.95 − 0.1·2/(2 + 1e-8) = 0.85; step 2: m = 0.08, v = 0.0496 → 0.85·0.95 − 0.1/0.19·0.08/(√0.0496/√0.0199 + 1e-8)
        Assert.Equal(0.8075 - 0.1 / 0.19 * 0.08 / (Math.Sqrt(0.0496) / Math.Sqrt(0.0199)), theta.item<float>(), 5);
    }

    [Fact]
    public void Two_Adagrad_steps_match_the_update_rule_by_hand()
    {
        // θ₀ = 1, gradients 2 then −1, lr 0.1, no decay: s = 4 → θ = 1 − 0.1·2/2 = 0.9; s = 5 → θ = 0.9 + 0.1/√5
        var theta = new Parameter(tensor(new[] { 1f }));
        using var adagrad = new KeptAdagrad([theta], 0.1, epsilon: 0);
        adagrad.ZeroGrad();
        (theta * 2f).sum().backward();
        adagrad.Step();
        Assert.Equal(0.9, theta.item<float>(), 6);
        adagrad.ZeroGrad();
        (theta * -1f).sum().backward();
        adagrad.Step();
        Assert.Equal(0.9 + 0.1 / Math.Sqrt(5), theta.item<float>(), 6);
    }

    [Fact]
    public void A_state_for_other_hyperparameters_or_another_algorithm_is_refused()
    {
        var parameters = Parameters();
        using var adamw = new KeptAdamW(parameters, 0.01, weightDecay: 0.1);
        var state = Saved(adamw.SaveState);
        using var otherDecay = new KeptAdamW(Parameters(), 0.01, weightDecay: 0.2);
        using (var reader = new BinaryReader(new MemoryStream(state)))
            Assert.Contains("weight decay = 0.1", Assert.Throws<InvalidDataException>(() => otherDecay.LoadState(reader)).Message);
        using var adam = new KeptAdamW(Parameters(), 0.01, weightDecay: 0.1, decoupledWeightDecay: false);
        using (var reader = new BinaryReader(new MemoryStream(state)))
            Assert.Contains("'AdamW', expected 'Adam'", Assert.Throws<InvalidDataException>(() => adam.LoadState(reader)).Message);
        using var fewer = new KeptAdamW(Parameters()[..2], 0.01, weightDecay: 0.1);
        using (var reader = new BinaryReader(new MemoryStream(state)))
            Assert.Throws<InvalidDataException>(() => fewer.LoadState(reader));
    }
}
