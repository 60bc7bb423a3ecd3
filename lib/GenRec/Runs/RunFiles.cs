// The file conventions every stage folder of a run shares (CONTRACT.md): JSON with snake_case keys,
// indented, written through a temporary file and a rename so a crash never leaves half a file that a
// later command would read as complete.
using System.Text.Json;
using GenRec.IO;

namespace GenRec.Runs;

/// <summary>JSON style and atomic writes of run folders.</summary>
public static class RunFiles
{
    /// <summary>snake_case keys, indented; the same style as the command line's JSON output.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Serializes <paramref name="value"/> with <see cref="Json"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteJson<T>(string path, T value) => AtomicFile.WriteText(path, JsonSerializer.Serialize(value, Json));

    /// <summary>Reads a JSON file written by <see cref="WriteJson"/>; a malformed file throws naming it.</summary>
    public static T ReadJson<T>(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} not found.", path);
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json)
                   ?? throw new InvalidDataException($"{path}: expected a JSON object, found null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON for {typeof(T).Name} ({e.Message}).", e);
        }
    }
}
