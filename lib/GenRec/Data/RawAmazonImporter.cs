// Builds the prepared format from the canonical public Amazon 2014 files (reviews_<Category>_5.json.gz and
// meta_<Category>.json.gz), for users who start from those instead of the prepared folder. The numbering
// follows the rule of P5 / S3-Rec (users by first appearance in the reviews file, items by first
// appearance along the users' chronological sequences); NumberingRule states it in words.
namespace GenRec.Data;

/// <summary>Importer settings.</summary>
/// <param name="MinInteractions">k of the k-core filter (5 for the "5-core" benchmarks).</param>
public sealed record RawImportConfig(int MinInteractions = 5);

/// <summary>What an import kept and dropped.</summary>
public sealed record RawImportSummary(
    int Reviews,
    int Users,
    int Items,
    int Interactions,
    int DroppedUsers,
    int DroppedItems,
    int FilterRounds,
    int ItemsWithoutMeta,
    string OutputDirectory);

/// <summary>Imports raw Amazon 2014 review + meta files into the prepared format.</summary>
public static class RawAmazonImporter
{
    /// <summary>
    /// The import rule, word for word (README quotes this constant):
    /// </summary>
    public const string NumberingRule =
        "Keep the k-core (k = 5): repeatedly drop every user and every item with fewer than 5 interactions until " +
        "no more are dropped, so every kept user has at least 5 interactions. Sort each user's interactions by " +
        "unixReviewTime, ties broken by order in the reviews file. Number users 1..U in order of their first " +
        "appearance in the reviews file. Number items 1..N in order of first appearance when walking the users " +
        "in id order and each user's interactions in time order (the P5 / S3-Rec rule). Item title, brand and " +
        "categories come from the first meta record of the item's asin (missing or blank text → null, missing " +
        "categories → []); keywords are null because the raw data has none. Repeated reviews of the same item " +
        "by the same user are kept as separate interactions.";

    /// <summary>The public file names for a category, e.g. "Beauty" → reviews_Beauty_5.json.gz.</summary>
    public static (string Reviews, string Meta) FileNames(string category) =>
        ($"reviews_{category}_5.json.gz", $"meta_{category}.json.gz");

    /// <summary>
    /// Imports <paramref name="reviewsPath"/> and <paramref name="metaPath"/> (gzip or plain) following
    /// <see cref="NumberingRule"/> and writes items.jsonl, sequences.txt and users.tsv into
    /// <paramref name="outputDirectory"/>. Throws <see cref="DataFormatException"/> naming file and line
    /// for a malformed raw line, before anything is written.
    /// </summary>
    public static RawImportSummary Import(string reviewsPath, string metaPath, string outputDirectory, RawImportConfig? config = null)
    {
        config ??= new RawImportConfig();
        if (config.MinInteractions < SequencesReader.MinimumLength)
            throw new ArgumentOutOfRangeException(nameof(config), config.MinInteractions,
                $"MinInteractions must be at least {SequencesReader.MinimumLength} so that leave-one-out works");

        var reviews = RawAmazonReaders.ReadReviews(reviewsPath);
        var (kept, rounds) = KCore(reviews, config.MinInteractions);
        if (kept.Count == 0)
            throw new InvalidOperationException(
                $"No interactions are left after the {config.MinInteractions}-core filter of {reviewsPath} ({reviews.Count} reviews).");

        var userIds = NumberUsers(kept);
        var sequencesByUser = kept
            .GroupBy(r => r.ReviewerId)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.UnixReviewTime).ThenBy(r => r.FileOrder).Select(r => r.Asin).ToArray());
        var usersInIdOrder = userIds.OrderBy(pair => pair.Value).Select(pair => pair.Key).ToArray();
        var itemIds = NumberItems(usersInIdOrder, sequencesByUser);

        var meta = RawAmazonReaders.ReadMeta(metaPath, itemIds.Keys.ToHashSet());
        var items = itemIds.OrderBy(pair => pair.Value).Select(pair => meta.TryGetValue(pair.Key, out var m)
                ? new Item(pair.Value, pair.Key, m.Title, m.Brand, m.Categories, Keywords: null)
                : new Item(pair.Value, pair.Key, null, null, [], null))
            .ToArray();
        var users = usersInIdOrder.Select(reviewer => new User(userIds[reviewer], reviewer)).ToArray();
        var sequences = usersInIdOrder
            .Select(reviewer => new UserSequence(userIds[reviewer], sequencesByUser[reviewer].Select(asin => itemIds[asin]).ToArray()))
            .ToArray();

        var dataset = new AmazonDataset(Path.GetFileName(Path.GetFullPath(outputDirectory).TrimEnd(Path.DirectorySeparatorChar)), items, users, sequences);
        PreparedFormatWriter.Write(dataset, outputDirectory);

        var allUsers = reviews.Select(r => r.ReviewerId).Distinct().Count();
        var allItems = reviews.Select(r => r.Asin).Distinct().Count();
        return new RawImportSummary(
            reviews.Count, users.Length, items.Length, kept.Count,
            allUsers - users.Length, allItems - items.Length, rounds,
            items.Count(i => !meta.ContainsKey(i.Asin)), Path.GetFullPath(outputDirectory));
    }

    /// <summary>
    /// Iterated k-core: drop users and items with fewer than k interactions, recount, repeat until stable.
    /// Returns the kept reviews in file order and the number of rounds that dropped something.
    /// </summary>
    public static (List<RawReview> Kept, int Rounds) KCore(IReadOnlyList<RawReview> reviews, int k)
    {
        var kept = reviews.ToList();
        var rounds = 0;
        while (true)
        {
            var userCounts = kept.CountBy(r => r.ReviewerId).ToDictionary();
            var itemCounts = kept.CountBy(r => r.Asin).ToDictionary();
            var next = kept.Where(r => userCounts[r.ReviewerId] >= k && itemCounts[r.Asin] >= k).ToList();
            if (next.Count == kept.Count) return (kept, rounds);
            kept = next;
            rounds++;
        }
    }

    /// <summary>Users 1..U in order of first appearance (reviews are in file order).</summary>
    private static Dictionary<string, int> NumberUsers(IEnumerable<RawReview> reviewsInFileOrder)
    {
        var ids = new Dictionary<string, int>();
        foreach (var review in reviewsInFileOrder) ids.TryAdd(review.ReviewerId, ids.Count + 1);
        return ids;
    }

    /// <summary>Items 1..N in order of first appearance along the users' (id order) chronological sequences.</summary>
    private static Dictionary<string, int> NumberItems(IEnumerable<string> usersInIdOrder, Dictionary<string, string[]> sequencesByUser)
    {
        var ids = new Dictionary<string, int>();
        foreach (var reviewer in usersInIdOrder)
        {
            foreach (var asin in sequencesByUser[reviewer]) ids.TryAdd(asin, ids.Count + 1);
        }
        return ids;
    }
}
