// VectorQuantizer / ResidualQuantizer: eval decode = quantized, gradient paths of each estimator,
// dead-code restart, first-batch k-means, Gumbel schedule.
using GenRec.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tests.Quantization;

public class QuantizerTests
{
    private static QuantizerOptions Options(Estimator estimator, Distance distance, int levels = 3) => new()
    {
        Dim = 6, CodebookSize = 8, Levels = levels, Estimator = estimator, Distance = distance, Seed = 5,
    };

    private static IQuantizer Make(bool residual, QuantizerOptions o) =>
        residual ? new ResidualQuantizer(o) : new VectorQuantizer(o);

    public static TheoryData<bool, Estimator, Distance> AllVariants()
    {
        var data = new TheoryData<bool, Estimator, Distance>();
        foreach (var residual in new[] { false, true })
        foreach (var e in Enum.GetValues<Estimator>())
        foreach (var d in Enum.GetValues<Distance>())
            data.Add(residual, e, d);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void DecodeOfCodesEqualsQuantizedInEvalMode(bool residual, Estimator estimator, Distance distance)
    {
        using var q = Make(residual, Options(estimator, distance));
        var module = (nn.Module)q;
        using var x = QuantTestData.Gaussian(40, 6, seed: 1);
        q.InitializeFromData(x);
        module.train();
        using (var warm = q.forward(x)) { }          // one training pass (Gumbel sampling, usage counts)
        module.eval();
        using var output = q.forward(x);
        Assert.Equal([40L, q.Levels], output.Codes.shape);
        Assert.Equal(ScalarType.Int64, output.Codes.dtype);
        using var decoded = q.Decode(output.Codes);
        Assert.True(TensorAssert.Same(decoded, output.Quantized));
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void TrainingForwardValueIsTheCodewordSum(bool residual, Estimator estimator, Distance distance)
    {
        using var q = Make(residual, Options(estimator, distance));
        using var x = QuantTestData.Gaussian(40, 6, seed: 2);
        q.InitializeFromData(x);
        ((nn.Module)q).train();
        using var output = q.forward(x);
        using var decoded = q.Decode(output.Codes);   // codes actually used (sampled ones for Gumbel)
        Assert.True(output.Quantized.allclose(decoded, rtol: 1e-5, atol: 1e-5));
    }

    /// <summary>A linear "encoder" z = x W, so gradients reaching W are what reaches the encoder.</summary>
    private static (Tensor W, Tensor Z) Encode(Tensor x)
    {
        using var gen = new Generator(7, torch.CPU);
        var w = (torch.randn([6, 6], generator: gen) * 0.5).requires_grad_(true);
        return (w, x.matmul(w));
    }

    private static double GradNorm(Tensor t) => t.grad is null ? 0 : t.grad.norm().item<float>();

    [Theory]
    [InlineData(Estimator.StraightThrough)]
    [InlineData(Estimator.RotationTrick)]
    [InlineData(Estimator.GumbelSoftmax)]
    public void ReconstructionPathGradients(Estimator estimator)
    {
        // Only a loss on Quantized: every estimator must reach the encoder; only Gumbel's soft assignment
        // reaches the codebook (STE and rotation detach it there).
        using var q = new ResidualQuantizer(Options(estimator, Distance.L2));
        using var x = QuantTestData.Gaussian(40, 6, seed: 3);
        var (w, z) = Encode(x);
        q.InitializeFromData(z.detach());
        q.train();
        using var output = q.forward(z);
        using var target = QuantTestData.Gaussian(40, 6, seed: 4);
        using var loss = (output.Quantized - target).square().sum();
        loss.backward();
        Assert.True(GradNorm(w) > 0, "encoder received no gradient");
        double codebookGrad = Enumerable.Range(0, 3).Sum(l => GradNorm(q.Codebook(l).Embeddings));
        if (estimator == Estimator.GumbelSoftmax) Assert.True(codebookGrad > 0, "Gumbel: codebook got no gradient via the soft assignment");
        else Assert.Equal(0.0, codebookGrad);
    }

    [Theory]
    [InlineData(Estimator.StraightThrough)]
    [InlineData(Estimator.RotationTrick)]
    [InlineData(Estimator.GumbelSoftmax)]
    public void CodebookLossReachesEveryLevel_CommitmentReachesEncoderOnly(Estimator estimator)
    {
        using var q = new ResidualQuantizer(Options(estimator, Distance.L2));
        using var x = QuantTestData.Gaussian(40, 6, seed: 3);
        var (w, z) = Encode(x);
        q.InitializeFromData(z.detach());
        q.train();
        using (var output = q.forward(z)) output.CodebookLoss.backward();
        Assert.Equal(0.0, GradNorm(w));
        for (int l = 0; l < 3; l++) Assert.True(GradNorm(q.Codebook(l).Embeddings) > 0, $"level {l + 1} codebook got no gradient");

        w.grad?.zero_();
        for (int l = 0; l < 3; l++) q.Codebook(l).Embeddings.grad?.zero_();
        using (var output = q.forward(z)) output.CommitmentLoss.backward();
        Assert.True(GradNorm(w) > 0);
        for (int l = 0; l < 3; l++) Assert.Equal(0.0, GradNorm(q.Codebook(l).Embeddings));
    }

    [Fact]
    public void StraightThroughPassesTheGradientUnchanged()
    {
        using var x = torch.tensor(new float[] { 1, 2, 3 }).reshape(1, 3).requires_grad_(true);
        using var q = torch.tensor(new float[] { 0, 5, 1 }).reshape(1, 3);
        using var c = torch.tensor(new float[] { 0.5f, -1, 2 }).reshape(1, 3);
        using var y = GradientEstimators.StraightThrough(x, q);
        Assert.True(y.allclose(q));
        using var loss = (y * c).sum();
        loss.backward();
        Assert.True(x.grad!.allclose(c));
    }

    [Fact]
    public void RotationTrickMatchesExplicitRotationMatrix()
    {
        // e = (3, 4, 0), q = (0, 1, 1): build λR by hand and compare value (λR e = q) and gradient (λRᵀ c).
        double[] e = [3, 4, 0], qv = [0, 1, 1], c = [0.5, -1, 2];
        double ne = 5, nq = Math.Sqrt(2), lambda = nq / ne;
        double[] eh = e.Select(v => v / ne).ToArray(), qh = qv.Select(v => v / nq).ToArray();
        double[] s = eh.Zip(qh, (a, b) => a + b).ToArray();
        double ns = Math.Sqrt(s.Sum(v => v * v));
        double[] r = s.Select(v => v / ns).ToArray();
        var R = new double[3, 3];
        for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            R[i, j] = (i == j ? 1 : 0) - 2 * r[i] * r[j] + 2 * qh[i] * eh[j];
        var expectedValue = Enumerable.Range(0, 3).Select(i => lambda * Enumerable.Range(0, 3).Sum(j => R[i, j] * e[j])).ToArray();
        var expectedGrad = Enumerable.Range(0, 3).Select(j => lambda * Enumerable.Range(0, 3).Sum(i => R[i, j] * c[i])).ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(qv[i], expectedValue[i], 9);   // the hand-built map sends e to q

        using var x = torch.tensor(e.Select(v => (float)v).ToArray()).reshape(1, 3).requires_grad_(true);
        using var qt = torch.tensor(qv.Select(v => (float)v).ToArray()).reshape(1, 3);
        using var ct = torch.tensor(c.Select(v => (float)v).ToArray()).reshape(1, 3);
        using var y = GradientEstimators.RotationTrick(x, qt);
        var value = y.data<float>().ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(qv[i], value[i], 5);
        using var loss = (y * ct).sum();
        loss.backward();
        var grad = x.grad!.data<float>().ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(expectedGrad[i], grad[i], 5);
    }

    [Fact]
    public void GumbelTemperatureDecaysExponentiallyToItsFloor()
    {
        var schedule = new GumbelSchedule(Start: 2.0, Min: 0.5, DecayPerStep: 0.5);
        Assert.Equal(2.0, schedule.At(0));
        Assert.Equal(1.0, schedule.At(1));
        Assert.Equal(0.5, schedule.At(2));
        Assert.Equal(0.5, schedule.At(10));
        using var q = new VectorQuantizer(new QuantizerOptions { Dim = 6, CodebookSize = 8, Estimator = Estimator.GumbelSoftmax, Gumbel = schedule });
        using var x = QuantTestData.Gaussian(16, 6, seed: 1);
        q.train();
        using (var o = q.forward(x)) { }
        Assert.Equal(1.0, q.Temperature);
    }

    [Fact]
    public void GumbelAtVanishingTemperatureSamplesTheNearestCode_AtHighTemperatureItExplores()
    {
        using var x = QuantTestData.Gaussian(200, 6, seed: 4);
        long[] TrainingCodes(double tau)
        {
            var o = Options(Estimator.GumbelSoftmax, Distance.L2) with { Gumbel = new GumbelSchedule(tau, tau, 1.0) };
            using var q = new ResidualQuantizer(o);
            q.InitializeFromData(x);
            q.train();
            using var output = q.forward(x);
            return output.Codes.data<long>().ToArray();
        }
        using var reference = new ResidualQuantizer(Options(Estimator.GumbelSoftmax, Distance.L2));
        reference.InitializeFromData(x);
        reference.eval();
        using var nearest = reference.forward(x);
        var expected = nearest.Codes.data<long>().ToArray();
        Assert.Equal(expected, TrainingCodes(1e-6));
        Assert.NotEqual(expected, TrainingCodes(10));
    }

    [Fact]
    public void DeadCodeRestartRevivesAnUnusedCode()
    {
        // Data near +1s; code 0 is placed far away, so it is never chosen. After a window of 2 training
        // steps it must be re-seeded from one of the current inputs and be chosen afterwards.
        var o = new QuantizerOptions { Dim = 6, CodebookSize = 4, Levels = 1, DeadCodeWindow = 2, Seed = 3 };
        using var q = new ResidualQuantizer(o);
        using var x = QuantTestData.Gaussian(32, 6, seed: 8, scale: 0.1) + 1;
        q.InitializeFromData(x);
        using (torch.no_grad()) q.Codebook(0).Embeddings[0] = torch.full(6, 100f);
        q.train();
        for (int step = 0; step < 2; step++)
            using (var output = q.forward(x)) Assert.DoesNotContain(0L, output.Codes.data<long>().ToArray());
        using var third = q.forward(x);          // step 2: the window closes, code 0 is re-seeded first
        Assert.Equal(1, q.DeadCodeRestarts[0]);
        var codeword = q.Codebook(0).Embeddings[0];
        using var dist = (x - codeword).square().sum(1);
        Assert.Equal(0f, dist.min().item<float>(), 5);             // the new codeword is an input row
        Assert.Contains(0L, third.Codes.data<long>().ToArray());   // and it wins at least that row
    }

    [Fact]
    public void FirstTrainingBatchInitialisesByKMeansWhenAsked()
    {
        var o = new QuantizerOptions { Dim = 6, CodebookSize = 4, Levels = 2, KMeansInitOnFirstBatch = true, Seed = 1 };
        using var q = new ResidualQuantizer(o);
        var (data, _) = QuantTestData.Blobs(4, 10, 6, separation: 10, noise: 0.1, seed: 2);
        using var __ = data;
        Assert.False(q.Codebook(0).IsInitialized);
        q.train();
        using var output = q.forward(data);
        Assert.True(q.Codebook(0).IsInitialized && q.Codebook(1).IsInitialized);
        Assert.Equal(4, output.Codes.select(1, 0).data<long>().Distinct().Count());
    }

    [Fact]
    public void SameSeedSameCodes()
    {
        using var x = QuantTestData.Gaussian(50, 6, seed: 1);
        long[] Run()
        {
            using var q = new ResidualQuantizer(Options(Estimator.GumbelSoftmax, Distance.L2));
            q.InitializeFromData(x);
            q.train();
            using var o = q.forward(x);
            return o.Codes.data<long>().ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void WrongInputWidthIsAClearError()
    {
        using var q = new VectorQuantizer(new QuantizerOptions { Dim = 6, CodebookSize = 4 });
        using var x = torch.zeros(3, 5);
        var ex = Assert.Throws<ArgumentException>(() => q.forward(x));
        Assert.Contains("(B, 6)", ex.Message);
    }
}
