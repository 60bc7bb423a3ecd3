// Parquet storage of semantic IDs: one row per item, int32 columns item_id, level_1 … level_L, dedup,
// and the codebook size in the file's key-value metadata. The schema is built at run time, so any number
// of levels round-trips with the same code (no fixed-width row class). Writes go to a temporary file that
// is then moved into place, so a reader never sees half a file. The metadata also holds a SHA-256 of the
// values: Parquet pages carry no checksum of their own, so a damaged file could otherwise decode to other IDs
// that pass every range check. A file that cannot be read, or whose values do not match it, is one
// InvalidDataException naming the file and what to do.
using Parquet;
using Parquet.Schema;
using GenRec.IO;

namespace GenRec.Quantization;

/// <summary>Save / load <see cref="SemanticIds"/> as Parquet.</summary>
public static class SemanticIdsParquet
{
    private const string CodebookSizeKey = "genrec.codebook_size", ContentHashKey = "genrec.content_sha256";

    /// <summary>What to do about a damaged file (in every error about one).</summary>
    const string Remedy = "Delete the file and compute the semantic IDs again (`genrec semantic-ids`, or `genrec run`, which recomputes a damaged cached copy by itself); the same seed gives the same IDs.";

    /// <summary>Writes <paramref name="ids"/> to <paramref name="path"/> (atomically).</summary>
    public static async Task SaveAsync(SemanticIds ids, string path, CancellationToken ct = default)
    {
        var itemField = new DataField<int>("item_id");
        var levelFields = Enumerable.Range(1, ids.Levels).Select(l => new DataField<int>($"level_{l}")).ToArray();
        var dedupField = new DataField<int>("dedup");
        var schema = new ParquetSchema([itemField, .. levelFields, dedupField]);

        await AtomicFile.WriteAsync(path, async stream =>
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: ct);
            writer.CustomMetadata = new Dictionary<string, string>
            {
                [CodebookSizeKey] = ids.CodebookSize.ToString(),
                [ContentHashKey] = ContentHash(ids.ItemIds, ids.Codes, ids.Dedup, ids.CodebookSize),
            };
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<int>(itemField, ids.ItemIds.AsMemory(), cancellationToken: ct);
            for (int l = 0; l < ids.Levels; l++)
            {
                var column = Enumerable.Range(0, ids.Count).Select(r => ids.Codes[r, l]).ToArray();
                await group.WriteAsync<int>(levelFields[l], column.AsMemory(), cancellationToken: ct);
            }
            await group.WriteAsync<int>(dedupField, ids.Dedup.AsMemory(), cancellationToken: ct);
        });
    }

    /// <summary>
    /// Reads IDs written by <see cref="SaveAsync"/>; checks columns, metadata, ranges, the de-dup column and the content
    /// hash (files written before it existed have none). A damaged or foreign file throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static async Task<SemanticIds> LoadAsync(string path, CancellationToken ct = default)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Semantic-ID file not found: {path}", path);
        try
        {
            return await ReadAsync(path, ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException))
        {
            // Parquet.Net reports a torn or garbled file with exceptions of its own (or IndexOutOfRange, EndOfStream, …).
            var what = e is InvalidDataException ? e.Message : $"not a readable semantic-ID Parquet file ({e.GetType().Name}: {e.Message})";
            if (!what.StartsWith(path, StringComparison.Ordinal)) what = $"{path}: {what}";
            throw new InvalidDataException($"{what.TrimEnd('.')}. {Remedy}", e);
        }
    }

    static async Task<SemanticIds> ReadAsync(string path, CancellationToken ct)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: ct);
        var fields = reader.Schema.GetDataFields();
        var byName = fields.ToDictionary(f => f.Name);
        int levels = fields.Count(f => f.Name.StartsWith("level_", StringComparison.Ordinal));
        string[] expected = ["item_id", .. Enumerable.Range(1, levels).Select(l => $"level_{l}"), "dedup"];
        if (levels == 0 || !fields.Select(f => f.Name).SequenceEqual(expected))
            throw new InvalidDataException($"{path}: expected int32 columns [{string.Join(", ", expected)}] (at least one level), found [{string.Join(", ", fields.Select(f => f.Name))}].");
        foreach (var f in fields)
            if (f.ClrType != typeof(int) || f.IsNullable)
                throw new InvalidDataException($"{path}: column '{f.Name}' must be non-nullable int32, found {f.ClrType.Name}{(f.IsNullable ? " (nullable)" : "")}.");
        if (!reader.CustomMetadata.TryGetValue(CodebookSizeKey, out var kText) || !int.TryParse(kText, out int k) || k < 1)
            throw new InvalidDataException($"{path}: missing or invalid '{CodebookSizeKey}' metadata (expected a positive integer).");

        long total = reader.RowGroups.Sum(g => g.RowCount);
        var columns = expected.Select(_ => new int[total]).ToArray();
        long offset = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int rows = checked((int)group.RowCount);
            for (int c = 0; c < expected.Length; c++)
                await group.ReadAsync<int>(byName[expected[c]], columns[c].AsMemory((int)offset, rows), cancellationToken: ct);
            offset += rows;
        }

        if (reader.CustomMetadata.TryGetValue(ContentHashKey, out var stored) && stored != ContentHash(columns[0], Codes(), columns[^1], k))
            throw new InvalidDataException($"{path}: the file is damaged (its values do not match the SHA-256 stored in it).");

        int[,] Codes()
        {
            var all = new int[total, levels];
            for (int r = 0; r < total; r++)
                for (int l = 0; l < levels; l++) all[r, l] = columns[l + 1][r];
            return all;
        }

        var codes = new int[total, levels];
        for (int r = 0; r < total; r++)
            for (int l = 0; l < levels; l++)
            {
                int v = columns[l + 1][r];
                if (v < 0 || v >= k) throw new InvalidDataException($"{path}: row {r}, column level_{l + 1}: code {v} is outside [0, {k}).");
                codes[r, l] = v;
            }
        try
        {
            return SemanticIds.FromStored(columns[0], codes, columns[^1], k, path);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>SHA-256 (hex) of codebook size, shape and every value, as little-endian int32s.</summary>
    static string ContentHash(int[] itemIds, int[,] codes, int[] dedup, int codebookSize)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        void Add(int value)
        {
            Span<byte> bytes = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
            hash.AppendData(bytes);
        }
        Add(codebookSize);
        Add(itemIds.Length);
        Add(codes.GetLength(1));
        foreach (var id in itemIds) Add(id);
        foreach (var code in codes) Add(code);   // row-major
        foreach (var d in dedup) Add(d);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static void Save(SemanticIds ids, string path) => SaveAsync(ids, path).GetAwaiter().GetResult();
    public static SemanticIds Load(string path) => LoadAsync(path).GetAwaiter().GetResult();
}
