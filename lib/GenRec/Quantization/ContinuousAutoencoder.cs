// The reconstruction lower bound for the quantizers: the RQ-VAE's encoder/decoder widths with nothing
// between them (no quantization), trained on reconstruction alone with the same seeded split, batches
// and optimizer options as the RQ-VAE trainer.
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Quantization;

/// <summary>Final losses of <see cref="ContinuousAutoencoder.Fit"/> (item means, eval mode).</summary>
public sealed record AutoencoderTrainingResult(double ReconstructionLoss, double? HeldOutReconstructionLoss, int Steps, long[] HeldOutIndices);

/// <summary>Plain MLP autoencoder with the RQ-VAE's widths.</summary>
public sealed class ContinuousAutoencoder : nn.Module<Tensor, Tensor>
{
    private readonly Sequential encoder;
    private readonly Sequential decoder;

    /// <summary>Only InputDim, HiddenDims, LatentDim, Dropout, Reduction and Seed are used.</summary>
    public RqVaeConfig Config { get; }

    public ContinuousAutoencoder(RqVaeConfig config) : base("autoencoder")
    {
        config.Validate();
        Config = config;
        using var gen = QuantizerMath.Seeded(config.Seed);
        int[] widths = [config.InputDim, .. config.HiddenDims, config.LatentDim];
        encoder = Mlp.Build(widths, config.Dropout, gen);
        decoder = Mlp.Build(widths.Reverse().ToArray(), config.Dropout, gen);
        RegisterComponents();
    }

    /// <summary>Reconstruction (B, InputDim) of x (B, InputDim).</summary>
    public override Tensor forward(Tensor x)
    {
        QuantizerMath.CheckInput(x, Config.InputDim, nameof(ContinuousAutoencoder));
        using var latent = encoder.call(x);      // (B, LatentDim)
        return decoder.call(latent);             // (B, InputDim)
    }

    /// <summary>Mean reconstruction loss per item of x in eval mode.</summary>
    public double ReconstructionLoss(Tensor x)
    {
        return EvalMode.Run(this, () =>
        {
            using var y = forward(x);
            using var loss = QuantizerMath.SquaredError(y, x, Config.Reduction);
            return loss.item<float>();
        });
    }

    /// <summary>Trains on <paramref name="data"/> (N, InputDim) for the configured steps (warm-up is irrelevant here).</summary>
    public AutoencoderTrainingResult Fit(Tensor data, RqVaeTrainingConfig training)
    {
        training.Validate();
        TrainingSupport.CheckData(data, Config.InputDim, nameof(ContinuousAutoencoder));
        var device = TorchDevice.Pick(training.Device);
        this.to(device);
        using var gen = QuantizerMath.Seeded(training.Seed);
        using var all = data.detach().to(device).to_type(ScalarType.Float32);
        var (trainIdx, heldIdx) = TrainingSupport.Split(all.shape[0], training.HeldOutFraction, gen);
        using var trainData = all.index_select(0, torch.tensor(trainIdx, device: device));
        int steps = training.Epochs is int e ? e * (int)Math.Ceiling(trainIdx.Length / (double)training.BatchSize) : training.Steps;
        using var optimizer = TrainingSupport.MakeOptimizer(parameters(), training);
        var batches = TrainingSupport.Batches(trainIdx.Length, training.BatchSize, gen).GetEnumerator();
        train();
        for (int step = 0; step < steps; step++)
        {
            batches.MoveNext();
            using var scope = torch.NewDisposeScope();
            var batch = trainData.index_select(0, torch.tensor(batches.Current, device: device)); // (B, D)
            var loss = QuantizerMath.SquaredError(forward(batch), batch, Config.Reduction);
            if (!float.IsFinite(loss.item<float>())) throw new TrainingDivergedException(step + 1, loss.item<float>(), double.NaN, training.DivergenceFactor);
            optimizer.ZeroGrad();
            loss.backward();
            optimizer.Step();
        }
        eval();
        double? held = null;
        if (heldIdx.Length > 0)
        {
            using var heldData = all.index_select(0, torch.tensor(heldIdx, device: device));
            held = ReconstructionLoss(heldData);
        }
        return new AutoencoderTrainingResult(ReconstructionLoss(trainData), held, steps, heldIdx);
    }
}
