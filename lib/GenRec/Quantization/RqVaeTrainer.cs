// Training loop of the RQ-VAE (TIGER stage 1): seeded held-out split and batch order, a reconstruction-only
// warm-up, k-means codebook initialisation on the warmed-up encoder's outputs, then joint training of
// reconstruction + codebook + β·commitment. Metrics every N steps; on NaN / exploding loss the model is put
// back to its last good parameters and a TrainingDivergedException is thrown.
using System.Diagnostics;
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Quantization;

/// <summary>Outcome of <see cref="RqVaeTrainer.Train"/>.</summary>
/// <param name="History">metrics in step order (the last entry is the final state).</param>
/// <param name="TrainIndices">rows of the data used for training (sorted).</param>
/// <param name="HeldOutIndices">rows held out (sorted).</param>
/// <param name="Steps">optimizer steps run, warm-up included.</param>
/// <param name="Elapsed">wall-clock time of the whole call, metrics included.</param>
public sealed record RqVaeTrainingResult(IReadOnlyList<QuantizerMetrics> History, long[] TrainIndices, long[] HeldOutIndices, int Steps, TimeSpan Elapsed)
{
    public QuantizerMetrics Final => History[^1];
}

/// <summary>Trains an <see cref="RqVae"/>.</summary>
public sealed class RqVaeTrainer(RqVaeTrainingConfig config)
{
    public RqVaeTrainingConfig Config { get; } = config;

    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="data"/> (N, InputDim). The model is moved to the
    /// configured device and left in eval mode. Throws <see cref="TrainingDivergedException"/> (model restored).
    /// </summary>
    public RqVaeTrainingResult Train(RqVae model, Tensor data, IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        Config.Validate();
        TrainingSupport.CheckData(data, model.Config.InputDim, nameof(RqVaeTrainer));
        var device = TorchDevice.Pick(Config.Device);
        model.to(device);
        using var gen = QuantizerMath.Seeded(Config.Seed);
        using var all = data.detach().to(device).to_type(ScalarType.Float32);         // (N, D)
        var (trainIdx, heldIdx) = TrainingSupport.Split(all.shape[0], Config.HeldOutFraction, gen);
        using var trainData = all.index_select(0, torch.tensor(trainIdx, device: device));  // (Ntrain, D)
        using var heldData = heldIdx.Length > 0 ? all.index_select(0, torch.tensor(heldIdx, device: device)) : null;

        int batchesPerEpoch = (int)Math.Ceiling(trainIdx.Length / (double)Config.BatchSize);
        int totalSteps = Config.Epochs is int e ? e * batchesPerEpoch : Config.Steps;
        int warmup = Math.Min(Config.WarmupStepsBeforeKMeansInit, totalSteps);
        using var optimizer = TrainingSupport.MakeOptimizer(model.parameters(), Config);
        using var snapshot = new StateSnapshot(model);
        var history = new List<QuantizerMetrics>();
        var clock = Stopwatch.StartNew();
        double reference = double.NaN;
        var batches = TrainingSupport.Batches(trainIdx.Length, Config.BatchSize, gen).GetEnumerator();

        model.train();
        for (int step = 1; step <= totalSteps; step++)
        {
            ct.ThrowIfCancellationRequested();
            var phase = step <= warmup ? TrainingPhase.Warmup : TrainingPhase.Quantized;
            if (step == warmup + 1)
            {
                reference = double.NaN;   // the quantized phase has its own loss scale
                if (model.Config.KMeansInit) model.InitializeCodebooks(trainData);
                model.train();
            }
            batches.MoveNext();
            double batchLoss;
            using (var scope = torch.NewDisposeScope())
            {
                var batch = trainData.index_select(0, torch.tensor(batches.Current, device: device)); // (B, D)
                var loss = phase == TrainingPhase.Warmup ? model.ForwardUnquantized(batch).Loss : model.call(batch).Losses.Total;
                batchLoss = loss.item<float>();
                if (double.IsNaN(reference)) reference = batchLoss;
                if (!double.IsFinite(batchLoss) || batchLoss > Config.DivergenceFactor * Math.Abs(reference))
                {
                    snapshot.Restore();
                    model.eval();
                    throw new TrainingDivergedException(step, batchLoss, reference, Config.DivergenceFactor);
                }
                snapshot.Capture();
                optimizer.ZeroGrad();
                loss.backward();
                optimizer.Step();
            }

            QuantizerMetrics? metrics = null;
            if (step == totalSteps || (Config.MetricsEvery > 0 && step % Config.MetricsEvery == 0))
            {
                metrics = Measure(model, step, phase, all, trainData, heldData, clock.Elapsed.TotalSeconds);
                history.Add(metrics);
            }
            progress?.Report(new TrainingProgress(step, totalSteps, phase, batchLoss, metrics));
        }
        model.eval();
        return new RqVaeTrainingResult(history, trainIdx, heldIdx, totalSteps, clock.Elapsed);
    }

    /// <summary>Eval-mode losses (means over items) and code statistics over all items.</summary>
    public static QuantizerMetrics Measure(RqVae model, int step, TrainingPhase phase, Tensor all, Tensor train, Tensor? heldOut, double elapsedSeconds)
    {
        var (recon, codebook, commitment, total) = Losses(model, train);
        double? heldRecon = null, heldTotal = null;
        if (heldOut is not null)
        {
            var h = Losses(model, heldOut);
            (heldRecon, heldTotal) = (h.Recon, h.Total);
        }
        using var codesT = model.Encode(all);
        var codes = SemanticIds.ToArray(codesT);
        int k = model.Config.CodebookSize;
        var entropy = CodebookMetrics.EntropyNats(codes, k);
        return new QuantizerMetrics(step, phase, recon, codebook, commitment, total,
            CodebookMetrics.UsagePerLevel(codes, k), entropy, entropy.Select(Math.Exp).ToArray(),
            CodebookMetrics.UniqueItemFraction(codes), CodebookMetrics.DistinctTupleFraction(codes),
            CodebookMetrics.MaxDuplicates(codes), CodebookMetrics.MaxDuplicateFraction(codes),
            heldRecon, heldTotal, elapsedSeconds);
    }

    /// <summary>Item-weighted mean losses of <paramref name="x"/> in eval mode.</summary>
    public static (double Recon, double Codebook, double Commitment, double Total) Losses(RqVae model, Tensor x, int batchSize = 4096)
    {
        return EvalMode.Run(model, () =>
        {
            double r = 0, cb = 0, cm = 0, t = 0;
            long n = x.shape[0];
            for (long start = 0; start < n; start += batchSize)
            {
                long len = Math.Min(batchSize, n - start);
                using var batch = x.narrow(0, start, len);
                using var output = model.call(batch);
                r += output.Losses.Reconstruction.item<float>() * len;
                cb += output.Losses.Codebook.item<float>() * len;
                cm += output.Losses.Commitment.item<float>() * len;
                t += output.Losses.Total.item<float>() * len;
            }
            return (r / n, cb / n, cm / n, t / n);
        });
    }

    /// <summary>An in-memory copy of a module's state (parameters and buffers), refreshed in place.</summary>
    private sealed class StateSnapshot : IDisposable
    {
        private readonly Dictionary<string, Tensor> _live;
        private readonly Dictionary<string, Tensor> _copy;

        public StateSnapshot(nn.Module module)
        {
            _live = module.state_dict();
            using var _ = torch.no_grad();
            _copy = _live.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        }

        public void Capture()
        {
            using var _ = torch.no_grad();
            foreach (var (name, tensor) in _live) _copy[name].copy_(tensor);
        }

        public void Restore()
        {
            using var _ = torch.no_grad();
            foreach (var (name, tensor) in _live) tensor.copy_(_copy[name]);
        }

        public void Dispose()
        {
            foreach (var t in _copy.Values) t.Dispose();
        }
    }
}
