// Layout of the Parquet cache: row classes (written with ParquetSerializer, which derives the schema from
// them) and column-wise reading back into dataset records. Column names are snake_case like the text
// files. Categories (a list of lists of strings) are stored as one JSON string column: Parquet.Net 6's
// nested-list support is fragile (its convenience reader threw on list columns here), and the cache only
// needs to give back exactly what it was given. Reading goes column by column into arrays because
// deserializing row objects (ParquetSerializer) made the cache no faster than parsing the text files.
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

    public static async Task<Item[]> ReadItemsAsync(ParquetColumnFile file, string path, CancellationToken cancellationToken)
    {
        var ids = await file.ReadIntsAsync("item_id", cancellationToken).ConfigureAwait(false);
        var asins = await file.ReadStringsAsync("asin", cancellationToken).ConfigureAwait(false);
        var titles = await file.ReadStringsAsync("title", cancellationToken).ConfigureAwait(false);
        var brands = await file.ReadStringsAsync("brand", cancellationToken).ConfigureAwait(false);
        var categories = await file.ReadStringsAsync("categories_json", cancellationToken).ConfigureAwait(false);
        var keywords = await file.ReadStringsAsync("keywords", cancellationToken).ConfigureAwait(false);
        var items = new Item[ids.Length];
        for (var row = 0; row < ids.Length; row++)
        {
            var id = ids[row];
            if (id < 1 || id > ids.Length || items[id - 1] is not null)
                throw new InvalidDataException($"{path}: item ids are not exactly 1..{ids.Length} (saw {id})");
            items[id - 1] = new Item(id, asins[row] ?? throw new InvalidDataException($"{path}: item {id} has no asin"),
                titles[row], brands[row], ParseCategories(categories[row] ?? "[]", path, id), keywords[row]);
        }
        return items;
    }

    public static async Task<User[]> ReadUsersAsync(ParquetColumnFile file, CancellationToken cancellationToken)
    {
        var ids = await file.ReadIntsAsync("user_id", cancellationToken).ConfigureAwait(false);
        var reviewers = await file.ReadStringsAsync("reviewer_id", cancellationToken).ConfigureAwait(false);
        return ids.Select((id, row) => new User(id, reviewers[row]!)).ToArray();
    }

    public static async Task<UserSequence[]> ReadSequencesAsync(ParquetColumnFile file, string path, CancellationToken cancellationToken) =>
        ToSequences(
            await file.ReadIntsAsync("user_id", cancellationToken).ConfigureAwait(false),
            await file.ReadIntsAsync("position", cancellationToken).ConfigureAwait(false),
            await file.ReadIntsAsync("item_id", cancellationToken).ConfigureAwait(false),
            path);

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
}

/// <summary>
/// Reads whole columns of a Parquet file into arrays (all row groups concatenated). Used instead of
/// ParquetSerializer.DeserializeAsync for loading: one array per column avoids a row object per interaction.
/// </summary>
internal sealed class ParquetColumnFile : IAsyncDisposable
{
    private readonly ParquetReader _reader;
    private readonly string _path;

    private ParquetColumnFile(ParquetReader reader, string path)
    {
        _reader = reader;
        _path = path;
        RowCount = checked((int)Enumerable.Range(0, reader.RowGroupCount).Sum(g => reader.OpenRowGroupReader(g).RowCount));
        Metadata = new Dictionary<string, string>(reader.CustomMetadata);
    }

    public int RowCount { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static async Task<ParquetColumnFile> OpenAsync(string path, CancellationToken cancellationToken) =>
        new(await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false), path);

    public Task<int[]> ReadIntsAsync(string column, CancellationToken cancellationToken) =>
        ReadAsync<int>(column, (group, field, memory) => group.ReadAsync<int>(field, memory, null, cancellationToken));

    public Task<string?[]> ReadStringsAsync(string column, CancellationToken cancellationToken) =>
        ReadAsync<string?>(column, (group, field, memory) => group.ReadAsync(field, memory!, null, cancellationToken));

    private async Task<T[]> ReadAsync<T>(string column, Func<ParquetRowGroupReader, DataField, Memory<T>, ValueTask> read)
    {
        var field = _reader.Schema.DataFields.FirstOrDefault(f => f.Name == column)
            ?? throw new InvalidDataException($"{_path}: column {column} is missing");
        var values = new T[RowCount];
        var offset = 0;
        for (var g = 0; g < _reader.RowGroupCount; g++)
        {
            var group = _reader.OpenRowGroupReader(g);
            var count = (int)group.RowCount;
            await read(group, field, values.AsMemory(offset, count)).ConfigureAwait(false);
            offset += count;
        }
        return values;
    }

    public ValueTask DisposeAsync() => _reader.DisposeAsync();
}
