// Reads items.jsonl of the prepared format: one JSON object per line with the keys item_id, asin, title,
// brand, categories, keywords (see data/README.md). Each line is parsed on its own with JsonDocument so
// an error can name the exact line; ~18k small lines parse in well under a second.
using System.Text.Json;

namespace GenRec.Data;

/// <summary>Parser and validator for items.jsonl.</summary>
public static class ItemsJsonlReader
{
    /// <summary>The keys every item object must carry, in the order the prepared files write them.</summary>
    public static readonly IReadOnlyList<string> Keys = ["item_id", "asin", "title", "brand", "categories", "keywords"];

    /// <summary>
    /// Reads all items and returns them ordered by id, so that <c>items[id - 1].Id == id</c>.
    /// Throws <see cref="DataFormatException"/> on the first bad line, or when the ids are not exactly 1..N.
    /// </summary>
    public static Item[] Read(string path)
    {
        DataLocator.RequireFile(path);
        var parsed = new List<(Item Item, int Line)>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            parsed.Add((ParseLine(path, lineNumber, line), lineNumber));
        }
        if (parsed.Count == 0) throw new DataFormatException(path, null, "expected at least one item, found none");

        // Ids must be exactly 1..N: unique, and (given N unique ids) none above N.
        var byId = new Item[parsed.Count];
        var lineOfId = new int[parsed.Count];
        foreach (var (item, line) in parsed)
        {
            if (item.Id < 1 || item.Id > parsed.Count)
                throw new DataFormatException(path, line,
                    $"item id {item.Id} is outside 1..{parsed.Count}; item ids must be exactly 1..N where N is the number of items ({parsed.Count})");
            if (byId[item.Id - 1] is not null)
                throw new DataFormatException(path, line, $"item id {item.Id} appears twice (first on line {lineOfId[item.Id - 1]})");
            byId[item.Id - 1] = item;
            lineOfId[item.Id - 1] = line;
        }
        return byId;
    }

    /// <summary>Parses one line (1-based <paramref name="lineNumber"/> for messages) into an <see cref="Item"/>.</summary>
    public static Item ParseLine(string path, int lineNumber, string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, lineNumber, $"expected one JSON object, but the JSON is malformed: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Fail(path, lineNumber, $"expected a JSON object, got {Found(root)}");
            foreach (var key in Keys)
            {
                if (!root.TryGetProperty(key, out _))
                    throw Fail(path, lineNumber, $"expected key \"{key}\" (every item needs {string.Join(", ", Keys)})");
            }
            var idElement = root.GetProperty("item_id");
            if (idElement.ValueKind != JsonValueKind.Number || !idElement.TryGetInt32(out var id))
                throw Fail(path, lineNumber, $"expected \"item_id\" to be an integer, got {Found(idElement)}");
            var asin = RequiredString(path, lineNumber, root, "asin");
            var title = OptionalString(path, lineNumber, root, "title");
            var brand = OptionalString(path, lineNumber, root, "brand");
            var categories = Categories(path, lineNumber, root.GetProperty("categories"));
            var keywords = OptionalString(path, lineNumber, root, "keywords");
            return new Item(id, asin, title, brand, categories, keywords);
        }
    }

    private static string RequiredString(string path, int line, JsonElement root, string key)
    {
        var element = root.GetProperty(key);
        if (element.ValueKind != JsonValueKind.String || element.GetString() is not { Length: > 0 } value)
            throw Fail(path, line, $"expected \"{key}\" to be a non-empty string, got {Found(element)}");
        return value;
    }

    private static string? OptionalString(string path, int line, JsonElement root, string key)
    {
        var element = root.GetProperty(key);
        return element.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => element.GetString(),
            _ => throw Fail(path, line, $"expected \"{key}\" to be a string or null, got {Found(element)}"),
        };
    }

    private static IReadOnlyList<IReadOnlyList<string>> Categories(string path, int line, JsonElement element)
    {
        const string expectation = "expected \"categories\" to be a list of category paths, each a list of strings";
        if (element.ValueKind != JsonValueKind.Array) throw Fail(path, line, $"{expectation}, got {Found(element)}");
        var paths = new List<IReadOnlyList<string>>(element.GetArrayLength());
        foreach (var pathElement in element.EnumerateArray())
        {
            if (pathElement.ValueKind != JsonValueKind.Array) throw Fail(path, line, $"{expectation}, got {Found(pathElement)} as a path");
            var names = new List<string>(pathElement.GetArrayLength());
            foreach (var name in pathElement.EnumerateArray())
            {
                if (name.ValueKind != JsonValueKind.String) throw Fail(path, line, $"{expectation}, got {Found(name)} as a category name");
                names.Add(name.GetString()!);
            }
            paths.Add(names);
        }
        return paths;
    }

    private static string Found(JsonElement element) => DataFormatException.Shorten(element.GetRawText());

    private static DataFormatException Fail(string path, int line, string detail) => new(path, line, detail);
}
