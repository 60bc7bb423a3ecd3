// Reading side of the run-folder contract (CONTRACT.md): locates the stage files of one run and parses the
// JSON ones. A missing file is not an error here (the report shows that stage as "not run"); a file that is
// present but malformed is, with the file and line in the message, because a report that silently drops a
// broken metrics.json would show numbers that are not the run's.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenRec.Runs;

/// <summary>The files of one run folder (runs/&lt;name&gt;/ with semantic-ids/, tiger/, sasrec/ inside).</summary>
public sealed class RunFolder
{
    /// <summary>Stage sub-folder names fixed by the contract.</summary>
    public const string SemanticIdsDir = "semantic-ids", TigerDir = "tiger", SasRecDir = "sasrec";

    /// <summary>Wraps <paramref name="directory"/>; throws if the folder does not exist.</summary>
    public RunFolder(string directory)
    {
        Root = Path.GetFullPath(directory);
        if (!Directory.Exists(Root)) throw new DirectoryNotFoundException($"Run folder {Root} does not exist.");
    }

    /// <summary>Full path of the run folder.</summary>
    public string Root { get; }

    /// <summary>Full path of <paramref name="relative"/> inside the run folder.</summary>
    public string PathOf(params string[] relative) => Path.Combine([Root, .. relative]);

    /// <summary>The parsed JSON file at <paramref name="relative"/>, or null when the file does not exist.</summary>
    public JsonNode? ReadJsonOrNull(params string[] relative)
    {
        var path = PathOf(relative);
        return File.Exists(path) ? ReadJson(path) : null;
    }

    /// <summary>Parses a JSON file; a syntax error becomes an <see cref="InvalidDataException"/> naming file and line.</summary>
    public static JsonNode ReadJson(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false })
                ?? throw new InvalidDataException($"{path}:1: expected a JSON value, found null.");
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            throw new InvalidDataException($"{path}:{line}: invalid JSON ({e.Message.Split(" Path:")[0]})", e);
        }
    }

    /// <summary>
    /// Reads a number from <paramref name="node"/>[<paramref name="key"/>]; null when the key is absent or JSON null.
    /// A value of another type throws, naming <paramref name="source"/> and the key.
    /// </summary>
    public static double? Number(JsonNode? node, string key, string source)
    {
        if (node is not JsonObject obj || !obj.TryGetPropertyValue(key, out var value) || value is null) return null;
        if (value is JsonValue v)
        {
            if (v.TryGetValue<double>(out var d)) return d;
            // Non-finite numbers are written as strings by System.Text.Json's AllowNamedFloatingPointLiterals.
            if (v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d)) return d;
        }
        throw new InvalidDataException($"{source}: \"{key}\" must be a number, found {value.ToJsonString()}.");
    }

    /// <summary>A JSON array of numbers as doubles (null entries become NaN); null when absent.</summary>
    public static double[]? Numbers(JsonNode? node, string key, string source)
    {
        if (node is not JsonObject obj || !obj.TryGetPropertyValue(key, out var value) || value is null) return null;
        if (value is not JsonArray array) throw new InvalidDataException($"{source}: \"{key}\" must be an array of numbers, found {Shorten(value.ToJsonString())}.");
        var result = new double[array.Count];
        for (int i = 0; i < array.Count; i++)
            result[i] = array[i] is null ? double.NaN : Number(new JsonObject { ["v"] = array[i]!.DeepClone() }, "v", $"{source} \"{key}\"[{i}]")!.Value;
        return result;
    }

    /// <summary>The objects of a JSON array under <paramref name="key"/> (empty when absent).</summary>
    public static IReadOnlyList<JsonObject> Objects(JsonNode? node, string key, string source)
    {
        if (node is not JsonObject obj || !obj.TryGetPropertyValue(key, out var value) || value is null) return [];
        if (value is not JsonArray array) throw new InvalidDataException($"{source}: \"{key}\" must be an array of objects.");
        return array.Select((e, i) => e as JsonObject ?? throw new InvalidDataException($"{source}: \"{key}\"[{i}] must be an object.")).ToArray();
    }

    internal static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
