// A small generated dataset (prepared text format, so the CLI can load it too), semantic IDs for it with
// deliberate collisions (so the de-dup level is exercised), and a stage-2 preset small enough that a run
// takes about a second.
using GenRec.Data;
using GenRec.Quantization;
using GenRec.Runs;
using GenRec.Tests.TestSupport;
using GenRec.Tiger;

namespace GenRec.Tests.Runs;

static class TinyTigerRun
{
    public const int Items = 30, Users = 40;

    /// <summary>
    /// Writes items.jsonl, users.tsv and sequences.txt of a 30-item, 40-user dataset; returns its folder. Without
    /// <paramref name="titles"/> the items have brand, categories and keywords instead, as Sports' items do.
    /// </summary>
    public static string WriteDataset(TempDirectory directory, string name = "tiny", bool titles = true)
    {
        var random = new Random(5);
        var items = string.Join("\n", Enumerable.Range(1, Items).Select(i => titles
            ? $"{{\"item_id\": {i}, \"asin\": \"B{i:D3}\", \"title\": \"Item {i}\", \"brand\": null, \"categories\": [], \"keywords\": null}}"
            : $"{{\"item_id\": {i}, \"asin\": \"B{i:D3}\", \"title\": null, \"brand\": \"Brand {i % 5}\", \"categories\": [[\"Outdoors\", \"Kind {i % 3}\"]], \"keywords\": \"gear number {i}\"}}")) + "\n";
        // users walk the catalogue mostly in steps of +1 (learnable) from a random start, 4–8 items
        var sequences = string.Join("\n", Enumerable.Range(1, Users).Select(u =>
        {
            var length = random.Next(4, 9);
            var start = random.Next(1, Items + 1);
            var walk = Enumerable.Range(0, length).Select(k => (start + k + (random.Next(5) == 0 ? 7 : 0) - 1) % Items + 1).ToList();
            for (var k = 1; k < walk.Count; k++) if (walk[k] == walk[k - 1]) walk[k] = walk[k] % Items + 1;
            return $"{u} {string.Join(' ', walk)}";
        })) + "\n";
        var users = "user_id\treviewerID\n" + string.Join("", Enumerable.Range(1, Users).Select(u => $"{u}\tR{u}\n"));
        directory.Write(Path.Combine(name, "items.jsonl"), items);
        directory.Write(Path.Combine(name, "sequences.txt"), sequences);
        directory.Write(Path.Combine(name, "users.tsv"), users);
        return directory.Combine(name);
    }

    /// <summary>The dataset of <see cref="WriteDataset"/>, loaded.</summary>
    public static AmazonDataset Dataset(TempDirectory directory) => AmazonDataset.Load(WriteDataset(directory), "tiny");

    /// <summary>Writes 2-level IDs with K = 4 (16 tuples for 30 items: collisions) into folder/semantic_ids.parquet.</summary>
    public static string WriteSemanticIds(TempDirectory directory, string folder = "ids")
    {
        var codes = new int[Items, 2];
        for (var i = 0; i < Items; i++) { codes[i, 0] = i % 4; codes[i, 1] = (i / 4) % 4; }
        var ids = SemanticIds.FromCodes([.. Enumerable.Range(1, Items)], codes, codebookSize: 4);
        SemanticIdsParquet.Save(ids, directory.Combine(folder, "semantic_ids.parquet"));
        return directory.Combine(folder);
    }

    /// <summary>The decoder-only variant of <see cref="Preset"/>: d_model 16, 2 heads × 8, d_ff 32, 2 layers, batch 8 windows.</summary>
    public static TigerPreset DecoderOnlyPreset(int steps = 4) => new(
        "tiny", ModelKinds.DecoderOnly, null,
        new DecoderOnlyConfig(0, DModel: 16, NumHeads: 2, DKv: 8, DFf: 32, Layers: 2, Dropout: 0.1),
        new TigerTrainerConfig(BatchSize: 8, LearningRate: 0.01, WarmupSteps: 2, Schedule: ScheduleShapes.Cosine, ScheduleSteps: steps),
        new TigerFitOptions(MaxSteps: steps, EvalEvery: 2, Patience: 100, EvalBeamWidth: 10, EvalBatchSize: 8),
        EvalBeamWidth: 10,
        ValidationSubset: 12,
        UserBuckets: 0);

    /// <summary>d_model 16, 2 heads × 8, d_ff 32, 1 + 1 layers, batch 16, validation every 2 steps on 12 users, beam 10.</summary>
    public static TigerPreset Preset(int steps = 4) => new(
        "tiny", ModelKinds.EncoderDecoder,
        new TigerConfig(0, DModel: 16, NumHeads: 2, DKv: 8, DFf: 32, EncoderLayers: 1, DecoderLayers: 1, Dropout: 0.1),
        null,
        new TigerTrainerConfig(BatchSize: 16, LearningRate: 0.01, WarmupSteps: 2),
        new TigerFitOptions(MaxSteps: steps, EvalEvery: 2, Patience: 100, EvalBeamWidth: 10, EvalBatchSize: 8),
        EvalBeamWidth: 10,
        ValidationSubset: 12,
        UserBuckets: 0);
}
