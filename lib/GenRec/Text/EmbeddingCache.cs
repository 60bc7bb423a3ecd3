// On-disk cache of item embeddings: embedding a catalogue costs minutes on 2 cores, every later run reuses
// the file. Key = dataset name + model id + template fingerprint + a hash of the exact (item id, text) pairs
// and vector width, so edited data, another template or another model never reuse a stale file.
// Files are NumPy .npy (N×D float32): `np.load(path)` gives the matrix, row i = the i-th item passed in
// (for the prepared Amazon datasets that is item id i+1). Beside each file, <file>.sha256 holds the SHA-256 of
// its bytes: the unit-norm check misses a damaged low bit, the hash does not. A file written before the hash
// existed is checked as before and then gets its .sha256.
using System.Security.Cryptography;
using System.Text;
using GenRec.Data;
using GenRec.IO;

namespace GenRec.Text;

/// <summary>What <see cref="EmbeddingCache.GetOrCompute"/> returns.</summary>
/// <param name="Embeddings">One vector per item, in the order the items were given.</param>
/// <param name="CacheHit">True when the vectors came from an existing file.</param>
/// <param name="FilePath">The cache file read or written.</param>
/// <param name="Warning">Why an existing file was not used (corrupt, truncated, wrong shape), else null.</param>
public sealed record EmbeddingCacheResult(ItemEmbeddings Embeddings, bool CacheHit, string FilePath, string? Warning);

/// <summary>Computes item embeddings once and keeps them under <c>&lt;cacheDir&gt;/embeddings/</c>.</summary>
public static class EmbeddingCache
{
    /// <summary>Largest allowed deviation of a cached row's L2 norm from 1 before the file counts as corrupt.</summary>
    public const double NormTolerance = 1e-3;

    /// <summary>
    /// The cache file for these inputs: <c>&lt;cacheDir&gt;/embeddings/&lt;dataset&gt;-&lt;model&gt;-&lt;template&gt;-&lt;hash8&gt;.npy</c>,
    /// where hash8 is the first 8 hex digits of SHA-256 over the model id, width, template fingerprint and every
    /// (item id, rendered text) pair. Characters other than letters, digits, '.', '_' and '-' become '_'.
    /// </summary>
    public static string FileFor(string datasetName, IReadOnlyList<Item> items, ItemTextTemplate template, ITextEmbedder embedder, string cacheDir)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(template);
        return FileFor(datasetName, items, template.RenderAll(items), template, embedder, cacheDir);
    }

    /// <summary>
    /// Returns the embeddings of <paramref name="items"/> rendered by <paramref name="template"/>: read from the
    /// cache file when a valid one exists, else computed with <paramref name="embedder"/> and written atomically
    /// (temporary file + rename, so an interrupted run never leaves a half-written cache). A file that is
    /// unreadable, truncated, of the wrong shape or holds non-unit rows is recomputed and overwritten; the reason
    /// goes to <paramref name="warn"/> (default: standard error) and into <see cref="EmbeddingCacheResult.Warning"/>.
    /// </summary>
    /// <param name="datasetName">Short name used in the file name, e.g. "beauty".</param>
    /// <param name="items">The catalogue; item ids must be distinct.</param>
    /// <param name="template">Renders each item as text.</param>
    /// <param name="embedder">Any sentence encoder; its <see cref="ITextEmbedder.ModelId"/> is part of the key.</param>
    /// <param name="cacheDir">Root cache folder (created if missing).</param>
    /// <param name="progress">Items embedded so far (only reported on a cache miss).</param>
    /// <param name="ct">Cancels the embedding.</param>
    /// <param name="warn">Receives warnings; null writes them to standard error.</param>
    /// <exception cref="InvalidOperationException">The embedder returned the wrong number of values or non-unit rows.</exception>
    public static EmbeddingCacheResult GetOrCompute(
        string datasetName, IReadOnlyList<Item> items, ItemTextTemplate template, ITextEmbedder embedder, string cacheDir,
        IProgress<int>? progress = null, CancellationToken ct = default, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(embedder);
        string[] texts = template.RenderAll(items);
        string path = FileFor(datasetName, items, texts, template, embedder, cacheDir);
        int[] ids = items.Select(i => i.Id).ToArray();
        int n = items.Count, d = embedder.Dimension;

        string? warning = null;
        string hashPath = HashFileFor(path);
        if (File.Exists(path))
        {
            try
            {
                var (data, rows, cols) = NpyFile.Read(path);
                if (rows != n || cols != d)
                    throw new InvalidDataException($"{path}: expected a {n}×{d} matrix, found {rows}×{cols}.");
                string? bad = FirstNonUnitRow(data, d);
                if (bad is not null) throw new InvalidDataException($"{path}: {bad}.");
                // last: a damage the checks above cannot see (a low mantissa bit) — they name the commoner ones better
                if (!File.Exists(hashPath)) TryWriteHash(path, hashPath);
                else if (File.ReadAllText(hashPath).Trim() != FileHash.Sha256(path))
                    throw new InvalidDataException($"{path}: the file is damaged (its SHA-256 differs from the one in {Path.GetFileName(hashPath)}).");
                return new EmbeddingCacheResult(new ItemEmbeddings(ids, d, data), true, path, null);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                warning = $"Ignoring unusable embedding cache ({e.Message}); recomputing.";
                (warn ?? Console.Error.WriteLine)(warning);
            }
        }

        float[] vectors = embedder.Embed(texts, progress, ct);
        if (vectors.Length != (long)n * d)
            throw new InvalidOperationException($"Embedder {embedder.ModelId} returned {vectors.Length} values for {n} texts × {d} dimensions.");
        string? problem = FirstNonUnitRow(vectors, d);
        if (problem is not null)
            throw new InvalidOperationException($"Embedder {embedder.ModelId} broke the unit-length contract: {problem}.");

        if (File.Exists(hashPath)) File.Delete(hashPath);   // a stale hash must never vouch for the new file
        AtomicFile.Write(path, stream => NpyFile.Write(stream, vectors, n, d));
        AtomicFile.WriteText(hashPath, FileHash.Sha256(path) + "\n");
        return new EmbeddingCacheResult(new ItemEmbeddings(ids, d, vectors), false, path, warning);
    }

    /// <summary>The file beside a cache file that holds the SHA-256 of its bytes.</summary>
    public static string HashFileFor(string cacheFile) => cacheFile + ".sha256";

    /// <summary>Records the hash of a file that passed the checks without one; a read-only cache just stays without it.</summary>
    private static void TryWriteHash(string path, string hashPath)
    {
        try { AtomicFile.WriteText(hashPath, FileHash.Sha256(path) + "\n"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static string FileFor(string datasetName, IReadOnlyList<Item> items, string[] texts, ItemTextTemplate template, ITextEmbedder embedder, string cacheDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetName);
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheDir);
        ArgumentNullException.ThrowIfNull(embedder);
        string name = $"{Sanitise(datasetName)}-{Sanitise(embedder.ModelId)}-{Sanitise(template.Fingerprint)}-{ContentHash(items, texts, template, embedder)}.npy";
        return Path.Combine(cacheDir, "embeddings", name);
    }

    /// <summary>First 8 hex digits of SHA-256 over everything that determines the vectors.</summary>
    private static string ContentHash(IReadOnlyList<Item> items, string[] texts, ItemTextTemplate template, ITextEmbedder embedder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s) => sha.AppendData(Encoding.UTF8.GetBytes(s));
        // Separators that cannot occur inside the fields keep ("ab","c") and ("a","bc") apart.
        Add($"genrec-embeddings\u0001{embedder.ModelId}\u0001{embedder.Dimension}\u0001{template.Fingerprint}\u0001{items.Count}\u0001");
        for (int i = 0; i < items.Count; i++) Add($"{items[i].Id}\u0002{texts[i]}\u0003");
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..8];
    }

    private static string Sanitise(string part) =>
        new(part.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());

    /// <summary>Describes the first row whose norm is not within <see cref="NormTolerance"/> of 1 (or is not finite), else null.</summary>
    private static string? FirstNonUnitRow(float[] data, int d)
    {
        for (int r = 0; r < data.Length / d; r++)
        {
            double s = 0;
            for (int j = r * d; j < (r + 1) * d; j++) s += (double)data[j] * data[j];
            double norm = Math.Sqrt(s);
            if (!double.IsFinite(norm) || Math.Abs(norm - 1) > NormTolerance)
                return $"row {r} has L2 norm {norm:G6}, expected 1 ± {NormTolerance}";
        }
        return null;
    }
}
