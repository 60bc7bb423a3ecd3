// config.json of a TIGER run folder: everything that determines the run, resolved (preset values, seed,
// dataset, semantic-ID file, vocabulary size). A rerun into the same folder must resolve to the same
// config — apart from the step count, which may grow to continue training — or it is refused, because
// resuming a checkpoint under different settings would silently mix two experiments.
using System.Text.Json;
using System.Text.Json.Nodes;
using GenRec.Tiger;

namespace GenRec.Runs;

/// <summary>The resolved configuration of one stage-2 run (stored as config.json); exactly the config of <see cref="Model"/> is set.</summary>
public sealed record TigerRunConfig(
    string Preset,
    long Seed,
    string Dataset,
    string SemanticIds,
    string Model,
    TigerConfig? EncoderDecoder,
    DecoderOnlyConfig? DecoderOnly,
    TigerTrainerConfig Trainer,
    TigerFitOptions Fit,
    int EvalBeamWidth,
    int ValidationSubset,
    int UserBuckets)
{
    /// <summary>File name inside the run folder.</summary>
    public const string FileName = "config.json";

    /// <summary>Resolves a preset for a dataset, semantic-ID file, tokenizer and seed.</summary>
    public static TigerRunConfig Resolve(TigerPreset preset, long seed, string dataset, string semanticIdsFile, SemanticIdTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(preset);
        preset.Validate();
        return new(preset.Name, seed, dataset, Path.GetFullPath(semanticIdsFile), preset.Model,
            preset.EncoderDecoder is { } ed ? ed with { VocabularySize = tokenizer.VocabularySize } : null,
            preset.DecoderOnly is { } d ? d with { VocabularySize = tokenizer.VocabularySize } : null,
            preset.Trainer with { Seed = seed }, preset.Fit with { CheckpointDirectory = null },
            preset.EvalBeamWidth, preset.ValidationSubset, preset.UserBuckets);
    }

    /// <summary>A new model of this config's kind and shape, initialised from <paramref name="seed"/> (on the CPU).</summary>
    public IGenerativeRetriever CreateModel(long seed) => Model switch
    {
        ModelKinds.EncoderDecoder => new TigerModel(EncoderDecoder ?? throw Missing(), seed),
        ModelKinds.DecoderOnly => new DecoderOnlyModel(DecoderOnly ?? throw Missing(), seed),
        _ => throw new InvalidDataException($"{FileName}: unknown model \"{Model}\"."),
    };

    /// <summary>The training objective of <paramref name="model"/> (made by <see cref="CreateModel"/>) on <paramref name="data"/>.</summary>
    public IStageTwoObjective CreateObjective(IGenerativeRetriever model, TigerData data) => model switch
    {
        TigerModel encoderDecoder => new EncoderDecoderObjective(encoderDecoder, data.Tokenizer, data.Train, Trainer.MaxHistoryItems, Trainer.UseUserToken),
        DecoderOnlyModel decoderOnly => new DecoderOnlyObjective(decoderOnly, data.Tokenizer,
            ItemWindows.FromTrainingSequences(data.TrainingSequences, Trainer.MaxHistoryItems), Trainer.UseUserToken),
        _ => throw new ArgumentException($"No objective for {model.GetType().Name}."),
    };

    /// <summary>True when <paramref name="model"/> has exactly this config's kind and shape.</summary>
    public bool Describes(IGenerativeRetriever model) => model switch
    {
        TigerModel m => Model == ModelKinds.EncoderDecoder && m.Config == EncoderDecoder,
        DecoderOnlyModel m => Model == ModelKinds.DecoderOnly && m.Config == DecoderOnly,
        _ => false,
    };

    InvalidDataException Missing() => new($"{FileName}: model \"{Model}\" without its configuration.");

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
