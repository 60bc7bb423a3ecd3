// GenRec.QuantBench: reproducible tuning and measurement of semantic-ID quantizers.
//   dotnet run -c Release --project bench/GenRec.QuantBench -- <command> [--npy file | --synthetic N] [--key value ...]
// commands: analyze | rqvae | rkmeans | lsh | ae        (see README.md next to this file)
using System.Globalization;
using System.Text.Json;
using GenRec.Quantization;
using GenRec.QuantBench;
using TorchSharp;
using static TorchSharp.torch;

var (command, options) = BenchArgs.Parse(args);
torch.set_num_threads(options.Int("threads", 2));
using var data = options.Has("npy")
    ? Embeddings.ReadNpy(options.Str("npy")!)
    : Embeddings.Synthetic(options.Int("synthetic", 12101), options.Int("dim", 384), options.Int("clusters", 200), options.Long("data-seed", 7));
var itemIds = Enumerable.Range(1, (int)data.shape[0]).ToArray();   // row i = item id i + 1 (as the .npy files are written)
Console.WriteLine($"data: {data.shape[0]} × {data.shape[1]} ({(options.Has("npy") ? options.Str("npy") : "synthetic")}), threads {torch.get_num_threads()}");

switch (command)
{
    case "analyze": Analyze(data); break;
    case "rqvae": RunRqVae(data); break;
    case "rkmeans": RunTrainingFree(data, new ResidualKMeans((int)data.shape[1], new ResidualKMeansOptions(
        options.Int("levels", 3), options.Int("codebook", 256), options.Bool("balanced", false), options.Int("kmeans-iters", 25), options.Long("seed", 0)))); break;
    case "lsh": RunTrainingFree(data, new LshQuantizer((int)data.shape[1], new LshOptions(
        options.Int("levels", 3), options.Int("codebook", 256), options.Bool("center", true), options.Long("seed", 0)))); break;
    case "ae": RunAutoencoder(data); break;
    default: throw new ArgumentException($"unknown command '{command}' (analyze | rqvae | rkmeans | lsh | ae)");
}
options.WarnUnused();
return;

void Analyze(Tensor x)
{
    var nn = Embeddings.NearestNeighbourCosine(x);
    foreach (var t in new[] { 0.9999f, 0.999f, 0.99f, 0.98f, 0.95f, 0.9f })
        Console.WriteLine($"items whose nearest other item has cos ≥ {t}: {nn.Count(v => v >= t)} ({nn.Count(v => v >= t) / (double)nn.Length:P2})");
    using var norms = x.norm(1);
    Console.WriteLine($"row norms: min {norms.min().item<float>():F4} max {norms.max().item<float>():F4}");
    var rows = x.data<float>().ToArray();
    int d = (int)x.shape[1];
    var exact = Enumerable.Range(0, (int)x.shape[0]).GroupBy(r => string.Join(',', rows.Skip(r * d).Take(d))).Where(g => g.Count() > 1).ToList();
    Console.WriteLine($"exact duplicate vectors: {exact.Sum(g => g.Count())} items in {exact.Count} groups (largest {exact.Select(g => g.Count()).DefaultIfEmpty(0).Max()})");
}

RqVaeConfig ModelConfig(int inputDim) => new()
{
    InputDim = inputDim,
    HiddenDims = options.Ints("hidden", [512, 256, 128]),
    LatentDim = options.Int("latent", 32),
    Levels = options.Int("levels", 3),
    CodebookSize = options.Int("codebook", 256),
    Beta = options.Double("beta", 0.25),
    Estimator = options.Enum("estimator", Estimator.StraightThrough),
    Distance = options.Enum("distance", Distance.L2),
    Gumbel = new GumbelSchedule(options.Double("tau0", new GumbelSchedule().Start), options.Double("tau-min", new GumbelSchedule().Min), options.Double("tau-decay", new GumbelSchedule().DecayPerStep)),
    DeadCodeWindow = options.Int("dead-window", new RqVaeConfig().DeadCodeWindow),
    KMeansInit = options.Bool("kmeans-init", true),
    KMeansIterations = options.Int("kmeans-iters", 25),
    Reduction = options.Enum("reduction", Reduction.Sum),
    Dropout = options.Double("dropout", 0),
    Seed = options.Long("seed", 0),
};

RqVaeTrainingConfig TrainingConfig() => new()
{
    Steps = options.Int("steps", new RqVaeTrainingConfig().Steps),
    BatchSize = options.Int("batch", 1024),
    LearningRate = options.Double("lr", 1e-3),
    Optimizer = options.Enum("optimizer", OptimizerKind.Adam),
    WeightDecay = options.Double("weight-decay", 0),
    Seed = options.Long("train-seed", 0),
    Device = options.Str("device") ?? "cpu",
    MetricsEvery = options.Int("metrics-every", 250),
    WarmupStepsBeforeKMeansInit = options.Int("warmup", new RqVaeTrainingConfig().WarmupStepsBeforeKMeansInit),
    HeldOutFraction = options.Double("held-out", 0.05),
};

void RunRqVae(Tensor x)
{
    var modelConfig = ModelConfig((int)x.shape[1]);
    var trainingConfig = TrainingConfig();
    Console.WriteLine($"model: {JsonSerializer.Serialize(modelConfig)}");
    Console.WriteLine($"training: {JsonSerializer.Serialize(trainingConfig)}");
    using var model = new RqVae(modelConfig);
    var progress = new ConsoleProgress();
    var result = new RqVaeTrainer(trainingConfig).Train(model, x, progress);
    var ids = SemanticIds.FromModel(model, x, itemIds);
    var report = ids.Collisions();
    var f = result.Final;
    Console.WriteLine($"RESULT steps={result.Steps} wall={result.Elapsed.TotalSeconds:F1}s usage=[{Fmt(f.UsagePerLevel)}] " +
        $"unique_items={f.UniqueItemFraction:F4} distinct={f.DistinctTupleFraction:F4} max_dup={f.MaxDuplicates} recon={f.ReconstructionLoss:F4} " +
        $"heldout_recon={f.HeldOutReconstructionLoss:F4} colliding_items={report.CollidingItems} groups={report.Groups.Count} restarts=[{string.Join(",", model.Quantizer.DeadCodeRestarts)}]");
    DescribeCollisions(x, ids);
    if (options.Str("ids") is string idsPath) { SemanticIdsParquet.Save(ids, idsPath); Console.WriteLine($"ids → {idsPath}"); }
    if (options.Str("checkpoint") is string ckpt) { RqVaeCheckpoint.Save(model, ckpt); Console.WriteLine($"checkpoint → {ckpt}"); }
    if (options.Str("json") is string json) File.WriteAllText(json, JsonSerializer.Serialize(new { modelConfig, trainingConfig, result.History }, new JsonSerializerOptions { WriteIndented = true }));
}

void RunTrainingFree(Tensor x, IQuantizer quantizer)
{
    var clock = System.Diagnostics.Stopwatch.StartNew();
    quantizer.InitializeFromData(x);
    var ids = SemanticIds.FromQuantizer(quantizer, x, itemIds);
    using (var output = quantizer.forward(x))
    using (var err = (x - output.Quantized).square().sum(1).mean())
        Console.WriteLine($"quantization error ‖x − x̂‖² per item: {err.item<float>():F4}");
    PrintCodeStats(ids, clock.Elapsed.TotalSeconds);
    ((IDisposable)quantizer).Dispose();
}

void RunAutoencoder(Tensor x)
{
    using var ae = new ContinuousAutoencoder(ModelConfig((int)x.shape[1]));
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var r = ae.Fit(x, TrainingConfig() with { WarmupStepsBeforeKMeansInit = 0 });
    Console.WriteLine($"RESULT autoencoder steps={r.Steps} wall={clock.Elapsed.TotalSeconds:F1}s recon={r.ReconstructionLoss:F4} heldout_recon={r.HeldOutReconstructionLoss:F4}");
}

void PrintCodeStats(SemanticIds ids, double seconds)
{
    int k = ids.CodebookSize;
    Console.WriteLine($"RESULT wall={seconds:F1}s usage=[{Fmt(CodebookMetrics.UsagePerLevel(ids.Codes, k))}] perplexity=[{Fmt(CodebookMetrics.Perplexity(ids.Codes, k))}] " +
        $"unique_items={CodebookMetrics.UniqueItemFraction(ids.Codes):F4} distinct={CodebookMetrics.DistinctTupleFraction(ids.Codes):F4} max_dup={CodebookMetrics.MaxDuplicates(ids.Codes)}");
}

// What collides: the mean pairwise cosine of the raw embeddings within collision groups, against the
// cosine of each colliding item to its nearest other item in the whole catalogue.
void DescribeCollisions(Tensor x, SemanticIds ids)
{
    var groups = ids.Collisions().Groups;
    if (groups.Count == 0) return;
    var pairCos = new List<double>();
    foreach (var g in groups)
    {
        using var rows = x.index_select(0, torch.tensor(g.ItemIds.Select(id => (long)(id - 1)).ToArray()));
        using var sims = rows.matmul(rows.t());
        var s = sims.data<float>().ToArray();
        int m = g.ItemIds.Length;
        for (int i = 0; i < m; i++) for (int j = i + 1; j < m; j++) pairCos.Add(s[i * m + j]);
    }
    var sorted = pairCos.Order().ToArray();
    Console.WriteLine($"collisions: {groups.Count} groups; cosine of colliding pairs: median {sorted[sorted.Length / 2]:F3}, " +
        $"10th pct {sorted[sorted.Length / 10]:F3}, min {sorted[0]:F3}; pairs ≥ 0.95: {pairCos.Count(c => c >= 0.95) / (double)pairCos.Count:P1}, identical (≥ 0.9999): {pairCos.Count(c => c >= 0.9999)}");
    foreach (var g in groups.Take(3)) Console.WriteLine($"  group ({string.Join(",", g.Codes)}): items {string.Join(" ", g.ItemIds)}");
}

static string Fmt(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)));

internal sealed class ConsoleProgress : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress p)
    {
        if (p.Metrics is not { } m) return;
        string F(IEnumerable<double> v) => string.Join(",", v.Select(x => x.ToString("F3", CultureInfo.InvariantCulture)));
        Console.WriteLine($"step {m.Step,6} {m.Phase,-9} t={m.ElapsedSeconds,6:F1}s batch={p.BatchLoss:F4} recon={m.ReconstructionLoss:F4} cb={m.CodebookLoss:F4} " +
            $"commit={m.CommitmentLoss:F4} held_recon={m.HeldOutReconstructionLoss:F4} usage=[{F(m.UsagePerLevel)}] ppl=[{string.Join(",", m.PerplexityPerLevel.Select(v => v.ToString("F0")))}] " +
            $"unique={m.UniqueItemFraction:F4} distinct={m.DistinctTupleFraction:F4} maxdup={m.MaxDuplicates}");
    }
}
