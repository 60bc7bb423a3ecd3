// RQ-VAE model and trainer on tiny data: metrics history, determinism, divergence handling, checkpoints.
using GenRec.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tests.Quantization;

public class RqVaeTrainerTests
{
    internal static RqVaeConfig TinyModel(long seed = 1, Estimator estimator = Estimator.StraightThrough) => new()
    {
        InputDim = 16, HiddenDims = [32, 16], LatentDim = 8, Levels = 2, CodebookSize = 8,
        DeadCodeWindow = 5, Estimator = estimator, Seed = seed,
    };

    internal static RqVaeTrainingConfig TinyTraining(long seed = 2) => new()
    {
        Steps = 30, BatchSize = 64, LearningRate = 3e-3, MetricsEvery = 10, WarmupStepsBeforeKMeansInit = 10,
        HeldOutFraction = 0.1, Seed = seed, Device = "cpu",
    };

    internal static Tensor TinyData(int n = 200)
    {
        var (data, _) = QuantTestData.Blobs(clusters: 10, perCluster: n / 10, dim: 16, separation: 3, noise: 0.5, seed: 4);
        return data;
    }

    [Theory]
    [InlineData(Estimator.StraightThrough)]
    [InlineData(Estimator.GumbelSoftmax)]
    [InlineData(Estimator.RotationTrick)]
    public void TrainingRecordsMetricsAndReducesReconstruction(Estimator estimator)
    {
        using var data = TinyData();
        using var model = new RqVae(TinyModel(estimator: estimator));
        var before = RqVaeTrainer.Losses(model, data).Recon;
        var reports = new List<TrainingProgress>();
        var result = new RqVaeTrainer(TinyTraining()).Train(model, data, new SyncProgress<TrainingProgress>(reports.Add));

        Assert.Equal([10, 20, 30], result.History.Select(m => m.Step));
        Assert.Equal(TrainingPhase.Warmup, result.History[0].Phase);
        Assert.Equal(TrainingPhase.Quantized, result.Final.Phase);
        Assert.Equal(30, reports.Count);
        Assert.Equal(20, result.HeldOutIndices.Length);
        Assert.Equal(180, result.TrainIndices.Length);
        var final = result.Final;
        Assert.True(final.ReconstructionLoss < before, $"reconstruction {final.ReconstructionLoss} not below initial {before}");
        Assert.Equal(2, final.UsagePerLevel.Length);
        Assert.All(final.UsagePerLevel, u => Assert.InRange(u, 1.0 / 8, 1.0));
        Assert.All(final.PerplexityPerLevel.Zip(final.EntropyNats), p => Assert.Equal(Math.Exp(p.Second), p.First, 9));
        Assert.InRange(final.UniqueItemFraction, 0, final.DistinctTupleFraction);
        Assert.Equal(final.MaxDuplicates / 200.0, final.MaxDuplicateFraction, 12);
        Assert.NotNull(final.HeldOutReconstructionLoss);
        Assert.Equal(final.ReconstructionLoss + final.CodebookLoss + 0.25 * final.CommitmentLoss, final.TotalLoss, 4);
    }

    [Fact]
    public void SameSeedsGiveIdenticalIds()
    {
        using var data = TinyData();
        var ids = Enumerable.Range(1, 200).ToArray();
        SemanticIds Run()
        {
            using var model = new RqVae(TinyModel());
            new RqVaeTrainer(TinyTraining()).Train(model, data);
            return SemanticIds.FromModel(model, data, ids);
        }
        var a = Run();
        var b = Run();
        Assert.Equal(a.Codes, b.Codes);
        Assert.Equal(a.Dedup, b.Dedup);
    }

    [Fact]
    public void ExplodingLossThrowsAndRestoresLastGoodState()
    {
        using var data = TinyData();
        using var model = new RqVae(TinyModel());
        var config = TinyTraining() with { LearningRate = 1e12, WarmupStepsBeforeKMeansInit = 0 };
        var ex = Assert.Throws<TrainingDivergedException>(() => new RqVaeTrainer(config).Train(model, data));
        Assert.InRange(ex.Step, 2, 30);
        Assert.Contains($"step {ex.Step}", ex.Message);
        foreach (var p in model.parameters())
            Assert.True(p.isfinite().all().item<bool>(), "restored parameters must be finite");
        // The restored state is the one that produced the last good loss, i.e. still a usable model.
        var (recon, _, _, total) = RqVaeTrainer.Losses(model, data);
        Assert.True(double.IsFinite(total) && double.IsFinite(recon));
    }

    [Fact]
    public void NaNLossThrowsTrainingDiverged()
    {
        // A NaN in the weights (not the data, which is validated) makes the first loss NaN.
        using var data = TinyData();
        using var model = new RqVae(TinyModel());
        using (torch.no_grad()) model.Decoder.parameters().First()[0, 0] = float.NaN;
        var ex = Assert.Throws<TrainingDivergedException>(() => new RqVaeTrainer(TinyTraining()).Train(model, data));
        Assert.Equal(1, ex.Step);
        Assert.True(double.IsNaN(ex.Loss));
        Assert.Contains("not finite", ex.Message);
    }

    [Fact]
    public void NaNInputIsRejectedUpFront()
    {
        using var data = TinyData();
        data[3, 2] = float.NaN;
        using var model = new RqVae(TinyModel());
        var ex = Assert.Throws<ArgumentException>(() => new RqVaeTrainer(TinyTraining()).Train(model, data));
        Assert.Contains("NaN", ex.Message);
    }

    [Fact]
    public void SaveLoadReproducesIdenticalIds()
    {
        using var data = TinyData();
        var ids = Enumerable.Range(1, 200).ToArray();
        using var model = new RqVae(TinyModel());
        new RqVaeTrainer(TinyTraining()).Train(model, data);
        var before = SemanticIds.FromModel(model, data, ids);
        string dir = Directory.CreateTempSubdirectory("genrec-rqvae-").FullName;
        try
        {
            string path = Path.Combine(dir, "rqvae.bin");
            RqVaeCheckpoint.Save(model, path);
            Assert.True(File.Exists(RqVaeCheckpoint.SidecarPath(path)));
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));          // temporaries were moved into place
            using var loaded = RqVaeCheckpoint.Load(path, "cpu");
            Assert.Equal(model.Config.HiddenDims, loaded.Config.HiddenDims);
            Assert.Equal(model.Config with { HiddenDims = loaded.Config.HiddenDims }, loaded.Config);
            var after = SemanticIds.FromModel(loaded, data, ids);
            Assert.Equal(before.Codes, after.Codes);
            using var x1 = model.Decode(torch.tensor(new long[] { 1, 2 }).reshape(1, 2));
            using var x2 = loaded.Decode(torch.tensor(new long[] { 1, 2 }).reshape(1, 2));
            Assert.True(TensorAssert.Same(x1, x2));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void LoadWithoutSidecarIsAClearError()
    {
        string dir = Directory.CreateTempSubdirectory("genrec-rqvae-").FullName;
        try
        {
            string path = Path.Combine(dir, "rqvae.bin");
            using (var model = new RqVae(TinyModel())) model.save(path);
            var ex = Assert.Throws<FileNotFoundException>(() => RqVaeCheckpoint.Load(path));
            Assert.Contains("rqvae.bin.json", ex.Message);
            File.WriteAllText(RqVaeCheckpoint.SidecarPath(path), "{ \"Format\": \"genrec.rqvae.v1\", \"Config\": ");
            var bad = Assert.Throws<InvalidDataException>(() => RqVaeCheckpoint.Load(path));
            Assert.Contains("rqvae.bin.json", bad.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void VqVariantIsOneLevel()
    {
        using var data = TinyData();
        using var model = new RqVae(TinyModel() with { Levels = 1 });
        var result = new RqVaeTrainer(TinyTraining()).Train(model, data);
        using var codes = model.Encode(data);
        Assert.Equal([200L, 1L], codes.shape);
        Assert.Single(result.Final.UsagePerLevel);
    }

    [Fact]
    public void ContinuousAutoencoderReconstructsBetterThanTheQuantizedModel()
    {
        using var data = TinyData();
        using var ae = new ContinuousAutoencoder(TinyModel());
        var aeResult = ae.Fit(data, TinyTraining() with { Steps = 60 });
        using var model = new RqVae(TinyModel());
        var rq = new RqVaeTrainer(TinyTraining() with { Steps = 60 }).Train(model, data);
        Assert.Equal(rq.HeldOutIndices, aeResult.HeldOutIndices);   // same seeded split
        Assert.True(aeResult.ReconstructionLoss < rq.Final.ReconstructionLoss,
            $"autoencoder {aeResult.ReconstructionLoss} vs RQ-VAE {rq.Final.ReconstructionLoss}");
    }
}

/// <summary>IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
