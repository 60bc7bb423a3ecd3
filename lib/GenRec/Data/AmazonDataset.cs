// One prepared Amazon 2014 dataset held in memory (items, users, chronological sequences), in the
// P5 / S3-Rec / TIGER numbering. Load reads and validates all three files and only then builds the
// object: a dataset is either fully valid or not returned at all.
namespace GenRec.Data;

/// <summary>
/// A loaded dataset. <see cref="Items"/> is ordered by id (<c>Items[id - 1].Id == id</c>; use
/// <see cref="GetItem(int)"/>); <see cref="Users"/> and <see cref="Sequences"/> keep file order.
/// </summary>
public sealed record AmazonDataset(
    string Name,
    IReadOnlyList<Item> Items,
    IReadOnlyList<User> Users,
    IReadOnlyList<UserSequence> Sequences)
{
    /// <summary>File names of the prepared format.</summary>
    public const string SequencesFile = "sequences.txt", ItemsFile = "items.jsonl", UsersFile = "users.tsv";

    /// <summary>Number of items N (ids run 1..N).</summary>
    public int ItemCount => Items.Count;

    /// <summary>The item with 1-based <paramref name="id"/>.</summary>
    public Item GetItem(int id) =>
        id >= 1 && id <= Items.Count ? Items[id - 1] : throw new ArgumentOutOfRangeException(nameof(id), id, $"item ids run 1..{Items.Count}");

    /// <summary>Total number of interactions (sum of sequence lengths).</summary>
    public long InteractionCount => Sequences.Sum(s => (long)s.Items.Length);

    /// <summary>
    /// Loads a prepared dataset folder (sequences.txt, items.jsonl, users.tsv). <paramref name="name"/> defaults
    /// to the folder name. Throws <see cref="DataFormatException"/> naming file and line on the first problem:
    /// malformed line, missing key/column/header, item ids not exactly 1..N, an unknown item id in a sequence,
    /// a sequence shorter than 3, duplicate user ids, users.tsv and sequences.txt disagreeing on the users,
    /// or a missing file.
    /// </summary>
    public static AmazonDataset Load(string datasetDir, string? name = null)
    {
        var directory = Path.GetFullPath(datasetDir);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Dataset folder {directory} does not exist. " + DataLocator.HowToObtainData);
        var itemsPath = Path.Combine(directory, ItemsFile);
        var usersPath = Path.Combine(directory, UsersFile);
        var sequencesPath = Path.Combine(directory, SequencesFile);
        foreach (var path in new[] { sequencesPath, itemsPath, usersPath }) DataLocator.RequireFile(path);

        var items = ItemsJsonlReader.Read(itemsPath);
        var users = UsersReader.Read(usersPath);
        var sequences = SequencesReader.Read(sequencesPath, items.Length);
        CheckSameUsers(usersPath, users, sequencesPath, sequences);

        return new AmazonDataset(
            name ?? Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar)),
            items,
            users.Select(u => u.User).ToArray(),
            sequences.Select(s => s.Sequence).ToArray());
    }

    /// <summary>Loads through the Parquet cache; see <see cref="ParquetCache.Load"/>.</summary>
    public static AmazonDataset LoadCached(string datasetDir, string? cacheDir = null, string? name = null) =>
        ParquetCache.Load(datasetDir, cacheDir, name);

    /// <summary>Every user in users.tsv has exactly one sequence and every sequence's user is in users.tsv.</summary>
    private static void CheckSameUsers(
        string usersPath, List<(User User, int Line)> users,
        string sequencesPath, List<(UserSequence Sequence, int Line)> sequences)
    {
        var userIds = users.Select(u => u.User.Id).ToHashSet();
        foreach (var (sequence, line) in sequences)
        {
            if (!userIds.Contains(sequence.UserId))
                throw new DataFormatException(sequencesPath, line, $"user id {sequence.UserId} has no row in {UsersFile}");
        }
        var sequenceUserIds = sequences.Select(s => s.Sequence.UserId).ToHashSet();
        foreach (var (user, line) in users)
        {
            if (!sequenceUserIds.Contains(user.Id))
                throw new DataFormatException(usersPath, line, $"user id {user.Id} has no sequence in {SequencesFile}");
        }
    }
}
