// Row classes of the Parquet cache and their conversion to and from the dataset records. Column names
// are snake_case like the text files. Categories (a list of lists of strings) are stored as one JSON
// string column: Parquet.Net 6's nested-list support is fragile (its convenience reader threw on list
// columns here), and the cache only needs to give back exactly what it was given.
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization.Attributes;

namespace GenRec.Data;

/// <summary>One row of items.parquet.</summary>
public sealed class ItemRow
{
    [JsonPropertyName("item_id")] public int ItemId { get; set; }
    [JsonPropertyName("asin"), ParquetRequired] public string Asin { get; set; } = "";
    [JsonPropertyName("title")] public string? Title { get; set; }
    [JsonPropertyName("brand")] public string? Brand { get; set; }
    /// <summary>Category paths as JSON, e.g. <c>[["Beauty","Makeup"]]</c>.</summary>
    [JsonPropertyName("categories_json"), ParquetRequired] public string CategoriesJson { get; set; } = "[]";
    [JsonPropertyName("keywords")] public string? Keywords { get; set; }
}

/// <summary>One row of users.parquet.</summary>
public sealed class UserRow
{
    [JsonPropertyName("user_id")] public int UserId { get; set; }
    [JsonPropertyName("reviewer_id"), ParquetRequired] public string ReviewerId { get; set; } = "";
}

/// <summary>One row of interactions.parquet: the item at 0-based <see cref="Position"/> of a user's sequence.</summary>
public sealed class InteractionRow
{
    [JsonPropertyName("user_id")] public int UserId { get; set; }
    [JsonPropertyName("position")] public int Position { get; set; }
    [JsonPropertyName("item_id")] public int ItemId { get; set; }
}

/// <summary>Conversions between dataset records and Parquet rows.</summary>
internal static class ParquetRows
{
    public static IEnumerable<ItemRow> FromItems(IEnumerable<Item> items) => items.Select(item => new ItemRow
    {
        ItemId = item.Id,
        Asin = item.Asin,
        Title = item.Title,
        Brand = item.Brand,
        CategoriesJson = JsonSerializer.Serialize(item.Categories),
        Keywords = item.Keywords,
    });

    public static IEnumerable<UserRow> FromUsers(IEnumerable<User> users) =>
        users.Select(user => new UserRow { UserId = user.Id, ReviewerId = user.ReviewerId });

    public static IEnumerable<InteractionRow> FromSequences(IEnumerable<UserSequence> sequences) =>
        sequences.SelectMany(s => s.Items.Select((item, position) => new InteractionRow { UserId = s.UserId, Position = position, ItemId = item }));

    public static Item[] ToItems(IList<ItemRow> rows, string path)
    {
        var items = new Item[rows.Count];
        foreach (var row in rows)
        {
            if (row.ItemId < 1 || row.ItemId > rows.Count || items[row.ItemId - 1] is not null)
                throw new InvalidDataException($"{path}: item ids are not exactly 1..{rows.Count} (saw {row.ItemId})");
            var categories = ParseCategories(row.CategoriesJson, path, row.ItemId);
            items[row.ItemId - 1] = new Item(row.ItemId, row.Asin, row.Title, row.Brand, categories, row.Keywords);
        }
        return items;
    }

    /// <summary>
    /// Parses <c>[["a","b"],["c"]]</c> with a forward-only reader: for 12k items this is several times faster
    /// than JsonSerializer, which made the Parquet load no faster than the text load.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> ParseCategories(string json, string path, int itemId)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        var paths = new List<IReadOnlyList<string>>();
        List<string>? names = null;
        var depth = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray when depth == 0: depth = 1; break;
                case JsonTokenType.StartArray when depth == 1: depth = 2; names = []; break;
                case JsonTokenType.String when depth == 2: names!.Add(reader.GetString()!); break;
                case JsonTokenType.EndArray when depth == 2: depth = 1; paths.Add(names!); break;
                case JsonTokenType.EndArray when depth == 1: depth = 0; break;
                default: throw new InvalidDataException($"{path}: item {itemId} has malformed categories_json {json}");
            }
        }
        return paths;
    }

    public static User[] ToUsers(IList<UserRow> rows) => rows.Select(r => new User(r.UserId, r.ReviewerId)).ToArray();

    /// <summary>
    /// Regroups interaction columns (written user by user, positions 0, 1, ...) into sequences in the same user
    /// order. Columns rather than row objects: 200k+ InteractionRow objects made the read as slow as parsing text.
    /// </summary>
    public static UserSequence[] ToSequences(int[] userIds, int[] positions, int[] itemIds, string path)
    {
        var sequences = new List<UserSequence>();
        var start = 0;
        while (start < userIds.Length)
        {
            var end = start;
            while (end < userIds.Length && userIds[end] == userIds[start] && positions[end] == end - start) end++;
            if (end == start || (end < userIds.Length && positions[end] != 0))
                throw new InvalidDataException($"{path}: row {end}: expected user {userIds[start]} position {end - start} or a new user at position 0, got user {userIds[Math.Min(end, userIds.Length - 1)]} position {positions[Math.Min(end, userIds.Length - 1)]}");
            sequences.Add(new UserSequence(userIds[start], itemIds[start..end]));
            start = end;
        }
        return sequences.ToArray();
    }

    /// <summary>Reads the three int columns of interactions.parquet and the file's key-value metadata.</summary>
    public static async Task<(int[] UserIds, int[] Positions, int[] ItemIds, IReadOnlyDictionary<string, string> Metadata)> ReadInteractionColumnsAsync(
        string path, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        var fields = reader.Schema.DataFields;
        DataField Field(string name) => fields.FirstOrDefault(f => f.Name == name)
            ?? throw new InvalidDataException($"{path}: column {name} is missing");
        var columns = new[] { Field("user_id"), Field("position"), Field("item_id") };
        var total = checked((int)Enumerable.Range(0, reader.RowGroupCount).Sum(g => reader.OpenRowGroupReader(g).RowCount));
        var values = columns.Select(_ => new int[total]).ToArray();
        var offset = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = reader.OpenRowGroupReader(g);
            var count = (int)group.RowCount;
            for (var c = 0; c < columns.Length; c++)
                await group.ReadAsync<int>(columns[c], values[c].AsMemory(offset, count), null, cancellationToken).ConfigureAwait(false);
            offset += count;
        }
        return (values[0], values[1], values[2], new Dictionary<string, string>(reader.CustomMetadata));
    }
}
