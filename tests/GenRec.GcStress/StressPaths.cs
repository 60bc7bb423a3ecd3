// The code paths the GC-stress child runs (see Program.cs): the library's real per-step and per-batch code on
// tiny models and tiny generated data, so that one operation takes milliseconds and a run of 20,000 fits in
// minutes. Each path is built before the collector thread starts (as a real run builds its model outside any
// dispose scope) and then stepped; Step returns how many operations it did.
//
//   tiger-encoder-decoder  TigerTrainer steps of TigerModel on EncoderDecoderObjective (dropout on, AdamW)
//   tiger-decoder-only     TigerTrainer steps of DecoderOnlyModel on DecoderOnlyObjective (dropout on, AdamW)
//   sasrec                 SasRecTrainer steps (full cross-entropy, dropout on, Adam)
//   rqvae                  RqVaeTrainer steps: warm-up, k-means initialisation, quantized training with the
//                          straight-through, Gumbel-softmax and rotation-trick estimators in turn, metrics
//   kmeans                 KMeans.Fit (plain and balanced), ResidualKMeans and LSH fitted and applied
//   beam-search            constrained beam searches over 8 users, both stage-2 models in turn
//   evaluation             TigerValidation.Evaluate (both models) and SasRecRanking.Evaluate in turn
//   scalar-unsafe          the harness's self-test: `a.add(b).mul(0.5).add(1.0)`, three temporary Scalars
//   scalar-safe            the same arithmetic with kept Scalars (TOOLCHAIN.md: 1 M iterations ran clean)
using GenRec.Data;
using GenRec.Quantization;
using GenRec.SasRec;
using GenRec.Tiger;
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.GcStress;

/// <summary>One stressed code path.</summary>
abstract class StressPath : IDisposable
{
    /// <summary>What one operation is, for the summary line.</summary>
    public abstract string Unit { get; }

    /// <summary>Runs at least one and at most <paramref name="remaining"/> operations; returns how many.</summary>
    public abstract int Step(int remaining);

    public virtual void Dispose() { }
}

static class StressPaths
{
    /// <summary>The library paths, in the order `all` runs them.</summary>
    public static readonly string[] LibraryNames =
        ["tiger-encoder-decoder", "tiger-decoder-only", "sasrec", "rqvae", "kmeans", "beam-search", "evaluation"];

    public static readonly string[] Names = [.. LibraryNames, "scalar-unsafe", "scalar-safe"];

    public static StressPath Create(string name) => name switch
    {
        "tiger-encoder-decoder" => new TigerTraining(decoderOnly: false),
        "tiger-decoder-only" => new TigerTraining(decoderOnly: true),
        "sasrec" => new SasRecTraining(),
        "rqvae" => new RqVaeTraining(),
        "kmeans" => new KMeansFits(),
        "beam-search" => new BeamSearches(),
        "evaluation" => new Evaluations(),
        "scalar-unsafe" => new ScalarArithmetic(safe: false),
        "scalar-safe" => new ScalarArithmetic(safe: true),
        _ => throw new ArgumentException($"unknown path {name}"),
    };
}

/// <summary>A 30-item catalogue over codebooks 4 × 4 × 4 and 40 users whose next item follows a fixed rule.</summary>
sealed class TinyCatalogue
{
    public const int Items = 30;
    public SemanticIdTokenizer Tokenizer { get; }
    public List<TigerExample> Examples { get; } = [];

    public TinyCatalogue(int seed = 1)
    {
        var random = new Random(seed);
        var seen = new HashSet<(int, int, int)>();
        var ids = new int[]?[Items + 1];
        for (var item = 1; item <= Items; item++)
        {
            int[] codes;
            do codes = [random.Next(4), random.Next(4), random.Next(4)];
            while (!seen.Add((codes[0], codes[1], codes[2])));
            ids[item] = codes;
        }
        Tokenizer = new SemanticIdTokenizer(ids, [4, 4, 4]);
        for (var user = 0; user < 40; user++)
        {
            var history = Enumerable.Range(0, random.Next(1, 7)).Select(_ => random.Next(1, Items + 1)).ToArray();
            Examples.Add(new TigerExample(user, history, history[^1] % Items + 1));
        }
    }

    public TigerModel EncoderDecoder(double dropout) => new(new TigerConfig(Tokenizer.VocabularySize, DModel: 16, NumHeads: 2, DKv: 8, DFf: 32,
        EncoderLayers: 1, DecoderLayers: 1, Dropout: dropout), seed: 1);

    public DecoderOnlyModel DecoderOnly(double dropout) => new(new DecoderOnlyConfig(Tokenizer.VocabularySize, DModel: 16, NumHeads: 2, DKv: 8,
        DFf: 32, Layers: 2, Dropout: dropout), seed: 1);

    /// <summary>Each example's history followed by its target, as one training sequence.</summary>
    public List<(int, IReadOnlyList<int>)> Sequences() => [.. Examples.Select(e => (e.UserId, (IReadOnlyList<int>)[.. e.History, e.Target]))];
}

sealed class TigerTraining : StressPath
{
    readonly IGenerativeRetriever model;
    readonly TigerTrainer trainer;

    public TigerTraining(bool decoderOnly)
    {
        var catalogue = new TinyCatalogue();
        var config = new TigerTrainerConfig(BatchSize: 8, LearningRate: 1e-3, WarmupSteps: 10, Seed: 3);
        if (decoderOnly)
        {
            var m = catalogue.DecoderOnly(dropout: 0.1);
            var windows = ItemWindows.FromTrainingSequences(catalogue.Sequences(), maxItems: 4);
            (model, trainer) = (m, new TigerTrainer(m, catalogue.Tokenizer, new DecoderOnlyObjective(m, catalogue.Tokenizer, windows, useUserToken: false), config));
        }
        else
        {
            var m = catalogue.EncoderDecoder(dropout: 0.1);
            (model, trainer) = (m, new TigerTrainer(m, catalogue.Tokenizer, catalogue.Examples, config));
        }
    }

    public override string Unit => "training steps";

    public override int Step(int remaining)
    {
        trainer.TrainStep();
        return 1;
    }

    public override void Dispose()
    {
        trainer.Dispose();
        model.Dispose();
    }
}

sealed class SasRecTraining : StressPath
{
    readonly SasRecModel model;
    readonly SasRecTrainer trainer;

    public SasRecTraining()
    {
        var sequences = new TinyCatalogue().Sequences().Select(s => new UserSequence(s.Item1 + 1, [.. s.Item2])).Where(s => s.Items.Length >= 3);   // leave-one-out needs 3
        model = new SasRecModel(new SasRecConfig(TinyCatalogue.Items, HiddenSize: 16, Blocks: 1, Heads: 2, MaxLength: 6, Dropout: 0.2, FeedForwardSize: 16), seed: 1);
        trainer = new SasRecTrainer(model, SasRecWindows.FromSequences(sequences, model.Config.MaxLength), new SasRecTrainerConfig(BatchSize: 8, Seed: 3));
    }

    public override string Unit => "training steps";

    public override int Step(int remaining)
    {
        trainer.TrainStep();
        return 1;
    }

    public override void Dispose()
    {
        trainer.Dispose();
        model.Dispose();
    }
}

sealed class RqVaeTraining : StressPath
{
    readonly Tensor data = torch.randn([128, 16], generator: new Generator(4, torch.CPU));   // (N, D)
    int run;

    public override string Unit => "training steps";

    /// <summary>One RqVaeTrainer.Train of up to 1,000 steps: 20 % warm-up, k-means initialisation, quantized rest.</summary>
    public override int Step(int remaining)
    {
        var steps = Math.Min(remaining, 1000);
        Estimator[] estimators = [Estimator.StraightThrough, Estimator.GumbelSoftmax, Estimator.RotationTrick];
        using var model = new RqVae(new RqVaeConfig
        {
            InputDim = 16, HiddenDims = [16], LatentDim = 8, Levels = 2, CodebookSize = 8, DeadCodeWindow = 20,
            Estimator = estimators[run % 3], KMeansIterations = 5, Dropout = 0.1, Seed = run,
        });
        new RqVaeTrainer(new RqVaeTrainingConfig
        {
            Steps = steps, BatchSize = 32, LearningRate = 3e-3, MetricsEvery = 250, WarmupStepsBeforeKMeansInit = steps / 5,
            HeldOutFraction = 0.1, Seed = run, Device = "cpu",
        }).Train(model, data);
        run++;
        return steps;
    }

    public override void Dispose() => data.Dispose();
}

sealed class KMeansFits : StressPath
{
    readonly Tensor data = torch.randn([64, 8], generator: new Generator(5, torch.CPU));   // (N, D)
    int fit;

    public override string Unit => "fits";

    public override int Step(int remaining)
    {
        using var scope = NewDisposeScope();
        switch (fit++ % 3)
        {
            case 0:
                new KMeans(8, seed: fit, maxIterations: 10, balanced: fit % 2 == 0).Fit(data).Dispose();
                break;
            case 1:
                using (var rkm = new ResidualKMeans(8, new ResidualKMeansOptions(Levels: 2, CodebookSize: 4, Iterations: 5, Seed: fit)))
                {
                    rkm.InitializeFromData(data);
                    rkm.Decode(rkm.forward(data).Codes);
                }
                break;
            default:
                using (var lsh = new LshQuantizer(8, new LshOptions(Levels: 2, CodebookSize: 4, Seed: fit)))
                {
                    lsh.InitializeFromData(data);
                    lsh.Decode(lsh.forward(data).Codes);
                }
                break;
        }
        return 1;
    }

    public override void Dispose() => data.Dispose();
}

sealed class BeamSearches : StressPath
{
    readonly TinyCatalogue catalogue = new();
    readonly IGenerativeRetriever[] models;
    int search;

    public BeamSearches() => models = [catalogue.EncoderDecoder(0), catalogue.DecoderOnly(0)];

    public override string Unit => "searches of 8 users";

    public override int Step(int remaining)
    {
        var model = models[search % 2];
        var users = catalogue.Examples.Skip(search * 8 % 40).Take(8);
        var sources = users.Select(e => model.EncodeSource(catalogue.Tokenizer, e.History, 20, null)).ToList();
        new ConstrainedBeamSearch(model, catalogue.Tokenizer).Search(sources, new BeamSearchOptions(BeamWidth: 5, TopK: 5, BatchSize: 4));
        search++;
        return 1;
    }

    public override void Dispose() { foreach (var m in models) m.Dispose(); }
}

sealed class Evaluations : StressPath
{
    readonly TinyCatalogue catalogue = new();
    readonly IGenerativeRetriever[] models;
    readonly SasRecModel sasrec;
    int evaluation;

    public Evaluations()
    {
        models = [catalogue.EncoderDecoder(0), catalogue.DecoderOnly(0)];
        sasrec = new SasRecModel(new SasRecConfig(TinyCatalogue.Items, HiddenSize: 16, Blocks: 1, Heads: 2, MaxLength: 6, Dropout: 0, FeedForwardSize: 16), seed: 1);
    }

    public override string Unit => "evaluations of 8 users";

    public override int Step(int remaining)
    {
        var users = catalogue.Examples.Skip(evaluation * 8 % 40).Take(8).ToList();
        if (evaluation % 3 == 2)
            SasRecRanking.Evaluate(sasrec, [.. users.Select(e => new SequenceExample(e.UserId, e.History, e.Target))], k: 10, batchSize: 4);
        else
            TigerValidation.Evaluate(models[evaluation % 3], catalogue.Tokenizer, users, beamWidth: 10, batchSize: 4);
        evaluation++;
        return 1;
    }

    public override void Dispose()
    {
        foreach (var m in models) m.Dispose();
        sasrec.Dispose();
    }
}

/// <summary>
/// The harness's self-test. Unsafe: TorchSharp's `add(Tensor)` and `add(Scalar)` make an alpha = 1 Scalar and
/// `mul(0.5)` converts 0.5, all three temporaries. Safe: the same values through Scalars held in fields.
/// 1,000 iterations per operation.
/// </summary>
sealed class ScalarArithmetic(bool safe) : StressPath
{
    readonly Tensor a = torch.ones(8), b = torch.ones(8);
    readonly Scalar half = KeptScalars.Keep(0.5), one = KeptScalars.Keep(1.0);

    public override string Unit => "× 1,000 iterations";

    public override int Step(int remaining)
    {
        for (var i = 0; i < 1000; i++)
        {
            using var scope = NewDisposeScope();
            if (safe) a.add(b, KeptScalars.One).mul(half).add(one, KeptScalars.One);
            else a.add(b).mul(0.5).add(1.0);
        }
        return 1;
    }

    public override void Dispose()
    {
        a.Dispose();
        b.Dispose();
    }
}
