// Readers for the two plain-text files of the prepared format: sequences.txt
// (`user_id item_id item_id ...`, space separated, chronological) and users.tsv
// (header `user_id<TAB>reviewerID`). They check syntax line by line; AmazonDataset.Load checks
// the cross-file rules (known item ids, one sequence per user).
using System.Globalization;

namespace GenRec.Data;

/// <summary>Parser for sequences.txt.</summary>
public static class SequencesReader
{
    /// <summary>Leave-one-out needs a training item, a validation target and a test target.</summary>
    public const int MinimumLength = 3;

    /// <summary>
    /// Reads every user's sequence with the line it came from. Item ids are checked against
    /// <paramref name="itemCount"/> (valid ids are 1..itemCount).
    /// </summary>
    public static List<(UserSequence Sequence, int Line)> Read(string path, int itemCount)
    {
        DataLocator.RequireFile(path);
        var result = new List<(UserSequence, int)>();
        var firstLineOfUser = new Dictionary<int, int>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var tokens = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var userId = ParsePositiveInt(path, lineNumber, tokens[0], "user id");
            if (!firstLineOfUser.TryAdd(userId, lineNumber))
                throw new DataFormatException(path, lineNumber, $"user id {userId} appears twice (first on line {firstLineOfUser[userId]})");
            var items = new int[tokens.Length - 1];
            for (var i = 1; i < tokens.Length; i++)
            {
                var id = ParsePositiveInt(path, lineNumber, tokens[i], "item id");
                if (id > itemCount)
                    throw new DataFormatException(path, lineNumber,
                        $"item id {id} of user {userId} is not in items.jsonl (which has ids 1..{itemCount})");
                items[i - 1] = id;
            }
            if (items.Length < MinimumLength)
                throw new DataFormatException(path, lineNumber,
                    $"expected at least {MinimumLength} items for user {userId} (leave-one-out needs training, validation and test items), got {items.Length}");
            result.Add((new UserSequence(userId, items), lineNumber));
        }
        if (result.Count == 0) throw new DataFormatException(path, null, "expected at least one user sequence, found none");
        return result;
    }

    internal static int ParsePositiveInt(string path, int line, string token, string what)
    {
        if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            throw new DataFormatException(path, line, $"expected {what} to be a positive integer, got {DataFormatException.Quoted(token)}");
        return value;
    }
}

/// <summary>Parser for users.tsv.</summary>
public static class UsersReader
{
    /// <summary>The exact header line.</summary>
    public const string Header = "user_id\treviewerID";

    /// <summary>Reads every user with the line it came from; checks the header, column count and duplicate ids.</summary>
    public static List<(User User, int Line)> Read(string path)
    {
        DataLocator.RequireFile(path);
        var result = new List<(User, int)>();
        var firstLineOfUser = new Dictionary<int, int>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                if (line != Header)
                    throw new DataFormatException(path, 1,
                        $"expected the header \"user_id<TAB>reviewerID\", got {DataFormatException.Quoted(line.Replace("\t", "<TAB>"))}");
                continue;
            }
            if (string.IsNullOrWhiteSpace(line)) continue;
            var columns = line.Split('\t');
            if (columns.Length != 2)
                throw new DataFormatException(path, lineNumber,
                    $"expected 2 tab-separated columns (user_id, reviewerID), got {columns.Length}");
            var userId = SequencesReader.ParsePositiveInt(path, lineNumber, columns[0], "user_id");
            var reviewerId = columns[1].Trim();
            if (reviewerId.Length == 0)
                throw new DataFormatException(path, lineNumber, $"expected a non-empty reviewerID for user {userId}");
            if (!firstLineOfUser.TryAdd(userId, lineNumber))
                throw new DataFormatException(path, lineNumber, $"user id {userId} appears twice (first on line {firstLineOfUser[userId]})");
            result.Add((new User(userId, reviewerId), lineNumber));
        }
        if (lineNumber == 0) throw new DataFormatException(path, null, "expected the header \"user_id<TAB>reviewerID\", but the file is empty");
        return result;
    }
}
