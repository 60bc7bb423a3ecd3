// config.json of a pipeline run folder, typed: everything the run resolved to (dataset, seed, the device
// actually picked, embedding model and text template, the stage-1 settings, the TIGER preset with its
// overrides, the SASRec settings). The first run writes it; a later run into the same folder must resolve to
// the same values or is refused naming the differing keys, because resuming stages under another
// configuration would silently mix two experiments. The records serialize to exactly the JSON the CLI wrote
// before they existed (same keys, same order), so existing run folders and the shared semantic-ID cache,
// whose fingerprints hash this JSON, stay valid.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using GenRec.IO;
using GenRec.Quantization;
using GenRec.SasRec;
using GenRec.Text;

namespace GenRec.Runs;

/// <summary>Stage-1 settings as config.json's "semantic_ids" records them; their fingerprint keys the shared cache.</summary>
/// <param name="Method">rqvae | rqkmeans | lsh | random.</param>
/// <param name="Estimator">Gradient estimator (the pipeline uses straight-through, "ste").</param>
/// <param name="Steps">RQ-VAE training steps; null for a method without training.</param>
/// <param name="Seed">Seed of the quantizer.</param>
/// <param name="Device">Device that trains it ("cpu", "cuda").</param>
/// <param name="Embeddings">File name of the cached embeddings it reads (carries dataset, model, template and text hash).</param>
public sealed record SemanticIdStageConfig(string Method, string Estimator, int? Steps, long Seed, string Device, string Embeddings);

/// <summary>The SASRec control's settings as config.json's "sasrec" records them (ItemCount 0: filled from the dataset).</summary>
public sealed record SasRecStageConfig(SasRecConfig Model, SasRecTrainerConfig Trainer);

/// <summary>The resolved configuration of one pipeline run (config.json at the top of the run folder).</summary>
/// <param name="Dataset">Dataset name.</param>
/// <param name="Seed">Seed of every stage.</param>
/// <param name="Device">The device picked ("cpu" or "cuda").</param>
/// <param name="EmbeddingModel">Sentence encoder of the item texts.</param>
/// <param name="TextTemplate">Fingerprint of the item text template.</param>
/// <param name="SemanticIds">Stage 1.</param>
/// <param name="Tiger">The stage-2 preset with every override applied.</param>
/// <param name="SasRec">The SASRec control; null when it does not run.</param>
public sealed record PipelineConfig(
    string Dataset,
    long Seed,
    string Device,
    string EmbeddingModel,
    string TextTemplate,
    SemanticIdStageConfig SemanticIds,
    TigerPreset Tiger,
    [property: JsonPropertyName("sasrec")] SasRecStageConfig? SasRec)
{
    /// <summary>File name inside the run folder.</summary>
    public const string FileName = "config.json";

    /// <summary>
    /// The stage-1 methods the pipeline runs: the RQ-VAE (the paper's), residual k-means, and the two baselines of
    /// the paper's ID ablation (§4.3): random-hyperplane LSH and seeded random codes.
    /// </summary>
    public static readonly IReadOnlyList<string> SemanticIdMethods = ["rqvae", "rqkmeans", "lsh", "random"];

    /// <summary>
    /// Resolves <paramref name="options"/> on <paramref name="device"/> ("cpu" or "cuda") with the embeddings the
    /// run uses. Throws <see cref="ArgumentException"/> for an unknown preset, model kind or stage-1 method.
    /// </summary>
    public static PipelineConfig Resolve(PipelineOptions options, string device, CatalogueEmbeddingsResult embeddings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(embeddings);
        var method = options.ResolvedSemanticIdMethod;
        if (!SemanticIdMethods.Contains(method))
            throw new ArgumentException($"Unknown semantic-ID method \"{method}\": expected one of {string.Join(", ", SemanticIdMethods)}.");
        var stage1 = new SemanticIdStageConfig(method, "ste",
            method == "rqvae" ? options.RqVaeSteps ?? new RqVaeTrainingConfig().Steps : null,
            options.Seed, device, Path.GetFileName(embeddings.Cache.FilePath));
        return new PipelineConfig(options.Dataset, options.Seed, device, embeddings.ModelId, embeddings.TemplateId, stage1,
            options.ResolveTigerPreset(), options.SasRec ? options.ResolveSasRec() : null);
    }

    /// <summary>Reads config.json of <paramref name="runDirectory"/>.</summary>
    public static PipelineConfig Load(string runDirectory) => RunFiles.ReadJson<PipelineConfig>(Path.Combine(runDirectory, FileName));

    /// <summary>This config as config.json holds it.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, RunFiles.Json)!.AsObject();

    /// <summary>
    /// Writes config.json into <paramref name="runDirectory"/> when it has none; otherwise the file must hold this
    /// configuration, else <see cref="InvalidOperationException"/> naming the differing keys (dotted paths).
    /// </summary>
    public void CheckOrWrite(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        var resolved = ToJson();
        if (File.Exists(path))
        {
            JsonObject previous;
            try
            {
                previous = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                    ?? throw new InvalidDataException($"{path} is damaged (not a JSON object); delete it (each stage is checked against its own marker, so finished stages are kept) or choose another --out.");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path} is damaged ({e.Message.Split(" Path:")[0]}); delete it (each stage is checked against its own marker, so finished stages are kept) or choose another --out.", e);
            }
            var differing = DifferingKeys(previous, resolved, "").ToList();
            if (differing.Count > 0)
                throw new InvalidOperationException(
                    $"{runDirectory} holds a run with a different configuration ({string.Join(", ", differing)}); " +
                    "choose another --out or delete that folder.");
            return;
        }
        AtomicFile.WriteText(path, resolved.ToJsonString(RunFiles.Json));
    }

    static IEnumerable<string> DifferingKeys(JsonObject a, JsonObject b, string prefix)
    {
        foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)).Order())
        {
            var (x, y) = (a[key], b[key]);
            if (x is JsonObject xo && y is JsonObject yo)
            {
                foreach (var inner in DifferingKeys(xo, yo, prefix + key + ".")) yield return inner;
            }
            else if (!JsonNode.DeepEquals(x, y)) yield return prefix + key;
        }
    }
}
