// Throwaway reader of a prepared dataset's items.jsonl for benchmarks only; the library's real loader
// (GenRec.Data) validates the files properly. Field meanings: shared/data/amazon2014/README.md.
using System.Text.Json;
using GenRec.Data;

namespace GenRec.Bench;

internal static class JsonlItems
{
    public static List<Item> Read(string path, int limit = int.MaxValue)
    {
        var items = new List<Item>();
        foreach (var line in File.ReadLines(path))
        {
            if (items.Count >= limit) break;
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            string? Str(string key) => o.GetProperty(key).ValueKind == JsonValueKind.Null ? null : o.GetProperty(key).GetString();
            var categories = o.GetProperty("categories").EnumerateArray()
                .Select(p => (IReadOnlyList<string>)p.EnumerateArray().Select(c => c.GetString()!).ToArray())
                .ToArray();
            items.Add(new Item(o.GetProperty("item_id").GetInt32(), Str("asin")!, Str("title"), Str("brand"), categories, Str("keywords")));
        }
        return items;
    }
}
