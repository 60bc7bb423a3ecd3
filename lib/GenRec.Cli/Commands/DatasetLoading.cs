// Loading a dataset the way every command does: resolve the folder (--data-dir, $GENREC_DATA_DIR, data/),
// then read it through the Parquet cache so the second command on the same data starts fast.
using GenRec.Data;

namespace GenRec.Cli.Commands;

public static class DatasetLoading
{
    public static AmazonDataset Load(string name, string? dataDir, string? cacheRoot)
    {
        var directory = DataLocator.ResolveDataset(name, dataDir);
        var cacheDir = Path.Combine(CacheRoot(cacheRoot), name);
        return AmazonDataset.LoadCached(directory, cacheDir, name);
    }

    /// <summary>The cache root: --cache-dir, else artifacts/cache in the repository (temp folder outside it).</summary>
    public static string CacheRoot(string? cacheRoot) => cacheRoot ?? ParquetCache.DefaultRoot();
}
