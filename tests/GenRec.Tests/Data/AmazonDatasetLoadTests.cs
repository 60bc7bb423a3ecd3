// Loading the prepared format: a valid tiny dataset round-trips into records, and each kind of bad
// input gives one DataFormatException naming the file, the line and the expectation.
using GenRec.Data;
using GenRec.Tests.TestSupport;

namespace GenRec.Tests.Data;

public class AmazonDatasetLoadTests
{
    [Fact]
    public void Load_ValidTinyDataset_GivesRecordsInFileOrder()
    {
        using var temp = new TempDirectory();
        var dataset = AmazonDataset.Load(TinyPreparedDataset.Write(temp));

        Assert.Equal("tiny", dataset.Name);
        Assert.Equal([1, 2, 3, 4], dataset.Items.Select(i => i.Id));
        var lipstick = dataset.GetItem(1);
        Assert.Equal(("A1", "Red Lipstick", "Acme", "red lipstick"), (lipstick.Asin, lipstick.Title, lipstick.Brand, lipstick.Keywords));
        Assert.Equal(["Beauty", "Makeup", "Lips"], lipstick.Categories.Single());
        var bare = dataset.GetItem(2);
        Assert.Null(bare.Title);
        Assert.Null(bare.Brand);
        Assert.Null(bare.Keywords);
        Assert.Empty(bare.Categories);
        Assert.Equal("Nail \"Gloss\"", dataset.GetItem(3).Title);
        Assert.Equal(2, dataset.GetItem(3).Categories.Count);
        Assert.Equal("Café Soap", dataset.GetItem(4).Title);
        Assert.Equal([(1, "R1"), (2, "R2"), (3, "R3")], dataset.Users.Select(u => (u.Id, u.ReviewerId)));
        Assert.Equal([1, 2, 3], dataset.Sequences.Select(s => s.UserId));
        Assert.Equal([1, 2, 3, 4], dataset.Sequences[0].Items);
        Assert.Equal([4, 3, 1], dataset.Sequences[1].Items);
        Assert.Equal([2, 1, 4, 3, 2], dataset.Sequences[2].Items);
        Assert.Equal(12, dataset.InteractionCount);
    }

    [Fact]
    public void Load_ExplicitName_OverridesFolderName()
    {
        using var temp = new TempDirectory();
        Assert.Equal("beauty-copy", AmazonDataset.Load(TinyPreparedDataset.Write(temp), "beauty-copy").Name);
    }

    // Each case: which file to break, its replacement text, the expected file, line and message start.
    public static TheoryData<string, string, string, int?, string> BadInputs => new()
    {
        { "items", Replace(TinyPreparedDataset.Items, 2, "{\"item_id\": 2, \"asin\": "), "items.jsonl", 2,
            "items.jsonl line 2: expected one JSON object, but the JSON is malformed" },
        { "items", Replace(TinyPreparedDataset.Items, 2, "{\"item_id\": \"abc\", \"asin\": \"A2\", \"title\": null, \"brand\": null, \"categories\": [], \"keywords\": null}"),
            "items.jsonl", 2, "items.jsonl line 2: expected \"item_id\" to be an integer, got \"abc\"" },
        { "items", Replace(TinyPreparedDataset.Items, 3, "{\"item_id\": 3, \"asin\": \"A3\", \"title\": null, \"categories\": [], \"keywords\": null}"),
            "items.jsonl", 3, "items.jsonl line 3: expected key \"brand\"" },
        { "items", Replace(TinyPreparedDataset.Items, 2, "{\"item_id\": 2, \"asin\": \"A2\", \"title\": 5, \"brand\": null, \"categories\": [], \"keywords\": null}"),
            "items.jsonl", 2, "items.jsonl line 2: expected \"title\" to be a string or null, got 5" },
        { "items", Replace(TinyPreparedDataset.Items, 2, "{\"item_id\": 2, \"asin\": \"A2\", \"title\": null, \"brand\": null, \"categories\": [\"Beauty\"], \"keywords\": null}"),
            "items.jsonl", 2, "items.jsonl line 2: expected \"categories\" to be a list of category paths, each a list of strings, got \"Beauty\" as a path" },
        { "items", Replace(TinyPreparedDataset.Items, 2, "[1, 2]"), "items.jsonl", 2, "items.jsonl line 2: expected a JSON object, got [1, 2]" },
        { "items", Replace(TinyPreparedDataset.Items, 4, "{\"item_id\": 5, \"asin\": \"A4\", \"title\": null, \"brand\": null, \"categories\": [], \"keywords\": null}"),
            "items.jsonl", 4, "items.jsonl line 4: item id 5 is outside 1..4; item ids must be exactly 1..N" },
        { "items", Replace(TinyPreparedDataset.Items, 4, "{\"item_id\": 2, \"asin\": \"A4\", \"title\": null, \"brand\": null, \"categories\": [], \"keywords\": null}"),
            "items.jsonl", 4, "items.jsonl line 4: item id 2 appears twice (first on line 2)" },
        { "sequences", "1 1 2 3 4\n2 4 x7 1\n3 2 1 4\n", "sequences.txt", 2,
            "sequences.txt line 2: expected item id to be a positive integer, got \"x7\"" },
        { "sequences", "1 1 2 3 9\n2 4 3 1\n3 2 1 4\n", "sequences.txt", 1,
            "sequences.txt line 1: item id 9 of user 1 is not in items.jsonl (which has ids 1..4)" },
        { "sequences", "1 1 2 3 4\n2 4 3\n3 2 1 4\n", "sequences.txt", 2,
            "sequences.txt line 2: expected at least 3 items for user 2 (leave-one-out needs training, validation and test items), got 2" },
        { "sequences", "1 1 2 3 4\n2 4 3 1\n1 2 1 4\n", "sequences.txt", 3,
            "sequences.txt line 3: user id 1 appears twice (first on line 1)" },
        { "sequences", "1 1 2 3 4\n2 4 3 1\n7 2 1 4\n", "sequences.txt", 3, "sequences.txt line 3: user id 7 has no row in users.tsv" },
        { "users", "user_id,reviewerID\n1\tR1\n2\tR2\n3\tR3\n", "users.tsv", 1,
            "users.tsv line 1: expected the header \"user_id<TAB>reviewerID\", got \"user_id,reviewerID\"" },
        { "users", "user_id\treviewerID\n1\tR1\n2\tR2\textra\n3\tR3\n", "users.tsv", 3,
            "users.tsv line 3: expected 2 tab-separated columns (user_id, reviewerID), got 3" },
        { "users", "user_id\treviewerID\n1\tR1\n2\tR2\n2\tR3\n", "users.tsv", 4, "users.tsv line 4: user id 2 appears twice (first on line 3)" },
        { "users", "user_id\treviewerID\n1\tR1\n2\tR2\n3\tR3\n4\tR4\n", "users.tsv", 5, "users.tsv line 5: user id 4 has no sequence in sequences.txt" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Load_BadInput_ThrowsOneClearError(string file, string text, string expectedFile, int? expectedLine, string expectedStart)
    {
        using var temp = new TempDirectory();
        var folder = file switch
        {
            "items" => TinyPreparedDataset.Write(temp, items: text),
            "sequences" => TinyPreparedDataset.Write(temp, sequences: text),
            _ => TinyPreparedDataset.Write(temp, users: text),
        };

        var error = Assert.Throws<DataFormatException>(() => AmazonDataset.Load(folder));

        Assert.Equal(Path.Combine(folder, expectedFile), error.FilePath);
        Assert.Equal(expectedLine, error.LineNumber);
        Assert.StartsWith(expectedStart, error.Message);
        Assert.EndsWith($"(file: {Path.Combine(folder, expectedFile)})", error.Message);
    }

    [Fact]
    public void Load_MissingFile_NamesPathAndHowToGetData()
    {
        using var temp = new TempDirectory();
        var folder = TinyPreparedDataset.Write(temp);
        File.Delete(Path.Combine(folder, "users.tsv"));

        var error = Assert.Throws<DataFormatException>(() => AmazonDataset.Load(folder));

        Assert.Equal(Path.Combine(folder, "users.tsv"), error.FilePath);
        Assert.Null(error.LineNumber);
        Assert.StartsWith("users.tsv: file is missing; a prepared dataset folder must hold sequences.txt, items.jsonl, users.tsv.", error.Message);
        Assert.Contains("\"Getting the data\"", error.Message);
        Assert.Contains("GENREC_DATA_DIR", error.Message);
    }

    [Fact]
    public void Load_MissingFolder_ThrowsDirectoryNotFound()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<DirectoryNotFoundException>(() => AmazonDataset.Load(temp.Combine("nope")));
        Assert.Contains(temp.Combine("nope"), error.Message);
    }

    /// <summary>The text with its 1-based line <paramref name="line"/> replaced.</summary>
    private static string Replace(string text, int line, string replacement)
    {
        var lines = text.Split('\n');
        lines[line - 1] = replacement;
        return string.Join('\n', lines);
    }
}
