// Times TIGER's stage-2 model in the paper's shape (d_model 128, 6 × 64 heads, d_ff 1024, 4 + 4 layers,
// 2000 user buckets) on synthetic data of realistic shape: a Beauty-sized catalogue (12,101 items, semantic
// IDs of 3 × 256 codes + a de-duplication code) and histories of 1–20 items (mean ≈ 9, 4 tokens each).
// Reports one training step (forward, backward, AdamW) at batch 256 with and without length bucketing —
// sequences/s and target tokens/s averaged over the same number of batches drawn from each epoch plan —
// and generation users/s with constrained beam search (beam 20, top 10).
//
//   dotnet run -c Release --project bench/GenRec.TigerBench -- [--steps 10] [--gen-users 256] [--device cpu]
using System.Diagnostics;
using GenRec;
using GenRec.Tiger;
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

var steps = IntArg("--steps", 10);
if (args.Contains("--keep-freed-memory")) Console.WriteLine($"CpuAllocatorTuning.KeepFreedMemory(): {CpuAllocatorTuning.KeepFreedMemory()}");
var genUsers = IntArg("--gen-users", 256);
var device = TorchDevice.Pick(StringArg("--device"));
if (IntArg("--threads", 0) is > 0 and var threads) torch.set_num_threads(threads);
const int BatchSize = 256, Items = 12_101, MaxItems = 20;
int[] codebooks = [256, 256, 256, 16];

Console.WriteLine($"device {device.type}, torch threads {torch.get_num_threads()}, load average {LoadAverage()}");

// catalogue: distinct random 4-code IDs for items 1..Items
var random = new Random(1);
var seen = new HashSet<long>();
var ids = new int[]?[Items + 1];
for (var item = 1; item <= Items; item++)
{
    int[] codes;
    do codes = [.. codebooks.Select(size => random.Next(size))];
    while (!seen.Add(((long)codes[0] << 24) | ((long)codes[1] << 16) | ((long)codes[2] << 8) | (long)codes[3]));
    ids[item] = codes;
}
var tokenizer = new SemanticIdTokenizer(ids, codebooks, userBuckets: 2000);

// history lengths: geometric on 1..20 (capped), parameter chosen so the mean is ≈ 9 items
var p = FindGeometricP(targetMean: 9.0, max: MaxItems);
int SampleLength() { var n = 1; while (n < MaxItems && random.NextDouble() > p) n++; return n; }
var exampleCount = BatchSize * Math.Max(steps, (genUsers + BatchSize - 1) / BatchSize);
var examples = Enumerable.Range(0, exampleCount).Select(u =>
    new TigerExample(u, [.. Enumerable.Range(0, SampleLength()).Select(_ => random.Next(1, Items + 1))], random.Next(1, Items + 1))).ToList();
var lengths = examples.Select(e => e.History.Length).ToArray();
Console.WriteLine($"examples {exampleCount}: history items mean {lengths.Average():F2}, max {lengths.Max()}, " +
                  $"share at 20: {lengths.Count(l => l == MaxItems) / (double)exampleCount:P1}; source tokens mean {lengths.Average() * 4 + 2:F1} (user + items·4 + EOS)");

var config = TigerConfig.ForTokenizer(tokenizer);
using (var probe = new TigerModel(config)) Console.WriteLine(probe.Summary());

if (args.Contains("--profile"))
{
    using (var x = torch.randn(256, 82, 1024))
        for (var round = 0; round < 6; round++)
        {
            var clock = Stopwatch.StartNew();
            using (var y = torch.nn.functional.dropout(x, 0.1, true)) { }
            var native = clock.Elapsed.TotalSeconds;
            clock.Restart();
            using (var y = x * (torch.rand_like(x) >= 0.1f) / 0.9f) { }
            var viaRand = clock.Elapsed.TotalSeconds;
            clock.Restart();
            using (var y = x * torch.empty_like(x).bernoulli_(0.9) / 0.9f) { }
            var viaBernoulli = clock.Elapsed.TotalSeconds;
            clock.Restart();
            using (var y = torch.nn.functional.relu(x)) { }
            var relu = clock.Elapsed.TotalSeconds;
            var seeded = new SeededDropout(0.1, new DropoutRandomness());
            clock.Restart();
            using (var y = seeded.forward(x)) { }
            var viaSeeded = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"profile dropout on 21.5M floats: LibTorch {native:F3} s, rand-mask {viaRand:F3} s, bernoulli_ {viaBernoulli:F3} s, SeededDropout {viaSeeded:F3} s (relu {relu:F3} s)");
        }
    // where the time of one padded training step and one beam-search batch goes (single runs, after a warm-up)
    using var model = new TigerModel(config, seed: 1);
    model.to(device);
    var batch = examples.Take(BatchSize).ToList();
    var sources = batch.Select(e => tokenizer.EncodeHistory(e.History, MaxItems, e.UserId)).ToList();
    var targets = batch.Select(e => tokenizer.EncodeItem(e.Target)).ToList();
    var (src, mask) = TigerBatching.PadSources(sources, device);
    var dec = TigerBatching.DecoderInput(targets, device);
    var labels = TigerBatching.Labels(targets, device);
    var optimizer = new KeptAdamW(model.parameters(), learningRate: 1e-3);   // the trainers' AdamW
    for (var round = 0; round < 2; round++)
    {
        model.train();
        var clock = Stopwatch.StartNew();
        var logits = model.forward(src, mask, dec);
        var loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), labels.reshape(-1));
        var forward = clock.Elapsed.TotalSeconds;
        loss.backward();
        var backward = clock.Elapsed.TotalSeconds - forward;
        optimizer.Step();
        optimizer.ZeroGrad();
        var step = clock.Elapsed.TotalSeconds - forward - backward;
        Console.WriteLine($"profile train (B {BatchSize}, S {src.shape[1]}): forward {forward:F3} s, backward {backward:F3} s, AdamW {step:F3} s");
    }
    foreach (var (train, grad) in new[] { (true, false), (false, true), (false, false), (true, true) })
    {
        model.train(train);
        using var gradMode = torch.set_grad_enabled(grad);
        var clock = Stopwatch.StartNew();
        using var logits = model.forward(src, mask, dec);
        Console.WriteLine($"profile forward train-mode={train} grad={grad}: {clock.Elapsed.TotalSeconds:F3} s");
    }
    model.eval();
    using (torch.no_grad())
    {
        for (var round = 0; round < 2; round++)
        {
            var clock = Stopwatch.StartNew();
            using var memory = model.PrepareDecoding(src, mask);
            var line = $"profile generate (B {BatchSize}, beam 20): encode + cross K/V {clock.Elapsed.TotalSeconds:F3} s";
            for (var t = 1; t <= tokenizer.Levels; t++)
            {
                var input = torch.ones(BatchSize * 20, t, torch.int64, device);
                clock.Restart();
                using var next = model.NextTokenLogits(input, memory);
                line += $", decode T={t} {clock.Elapsed.TotalSeconds:F3} s";
            }
            Console.WriteLine(line);
        }
    }
    return;
}

foreach (var bucketing in steps >= 2 ? new[] { false, true } : [])
{
    using var model = new TigerModel(config, seed: 1);
    model.to(device);
    using var trainer = new TigerTrainer(model, tokenizer, examples,
        new TigerTrainerConfig(BatchSize: BatchSize, LengthBucketing: bucketing, UseUserToken: true, Seed: 3));
    var sourceLengths = examples.Select(e => 1 + Math.Min(e.History.Length, MaxItems) * 4 + 1).ToArray();
    var plan = BatchPlanner.Plan(sourceLengths, BatchSize, bucketing, seed: 3, epoch: 0);
    var padded = plan.Sum(b => (long)b.Length * b.Max(i => sourceLengths[i]));
    var padding = BatchPlanner.PaddingTokens(sourceLengths, plan) / (double)padded;

    trainer.TrainStep();   // warm-up (allocator, kernels); not timed. The timed steps are the epoch's next ones.
    var times = new List<double>();
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    for (var s = 1; s < steps; s++)
    {
        var clock = Stopwatch.StartNew();
        trainer.TrainStep();
        times.Add(clock.Elapsed.TotalSeconds);
    }
    process.Refresh();
    var cpuPerStep = (process.TotalProcessorTime - cpuBefore).TotalSeconds / times.Count;
    var mean = times.Average();
    Console.WriteLine($"train bucketing={bucketing,-5}: {times.Count} steps of batch {BatchSize}: mean {mean:F3} s/step " +
                      $"(median {Median(times):F3}, min {times.Min():F3}, max {times.Max():F3}; CPU {cpuPerStep:F2} core-s/step); " +
                      $"padding {padding:P1} of source positions; {BatchSize / mean:F1} sequences/s, {BatchSize * tokenizer.Levels / mean:F0} target tokens/s");
}

{
    using var model = new TigerModel(config, seed: 1);
    model.to(device);
    var sources = examples.Take(genUsers).Select(e => tokenizer.EncodeHistory(e.History, MaxItems, e.UserId)).ToList();
    var search = new ConstrainedBeamSearch(model, tokenizer);
    search.Search(sources.Take(8).ToList(), new BeamSearchOptions(BeamWidth: 20, TopK: 10));   // warm-up
    foreach (var constrained in new[] { true, false })
    {
        var clock = Stopwatch.StartNew();
        var result = search.Search(sources, new BeamSearchOptions(BeamWidth: 20, TopK: 10, Constrained: constrained, BatchSize: 256));
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"generate constrained={constrained,-5}: {genUsers} users, beam 20, top 10: {seconds:F2} s, {genUsers / seconds:F1} users/s; " +
                          $"invalid IDs in top 10: {result.InvalidRate(10):P1}");
    }
}
Console.WriteLine($"load average at end {LoadAverage()}");

static double FindGeometricP(double targetMean, int max)
{
    double lo = 1e-4, hi = 1;
    for (var i = 0; i < 60; i++)
    {
        var mid = (lo + hi) / 2;
        double mean = 0, survive = 1;   // P(L ≥ n) = (1 − p)^(n − 1), capped at max
        for (var n = 1; n <= max; n++) { mean += survive; survive *= 1 - mid; }
        if (mean > targetMean) lo = mid; else hi = mid;
    }
    return (lo + hi) / 2;
}

static double Median(List<double> values) { var s = values.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
int IntArg(string name, int fallback) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback; }
string? StringArg(string name) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
