// A Parquet copy of a loaded dataset (items.parquet, interactions.parquet, users.parquet) for notebooks,
// later stages and outside tools (pandas, DuckDB). The cache lives outside the data folder (the shared
// data folder is read-only) and is keyed by a SHA-256 of the three source files' contents: a content
// hash, not size + mtime, because copies and checkouts change mtimes and an edit can keep the size.
// Measured on beauty (2-core shared machine, 2026-11-29): hashing the 4.7 MB of sources takes 4-25 ms;
// in a warm process a Parquet read takes ~65-140 ms against ~150-170 ms for the validated text parse;
// in a fresh process the two are even or Parquet is slower (~450-550 ms text vs ~530-750 ms cached),
// because Parquet.Net's first read pays JIT costs. The cache is therefore a convenience, not a speed-up,
// at this data size. manifest.json, written after the three files, records the SHA-256 of each: Parquet pages
// carry no checksum, so a damaged byte could decode to another dataset; a cache whose files do not match their
// manifest (or without one) is rebuilt from text like a stale one.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parquet.Serialization;
using GenRec.IO;

namespace GenRec.Data;

/// <summary>Result of <see cref="ParquetCache.LoadAsync"/>.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="FromCache">True when read from Parquet, false when parsed from text.</param>
/// <param name="CacheDirectory">Where the cache is (or would be) stored.</param>
/// <param name="SourceKey">SHA-256 key of the source files.</param>
/// <param name="Note">Why the cache was not used or not written, when that happened; else null.</param>
public sealed record CachedLoad(AmazonDataset Dataset, bool FromCache, string CacheDirectory, string SourceKey, string? Note);

/// <summary>Saves datasets as Parquet and loads them back when the source files are unchanged.</summary>
public static class ParquetCache
{
    /// <summary>Bumped whenever the Parquet layout changes, so old caches are rebuilt rather than misread.</summary>
    public const int FormatVersion = 1;

    /// <summary>Cache file names.</summary>
    public const string ItemsFile = "items.parquet", InteractionsFile = "interactions.parquet", UsersFile = "users.parquet";

    /// <summary>The file that records the source key and the SHA-256 of each cache file; written last.</summary>
    public const string ManifestFile = "manifest.json";

    /// <summary>Parquet key-value metadata entries written into every cache file.</summary>
    public const string SourceKeyMetadata = "genrec.source_key", NameMetadata = "genrec.dataset";

    /// <summary>
    /// Default cache folder for a dataset: <c>&lt;repo&gt;/artifacts/cache/&lt;name&gt;/</c>, or
    /// <c>&lt;temp&gt;/genrec-cache/&lt;name&gt;/</c> when not running inside the repository.
    /// </summary>
    public static string DefaultDirectory(string datasetName) => Path.Combine(DefaultRoot(), datasetName);

    /// <summary>
    /// The root of every cache (Parquet per dataset, embeddings/): <c>&lt;repo&gt;/artifacts/cache/</c>, or
    /// <c>&lt;temp&gt;/genrec-cache/</c> when not running inside the repository.
    /// </summary>
    public static string DefaultRoot()
    {
        var repo = DataLocator.FindRepositoryRoot();
        return repo is null ? Path.Combine(Path.GetTempPath(), "genrec-cache") : Path.Combine(repo, "artifacts", "cache");
    }

    /// <summary>
    /// SHA-256 (hex) over the cache format version and, for each of sequences.txt, items.jsonl, users.tsv in
    /// that order, its name, length and content.
    /// </summary>
    public static string SourceKey(string datasetDir)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"genrec-parquet-cache v{FormatVersion}\n"));
        var buffer = new byte[1 << 16];
        foreach (var file in DataLocator.RequiredFiles)
        {
            var path = Path.Combine(datasetDir, file);
            DataLocator.RequireFile(path);
            using var stream = File.OpenRead(path);
            hash.AppendData(Encoding.UTF8.GetBytes($"{file}\n{stream.Length}\n"));
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0) hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Synchronous <see cref="LoadAsync"/> returning only the dataset (for notebooks and scripts).</summary>
    public static AmazonDataset Load(string datasetDir, string? cacheDir = null, string? name = null) =>
        Task.Run(() => LoadAsync(datasetDir, cacheDir, name)).GetAwaiter().GetResult().Dataset;

    /// <summary>
    /// Returns the dataset from <paramref name="cacheDir"/> (default <see cref="DefaultDirectory"/>) when its key
    /// matches the source files; otherwise loads the text files (with full validation) and writes the cache.
    /// An unreadable or unwritable cache never fails the load; <see cref="CachedLoad.Note"/> says what happened.
    /// </summary>
    public static async Task<CachedLoad> LoadAsync(string datasetDir, string? cacheDir = null, string? name = null, CancellationToken cancellationToken = default)
    {
        var directory = Path.GetFullPath(datasetDir);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Dataset folder {directory} does not exist. " + DataLocator.HowToObtainData);
        name ??= Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar));
        cacheDir = Path.GetFullPath(cacheDir ?? DefaultDirectory(name));
        var key = SourceKey(directory);

        string? note;
        try
        {
            var cached = await TryReadAsync(cacheDir, key, cancellationToken).ConfigureAwait(false);
            if (cached is not null) return new CachedLoad(cached with { Name = name }, true, cacheDir, key, null);
            note = "cache missing or stale; rebuilt from text";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            note = $"cache unreadable ({e.GetType().Name}: {e.Message}); rebuilt from text";
        }

        var dataset = AmazonDataset.Load(directory, name);
        try
        {
            await WriteAsync(dataset, cacheDir, key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            note = $"could not write the cache to {cacheDir}: {e.Message}";
        }
        return new CachedLoad(dataset, false, cacheDir, key, note);
    }

    /// <summary>
    /// Writes the three Parquet files, each via a temporary file moved into place, each tagged with
    /// <paramref name="sourceKey"/>, then <see cref="ManifestFile"/> with their SHA-256; a reader accepts the cache
    /// only if the manifest exists and matches, so an interrupted write is seen as stale, never as half a dataset.
    /// </summary>
    public static async Task WriteAsync(AmazonDataset dataset, string cacheDir, string sourceKey, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(cacheDir);
        var manifestPath = Path.Combine(cacheDir, ManifestFile);
        if (File.Exists(manifestPath)) File.Delete(manifestPath);   // files half-rewritten must never match an old manifest
        var metadata = new Dictionary<string, string> { [SourceKeyMetadata] = sourceKey, [NameMetadata] = dataset.Name };
        await WriteFileAsync(Path.Combine(cacheDir, ItemsFile), ParquetRows.FromItems(dataset.Items), metadata, cancellationToken).ConfigureAwait(false);
        await WriteFileAsync(Path.Combine(cacheDir, UsersFile), ParquetRows.FromUsers(dataset.Users), metadata, cancellationToken).ConfigureAwait(false);
        await WriteFileAsync(Path.Combine(cacheDir, InteractionsFile), ParquetRows.FromSequences(dataset.Sequences), metadata, cancellationToken).ConfigureAwait(false);
        var manifest = new JsonObject { ["source_key"] = sourceKey, ["files"] = new JsonObject() };
        foreach (var file in new[] { ItemsFile, UsersFile, InteractionsFile })
            manifest["files"]![file] = FileHash.Sha256(Path.Combine(cacheDir, file));
        AtomicFile.WriteText(manifestPath, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// Reads the cache when all three files exist, carry <paramref name="sourceKey"/> and match the SHA-256 in the
    /// manifest; else null (missing, stale, or written before manifests existed). A file that does not match its
    /// manifest throws <see cref="InvalidDataException"/> naming it (a damaged cache).
    /// </summary>
    public static async Task<AmazonDataset?> TryReadAsync(string cacheDir, string sourceKey, CancellationToken cancellationToken = default)
    {
        var names = new[] { ItemsFile, UsersFile, InteractionsFile };
        var paths = names.Select(f => Path.Combine(cacheDir, f)).ToArray();
        var manifestPath = Path.Combine(cacheDir, ManifestFile);
        if (!paths.All(File.Exists) || !File.Exists(manifestPath)) return null;
        JsonNode? manifest;
        try { manifest = JsonNode.Parse(File.ReadAllText(manifestPath)); }
        catch (JsonException e) { throw new InvalidDataException($"{manifestPath} is damaged ({e.Message.Split(" Path:")[0]}).", e); }
        if (manifest is not JsonObject m || m["source_key"] is not JsonValue key || !key.TryGetValue<string>(out var manifestKey))
            throw new InvalidDataException($"{manifestPath} is damaged (no \"source_key\").");
        if (manifestKey != sourceKey) return null;
        for (var i = 0; i < names.Length; i++)
        {
            var expected = m["files"] is JsonObject files && files[names[i]] is JsonValue v && v.TryGetValue<string>(out var h) ? h : null;
            if (expected != FileHash.Sha256(paths[i]))
                throw new InvalidDataException($"{paths[i]} is damaged (its SHA-256 differs from the one in {ManifestFile}).");
        }
        await using var items = await ParquetColumnFile.OpenAsync(paths[0], cancellationToken).ConfigureAwait(false);
        await using var users = await ParquetColumnFile.OpenAsync(paths[1], cancellationToken).ConfigureAwait(false);
        await using var interactions = await ParquetColumnFile.OpenAsync(paths[2], cancellationToken).ConfigureAwait(false);
        if (!HasKey(items.Metadata, sourceKey) || !HasKey(users.Metadata, sourceKey) || !HasKey(interactions.Metadata, sourceKey))
            return null;
        items.Metadata.TryGetValue(NameMetadata, out var name);
        return new AmazonDataset(
            name ?? Path.GetFileName(cacheDir),
            await ParquetRows.ReadItemsAsync(items, paths[0], cancellationToken).ConfigureAwait(false),
            await ParquetRows.ReadUsersAsync(users, cancellationToken).ConfigureAwait(false),
            await ParquetRows.ReadSequencesAsync(interactions, paths[2], cancellationToken).ConfigureAwait(false));
    }

    private static bool HasKey(IReadOnlyDictionary<string, string>? metadata, string sourceKey) =>
        metadata is not null && metadata.TryGetValue(SourceKeyMetadata, out var key) && key == sourceKey;

    private static async Task WriteFileAsync<T>(string path, IEnumerable<T> rows, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        await AtomicFile.WriteAsync(path, stream =>
            ParquetSerializer.SerializeAsync(rows, stream, customMetadata: metadata, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
