// config.json of a TIGER run folder: everything that determines the run, resolved (preset values, seed,
// dataset, semantic-ID file, vocabulary size). A rerun into the same folder must resolve to the same
// config — apart from the step count, which may grow to continue training — or it is refused, because
// resuming a checkpoint under different settings would silently mix two experiments.
using System.Text.Json;
using System.Text.Json.Nodes;
using GenRec.Tiger;

namespace GenRec.Runs;

/// <summary>The resolved configuration of one TIGER run (stored as config.json).</summary>
public sealed record TigerRunConfig(
    string Preset,
    long Seed,
    string Dataset,
    string SemanticIds,
    TigerConfig Model,
    TigerTrainerConfig Trainer,
    TigerFitOptions Fit,
    int EvalBeamWidth,
    int ValidationSubset,
    int UserBuckets)
{
    /// <summary>File name inside the run folder.</summary>
    public const string FileName = "config.json";

    /// <summary>Resolves a preset for a dataset, semantic-ID file, tokenizer and seed.</summary>
    public static TigerRunConfig Resolve(TigerPreset preset, long seed, string dataset, string semanticIdsFile, SemanticIdTokenizer tokenizer) =>
        new(preset.Name, seed, dataset, Path.GetFullPath(semanticIdsFile), preset.ModelFor(tokenizer),
            preset.Trainer with { Seed = seed }, preset.Fit with { CheckpointDirectory = null },
            preset.EvalBeamWidth, preset.ValidationSubset, preset.UserBuckets);

    /// <summary>Reads config.json of <paramref name="runDirectory"/>.</summary>
    public static TigerRunConfig Load(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} not found: is {runDirectory} a folder written by `genrec train`?", path);
        return RunFiles.ReadJson<TigerRunConfig>(path);
    }

    /// <summary>Writes config.json into <paramref name="runDirectory"/> (atomically).</summary>
    public void Save(string runDirectory) => RunFiles.WriteJson(Path.Combine(runDirectory, FileName), this);

    /// <summary>
    /// Keys (dotted paths) whose values differ from <paramref name="other"/>, ignoring fit.max_steps
    /// (a run may be continued with more steps). Empty: the same experiment.
    /// </summary>
    public IReadOnlyList<string> DifferencesFrom(TigerRunConfig other)
    {
        var a = JsonSerializer.SerializeToNode(this with { Fit = Fit with { MaxSteps = 0 } }, RunFiles.Json)!;
        var b = JsonSerializer.SerializeToNode(other with { Fit = other.Fit with { MaxSteps = 0 } }, RunFiles.Json)!;
        var differences = new List<string>();
        Compare(a, b, "", differences);
        return differences;
    }

    static void Compare(JsonNode? a, JsonNode? b, string path, List<string> differences)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var key in oa.Select(kv => kv.Key).Union(ob.Select(kv => kv.Key)))
                Compare(oa[key], ob[key], path.Length == 0 ? key : path + "." + key, differences);
        }
        else if (!JsonNode.DeepEquals(a, b))
        {
            differences.Add($"{path} ({a?.ToJsonString() ?? "missing"} vs {b?.ToJsonString() ?? "missing"})");
        }
    }
}
