// Measures what the `cpu` TIGER preset can afford: for one candidate model shape, the wall and CPU time of
// training steps on Beauty's real leave-one-out examples (tokenized with real semantic IDs), and the rate
// of constrained beam-search generation (users/s) on real validation histories. The figures feed
// GenRec.Runs.TigerPresets; run one shape per process so each measurement stays short.
//
//   GENREC_DATA_DIR=… dotnet run -c Release --project bench/GenRec.PresetBench -- \
//       --semantic-ids DIR/semantic_ids.parquet --d-model 128 --heads 4 --d-kv 32 --d-ff 512 --layers 2 \
//       --batch 256 --steps 25 --gen-users 512 --beam 10
using System.Diagnostics;
using GenRec.Data;
using GenRec.Runs;
using GenRec.Tiger;
using TorchSharp;

var semanticIdsPath = StringArg("--semantic-ids") ?? throw new ArgumentException("--semantic-ids FILE is required");
var dModel = IntArg("--d-model", 128);
var heads = IntArg("--heads", 6);
var dKv = IntArg("--d-kv", 64);
var dFf = IntArg("--d-ff", 1024);
var layers = IntArg("--layers", 4);
var batch = IntArg("--batch", 256);
var steps = IntArg("--steps", 25);
var genUsers = IntArg("--gen-users", 512);
var beam = IntArg("--beam", 10);
if (args.Contains("--keep-freed-memory")) Console.WriteLine($"KeepFreedMemory: {CpuAllocatorTuning.KeepFreedMemory()}");

Console.WriteLine($"torch threads {torch.get_num_threads()}, load average {LoadAverage()}");
var dataset = AmazonDataset.LoadCached(DataLocator.ResolveDataset("beauty"), name: "beauty");
var ids = GenRec.Quantization.SemanticIdsParquet.Load(semanticIdsPath);
var tokenizer = TigerData.BuildTokenizer(ids, dataset.ItemCount);
var data = TigerData.Create(dataset, tokenizer, maxHistoryItems: 20);
Console.WriteLine($"train examples {data.Train.Count}, validation users {data.Validation.Count}, vocabulary {tokenizer.VocabularySize}, levels {tokenizer.Levels}");

var config = new TigerConfig(tokenizer.VocabularySize, DModel: dModel, NumHeads: heads, DKv: dKv, DFf: dFf, EncoderLayers: layers, DecoderLayers: layers);
using var model = new TigerModel(config, seed: 1);
Console.WriteLine($"shape d_model {dModel}, heads {heads}×{dKv}, d_ff {dFf}, {layers}+{layers} layers: {model.ParameterCount():N0} parameters");

if (steps >= 2)
{
    using var trainer = new TigerTrainer(model, tokenizer, data.Train, new TigerTrainerConfig(BatchSize: batch, Seed: 1));
    trainer.TrainStep();   // warm-up, not timed
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    for (var s = 1; s < steps; s++) trainer.TrainStep();
    var wall = clock.Elapsed.TotalSeconds / (steps - 1);
    process.Refresh();
    var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / (steps - 1);
    Console.WriteLine($"train batch {batch}: {wall:F3} s/step wall, {cpu:F2} core-s/step; {trainer.BatchesPerEpoch} steps per epoch; " +
                      $"1000 steps ≈ {wall * 1000 / 60:F1} min");
}
if (genUsers > 0)
{
    var users = data.Validation.Take(genUsers).ToList();
    TigerValidation.Evaluate(model, tokenizer, users.Take(16).ToList(), beamWidth: beam);   // warm-up
    var clock = Stopwatch.StartNew();
    TigerValidation.Evaluate(model, tokenizer, users, beamWidth: beam);
    var rate = users.Count / clock.Elapsed.TotalSeconds;
    Console.WriteLine($"generate beam {beam}: {users.Count} users in {clock.Elapsed.TotalSeconds:F1} s = {rate:F1} users/s; " +
                      $"valid + test (2 × {data.Validation.Count}) ≈ {2 * data.Validation.Count / rate / 60:F1} min");
}
Console.WriteLine($"load average at end {LoadAverage()}");

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
int IntArg(string name, int fallback) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback; }
string? StringArg(string name) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
