// Finds the prepared Amazon 2014 data on disk: the data root folder (explicit option, else the
// GENREC_DATA_DIR environment variable, else <repo>/data/) and a dataset folder inside it.
// Every failure explains where it looked and how to obtain the data, because "file not found"
// is the first thing a new user of the notebooks will hit.
namespace GenRec.Data;

/// <summary>Resolves data folders for the prepared format (sequences.txt, items.jsonl, users.tsv).</summary>
public static class DataLocator
{
    /// <summary>Environment variable naming the data root (the folder holding beauty/, sports/, toys/).</summary>
    public const string EnvironmentVariable = "GENREC_DATA_DIR";

    /// <summary>File whose presence marks the repository root.</summary>
    public const string RepositoryMarker = "GenRecNotebooks.sln";

    /// <summary>The three files every prepared dataset folder holds.</summary>
    public static readonly IReadOnlyList<string> RequiredFiles = ["sequences.txt", "items.jsonl", "users.tsv"];

    /// <summary>The TIGER benchmarks (any other folder holding the three files is accepted too).</summary>
    public static readonly IReadOnlyList<string> KnownDatasets = ["beauty", "sports", "toys"];

    /// <summary>How to get the data; appended to every "not found" message.</summary>
    public const string HowToObtainData =
        "See the \"Getting the data\" section of README.md (and data/README.md) for how to obtain the prepared " +
        "files; then either place them under <repo>/data/<dataset>/, set the " + EnvironmentVariable +
        " environment variable to the folder holding the dataset folders, or pass --data-dir.";

    /// <summary>
    /// The data root: <paramref name="explicitDirectory"/> (e.g. from <c>--data-dir</c>) if given, else the
    /// <see cref="EnvironmentVariable"/> environment variable, else <c>&lt;repo&gt;/data/</c>.
    /// </summary>
    public static string ResolveRoot(string? explicitDirectory = null) =>
        ResolveRoot(explicitDirectory, Environment.GetEnvironmentVariable(EnvironmentVariable), DefaultSearchStarts());

    /// <summary>
    /// <see cref="ResolveRoot(string?)"/> with its inputs made explicit (for hosts and tests): the environment
    /// value and the folders from which to walk up looking for the repository root.
    /// </summary>
    public static string ResolveRoot(string? explicitDirectory, string? environmentValue, IEnumerable<string> searchStarts)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory)) return Path.GetFullPath(explicitDirectory);
        if (!string.IsNullOrWhiteSpace(environmentValue)) return Path.GetFullPath(environmentValue);
        var repo = FindRepositoryRoot(searchStarts)
            ?? throw new DirectoryNotFoundException(
                $"Cannot find the data folder: no --data-dir given, {EnvironmentVariable} is not set, and no " +
                $"{RepositoryMarker} was found above {string.Join(" or ", searchStarts)}. " + HowToObtainData);
        return Path.Combine(repo, "data");
    }

    /// <summary>The repository root (folder holding <see cref="RepositoryMarker"/>), or null when not inside one.</summary>
    public static string? FindRepositoryRoot() => FindRepositoryRoot(DefaultSearchStarts());

    /// <summary>Walks up from each start folder in turn; returns the first folder holding <see cref="RepositoryMarker"/>.</summary>
    public static string? FindRepositoryRoot(IEnumerable<string> searchStarts)
    {
        foreach (var start in searchStarts)
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, RepositoryMarker))) return dir.FullName;
            }
        }
        return null;
    }

    /// <summary>
    /// <c>&lt;root&gt;/&lt;name&gt;</c> after checking that it exists and holds the three required files.
    /// Throws <see cref="DirectoryNotFoundException"/> (folder) or <see cref="DataFormatException"/> (file) with the
    /// path and instructions otherwise.
    /// </summary>
    public static string DatasetDirectory(string root, string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
            throw new ArgumentException($"Dataset name must be a plain folder name such as {string.Join(", ", KnownDatasets)}; got \"{name}\".", nameof(name));
        var directory = Path.Combine(Path.GetFullPath(root), name);
        if (!Directory.Exists(directory))
        {
            var what = KnownDatasets.Contains(name)
                ? $"Dataset folder {directory} does not exist"
                : $"Unknown dataset \"{name}\": the known datasets are {string.Join(", ", KnownDatasets)}, and there is no folder {directory}";
            var rootNote = Directory.Exists(root) ? "" : $" (the data root {Path.GetFullPath(root)} does not exist either)";
            throw new DirectoryNotFoundException(what + rootNote + ". " + HowToObtainData);
        }
        foreach (var file in RequiredFiles) RequireFile(Path.Combine(directory, file));
        return directory;
    }

    /// <summary>Resolves the root (see <see cref="ResolveRoot(string?)"/>) and then the dataset folder.</summary>
    public static string ResolveDataset(string name, string? explicitDirectory = null) =>
        DatasetDirectory(ResolveRoot(explicitDirectory), name);

    /// <summary>
    /// Throws <see cref="DataFormatException"/> (no line number) naming the path and how to get the data when the
    /// file is absent; one exception type for every problem with a dataset's files keeps callers simple.
    /// </summary>
    public static void RequireFile(string path)
    {
        if (!File.Exists(path))
            throw new DataFormatException(path, null,
                $"file is missing; a prepared dataset folder must hold {string.Join(", ", RequiredFiles)}. " + HowToObtainData);
    }

    private static IEnumerable<string> DefaultSearchStarts() => [AppContext.BaseDirectory, Directory.GetCurrentDirectory()];
}
