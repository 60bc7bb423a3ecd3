// The item embeddings of a whole dataset as every command and the pipeline compute them: the catalogue's
// recommended text template (ItemTextTemplate.ForCatalogue), MiniLM, and the on-disk embedding cache (whose
// file name carries model, template and a hash of the texts), so a second call is a cache hit. Progress is an
// IProgress of items embedded; the caller draws it.
using GenRec.Data;

namespace GenRec.Text;

/// <summary>What <see cref="CatalogueEmbeddings.GetOrCompute"/> returned: the cache result and the ids that name how it was made.</summary>
/// <param name="Cache">Embeddings, cache hit or not, and the cache file.</param>
/// <param name="ModelId">The sentence encoder (e.g. "all-MiniLM-L6-v2").</param>
/// <param name="TemplateId">The text template's fingerprint (e.g. "title-brand-categories-keywordsifnotitle-noroot-v1").</param>
/// <param name="Coverage">Which fields of the items the texts were made of (Sports: no titles).</param>
public sealed record CatalogueEmbeddingsResult(EmbeddingCacheResult Cache, string ModelId, string TemplateId, ItemTextCoverage Coverage);

/// <summary>MiniLM embeddings of a dataset's items through the embedding cache.</summary>
public static class CatalogueEmbeddings
{
    /// <summary>
    /// Embeds every item of <paramref name="data"/> (or reads them from the cache under <paramref name="cacheRoot"/>).
    /// <paramref name="threads"/>: encoder CPU threads (0: all cores). <paramref name="progress"/>: items embedded
    /// (reported on a cache miss only). <paramref name="warn"/>: cache warnings (null: standard error).
    /// </summary>
    public static CatalogueEmbeddingsResult GetOrCompute(AmazonDataset data, string cacheRoot, int threads = 0,
        IProgress<int>? progress = null, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var template = ItemTextTemplate.ForCatalogue(data.Items);
        using var embedder = new MiniLmEmbedder(new MiniLmOptions { Threads = threads });
        var result = EmbeddingCache.GetOrCompute(data.Name, data.Items, template, embedder, cacheRoot, progress, warn: warn);
        return new CatalogueEmbeddingsResult(result, embedder.ModelId, template.Fingerprint, template.Coverage(data.Items));
    }
}
