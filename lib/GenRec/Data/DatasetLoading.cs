// Loading a dataset the way every command and the pipeline do: resolve the folder (an explicit data folder,
// $GENREC_DATA_DIR, data/ in the repository), then read it through the Parquet cache so the second load of
// the same data starts fast. Lives in the library so a notebook loads exactly what `genrec run` loads.
namespace GenRec.Data;

/// <summary>Dataset loading through the Parquet cache, and the cache root every cache shares.</summary>
public static class DatasetLoading
{
    /// <summary>
    /// The dataset <paramref name="name"/> from <paramref name="dataDir"/> (null: <see cref="DataLocator"/>'s
    /// default), cached under <paramref name="cacheRoot"/>/<paramref name="name"/> (null: <see cref="CacheRoot"/>).
    /// </summary>
    public static AmazonDataset Load(string name, string? dataDir, string? cacheRoot)
    {
        var directory = DataLocator.ResolveDataset(name, dataDir);
        var cacheDir = Path.Combine(CacheRoot(cacheRoot), name);
        return AmazonDataset.LoadCached(directory, cacheDir, name);
    }

    /// <summary>The cache root: <paramref name="cacheRoot"/>, else artifacts/cache in the repository (temp folder outside it).</summary>
    public static string CacheRoot(string? cacheRoot) => cacheRoot ?? ParquetCache.DefaultRoot();
}
