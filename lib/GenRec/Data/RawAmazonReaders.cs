// Line readers for the canonical public Amazon 2014 files: reviews_<Category>_5.json.gz (one strict JSON
// object per line) and meta_<Category>.json.gz (one Python dict literal per line). Both may be gzip
// compressed or plain; errors name the file and line.
using System.IO.Compression;
using System.Text.Json;

namespace GenRec.Data;

/// <summary>One review: who, which product, when, and its 0-based position in the file (the tie-breaker).</summary>
public sealed record RawReview(string ReviewerId, string Asin, long UnixReviewTime, int FileOrder);

/// <summary>The item text the importer keeps from a meta record.</summary>
public sealed record RawMeta(string Asin, string? Title, string? Brand, IReadOnlyList<IReadOnlyList<string>> Categories);

/// <summary>Readers for the raw review and meta files.</summary>
public static class RawAmazonReaders
{
    /// <summary>Lines of a text file, transparently gunzipped when it starts with the gzip magic bytes.</summary>
    public static IEnumerable<string> ReadLines(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, "file is missing");
        using var file = File.OpenRead(path);
        var isGzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        using Stream stream = isGzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line) yield return line;
    }

    /// <summary>Reads every review; needs reviewerID, asin (non-empty strings without whitespace) and an integer unixReviewTime.</summary>
    public static List<RawReview> ReadReviews(string path)
    {
        var reviews = new List<RawReview>();
        var lineNumber = 0;
        foreach (var line in ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument document;
            try { document = JsonDocument.Parse(line); }
            catch (JsonException e)
            {
                throw new DataFormatException(path, lineNumber, $"expected one JSON object (a review), but the JSON is malformed: {e.Message}", e);
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                    throw new DataFormatException(path, lineNumber, $"expected a JSON object (a review), got {DataFormatException.Shorten(root.GetRawText())}");
                var reviewer = Identifier(path, lineNumber, root, "reviewerID");
                var asin = Identifier(path, lineNumber, root, "asin");
                if (!root.TryGetProperty("unixReviewTime", out var time))
                    throw new DataFormatException(path, lineNumber, "expected key \"unixReviewTime\"");
                if (time.ValueKind != JsonValueKind.Number || !time.TryGetInt64(out var seconds))
                    throw new DataFormatException(path, lineNumber,
                        $"expected \"unixReviewTime\" to be an integer, got {DataFormatException.Shorten(time.GetRawText())}");
                reviews.Add(new RawReview(reviewer, asin, seconds, reviews.Count));
            }
        }
        return reviews;
    }

    /// <summary>
    /// Reads meta records for the asins in <paramref name="wanted"/> (the first record of an asin wins).
    /// Every line is parsed, wanted or not, so a malformed file is reported rather than half used.
    /// </summary>
    public static Dictionary<string, RawMeta> ReadMeta(string path, IReadOnlySet<string> wanted)
    {
        var result = new Dictionary<string, RawMeta>();
        var lineNumber = 0;
        foreach (var line in ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            object? parsed;
            try { parsed = PythonLiteral.Parse(line); }
            catch (PythonLiteralException e)
            {
                throw new DataFormatException(path, lineNumber, $"expected a Python dict literal (a product record), {e.Message}", e);
            }
            if (parsed is not Dictionary<object, object?> record)
                throw new DataFormatException(path, lineNumber, "expected a Python dict literal (a product record), got another kind of value");
            if (!record.TryGetValue("asin", out var asinValue) || asinValue is not string { Length: > 0 } asin)
                throw new DataFormatException(path, lineNumber, "expected key 'asin' with a non-empty string value");
            if (!wanted.Contains(asin) || result.ContainsKey(asin)) continue;
            result[asin] = new RawMeta(
                asin,
                OptionalText(path, lineNumber, record, "title"),
                OptionalText(path, lineNumber, record, "brand"),
                Categories(path, lineNumber, record));
        }
        return result;
    }

    private static string Identifier(string path, int line, JsonElement root, string key)
    {
        if (!root.TryGetProperty(key, out var element)) throw new DataFormatException(path, line, $"expected key \"{key}\"");
        if (element.ValueKind != JsonValueKind.String || element.GetString() is not { Length: > 0 } value || value.Any(char.IsWhiteSpace))
            throw new DataFormatException(path, line,
                $"expected \"{key}\" to be a non-empty string without spaces, got {DataFormatException.Shorten(element.GetRawText())}");
        return value;
    }

    /// <summary>A text field: absent, None or blank → null (blank brands carry no information).</summary>
    private static string? OptionalText(string path, int line, Dictionary<object, object?> record, string key)
    {
        if (!record.TryGetValue(key, out var value) || value is null) return null;
        if (value is not string text) throw new DataFormatException(path, line, $"expected '{key}' to be a string or None, got a {Describe(value)}");
        var trimmed = text.Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }

    private static IReadOnlyList<IReadOnlyList<string>> Categories(string path, int line, Dictionary<object, object?> record)
    {
        if (!record.TryGetValue("categories", out var value) || value is null) return [];
        const string expectation = "expected 'categories' to be a list of category paths, each a list of strings";
        if (value is not List<object?> paths) throw new DataFormatException(path, line, $"{expectation}, got a {Describe(value)}");
        var result = new List<IReadOnlyList<string>>(paths.Count);
        foreach (var pathValue in paths)
        {
            if (pathValue is not List<object?> names || names.Any(n => n is not string))
                throw new DataFormatException(path, line, $"{expectation}, got a path that is a {Describe(pathValue)}");
            result.Add(names.Cast<string>().ToArray());
        }
        return result;
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string => "string",
        long => "int",
        double => "float",
        bool => "bool",
        object?[] => "tuple",
        List<object?> list => list.Any(v => v is not string) ? "list with non-string elements" : "list",
        Dictionary<object, object?> => "dict",
        _ => value.GetType().Name,
    };
}
