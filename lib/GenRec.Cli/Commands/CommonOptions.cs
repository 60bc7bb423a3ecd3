// Options shared by several commands, defined once so their names and help read the same everywhere.
using System.CommandLine;

namespace GenRec.Cli.Commands;

public static class CommonOptions
{
    public static Option<string> Dataset() => new("--dataset")
    {
        Description = "Dataset folder name under the data directory (beauty, sports, toys).",
        DefaultValueFactory = _ => "beauty",
    };

    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = "Folder holding the dataset folders; else $GENREC_DATA_DIR, else data/ in the repository.",
    };

    public static Option<string?> CacheDir() => new("--cache-dir")
    {
        Description = "Where caches (Parquet, embeddings) are written; default artifacts/cache in the repository.",
    };
}
