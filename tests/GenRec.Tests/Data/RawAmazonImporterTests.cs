// Raw importer on a tiny hand-made reviews/meta pair (gzip, like the public files): the k-core cascade,
// time ties, numbering by first appearance, Python-literal meta text, and errors for malformed raw lines.
using System.IO.Compression;
using System.Text;
using GenRec.Data;
using GenRec.Tests.TestSupport;

namespace GenRec.Tests.Data;

public class RawAmazonImporterTests
{
    // (reviewer, asin, time) in file order. F has 4 reviews → dropped in round 1; X has 4 reviews → dropped
    // in round 1; that leaves G with 4 → dropped in round 2; then I1..I5 have exactly A..E (5 each): stable.
    // A reviews I3 and I2 at the same time (I3 first in the file); E reviews everything at time 9.
    private static readonly (string User, string Asin, long Time)[] Reviews =
    [
        ("F", "I1", 100), ("C", "I4", 20), ("C", "I1", 100), ("A", "I3", 200), ("G", "X", 50), ("A", "I2", 200),
        ("A", "I1", 100), ("C", "I5", 500), ("C", "X", 50), ("C", "I2", 200), ("C", "I3", 250), ("A", "I5", 400),
        ("A", "I4", 300), ("A", "X", 10), ("B", "I5", 100), ("B", "I4", 200), ("B", "I3", 300), ("B", "I2", 400),
        ("B", "I1", 500), ("B", "X", 600), ("D", "I1", 1), ("D", "I2", 2), ("D", "I3", 3), ("D", "I4", 4),
        ("D", "I5", 5), ("E", "I5", 9), ("E", "I4", 9), ("E", "I3", 9), ("E", "I2", 9), ("E", "I1", 9),
        ("G", "I1", 1), ("G", "I2", 2), ("G", "I3", 3), ("G", "I5", 5), ("F", "I2", 1), ("F", "I3", 1), ("F", "I4", 1),
    ];

    private static readonly string[] Meta =
    [
        "{'asin': 'Z9', 'title': 'Never reviewed'}",
        "{'asin': 'I1', 'title': \"L'Oreal Paris Colour Riche\", 'brand': 'L\\'Oreal', 'price': 7.99, " +
            "'salesRank': {'Beauty': 1234}, 'related': {'also_bought': ['I2', 'I3'], 'bought_together': ['I4']}, " +
            "'categories': [['Beauty', 'Makeup', 'Lips', 'Lipstick']]}",
        "{'asin': 'I2', 'title': 'Say \\'hi\\' \"now\"', 'brand': '  ', 'categories': [['Beauty'], ['Gifts', 'Stocking Stuffers']], 'dims': (1, 2.5, -3e2), 'available': True}",
        "{'asin': 'I3', 'imUrl': 'http://example.com/i3.jpg', 'categories': []}",
        "{'asin': 'I4', 'title': 'Caf\\xe9 Cr\\u00e8me', 'brand': None, 'categories': [['Beauty', 'Bath & Body']]}",
        "{'asin': 'X', 'title': 'Dropped item'}",
        "{'asin': 'I1', 'title': 'A later duplicate record is ignored'}",
    ];

    [Fact]
    public void Import_TinyRawFiles_FollowsTheNumberingRule()
    {
        using var temp = new TempDirectory();
        var (reviews, meta) = WriteRaw(temp, ReviewLines(Reviews), Meta);
        var output = temp.Combine("prepared", "tiny");

        var summary = RawAmazonImporter.Import(reviews, meta, output);
        var dataset = AmazonDataset.Load(output);

        Assert.Equal(new RawImportSummary(37, 5, 5, 25, 2, 1, 2, 1, output), summary);
        // Users by first appearance among kept users: C (line 2), A, B, D, E — F and G are dropped.
        Assert.Equal([(1, "C"), (2, "A"), (3, "B"), (4, "D"), (5, "E")], dataset.Users.Select(u => (u.Id, u.ReviewerId)));
        // C's time order is I4 I1 I2 I3 I5, so items are numbered I4=1, I1=2, I2=3, I3=4, I5=5.
        Assert.Equal(["I4", "I1", "I2", "I3", "I5"], dataset.Items.Select(i => i.Asin));
        Assert.Equal([1, 2, 3, 4, 5], dataset.Sequences[0].Items);          // C
        Assert.Equal([2, 4, 3, 1, 5], dataset.Sequences[1].Items);          // A: I1, then tie I3 before I2 (file order)
        Assert.Equal([5, 1, 4, 3, 2], dataset.Sequences[2].Items);          // B: reverse
        Assert.Equal([2, 3, 4, 1, 5], dataset.Sequences[3].Items);          // D
        Assert.Equal([5, 1, 4, 3, 2], dataset.Sequences[4].Items);          // E: all at time 9 → file order

        var i4 = dataset.GetItem(1);
        Assert.Equal(("Café Crème", (string?)null, (string?)null), (i4.Title, i4.Brand, i4.Keywords));
        Assert.Equal(["Beauty", "Bath & Body"], i4.Categories.Single());
        var i1 = dataset.GetItem(2);
        Assert.Equal(("L'Oreal Paris Colour Riche", "L'Oreal"), (i1.Title, i1.Brand));
        Assert.Equal(["Beauty", "Makeup", "Lips", "Lipstick"], i1.Categories.Single());
        var i2 = dataset.GetItem(3);
        Assert.Equal("Say 'hi' \"now\"", i2.Title);
        Assert.Null(i2.Brand);                                               // blank brand → null
        Assert.Equal(2, i2.Categories.Count);
        var i3 = dataset.GetItem(4);
        Assert.Equal(((string?)null, 0), (i3.Title, i3.Categories.Count));
        var i5 = dataset.GetItem(5);                                         // no meta record at all
        Assert.Equal(((string?)null, (string?)null, 0), (i5.Title, i5.Brand, i5.Categories.Count));
    }

    [Fact]
    public void Import_WritesReadableJson()
    {
        using var temp = new TempDirectory();
        var (reviews, meta) = WriteRaw(temp, ReviewLines(Reviews), Meta);
        RawAmazonImporter.Import(reviews, meta, temp.Combine("out"));
        var second = File.ReadLines(temp.Combine("out", "items.jsonl")).ElementAt(1);
        Assert.Equal("{\"item_id\":2,\"asin\":\"I1\",\"title\":\"L'Oreal Paris Colour Riche\",\"brand\":\"L'Oreal\"," +
                     "\"categories\":[[\"Beauty\",\"Makeup\",\"Lips\",\"Lipstick\"]],\"keywords\":null}", second);
        Assert.Equal("user_id\treviewerID", File.ReadLines(temp.Combine("out", "users.tsv")).First());
    }

    [Fact]
    public void KCore_StopsWhenNothingChanges()
    {
        var reviews = Reviews.Select((r, i) => new RawReview(r.User, r.Asin, r.Time, i)).ToList();
        var (kept, rounds) = RawAmazonImporter.KCore(reviews, 5);
        Assert.Equal(2, rounds);
        Assert.Equal(25, kept.Count);
        Assert.DoesNotContain(kept, r => r.ReviewerId is "F" or "G" || r.Asin == "X");
        Assert.Equal(Enumerable.Range(0, 37).Where(i => Reviews[i].User is not ("F" or "G") && Reviews[i].Asin != "X"), kept.Select(r => r.FileOrder));
    }

    [Fact]
    public void NumberingRule_IsStatedForTheReadme()
    {
        Assert.Contains("first appearance in the reviews file", RawAmazonImporter.NumberingRule);
        Assert.Contains("walking the users in id order", RawAmazonImporter.NumberingRule);
        Assert.Equal(("reviews_Beauty_5.json.gz", "meta_Beauty.json.gz"), RawAmazonImporter.FileNames("Beauty"));
    }

    [Fact]
    public void Import_MalformedReviewLine_NamesFileAndLine_AndWritesNothing()
    {
        using var temp = new TempDirectory();
        var lines = ReviewLines(Reviews).ToArray();
        lines[2] = "{\"reviewerID\": \"C\", \"asin\": \"I1\", \"unixReviewTime\": \"soon\"}";
        var (reviews, meta) = WriteRaw(temp, lines, Meta);

        var error = Assert.Throws<DataFormatException>(() => RawAmazonImporter.Import(reviews, meta, temp.Combine("out")));

        Assert.Equal((reviews, (int?)3), (error.FilePath, error.LineNumber));
        Assert.StartsWith("reviews_Tiny_5.json.gz line 3: expected \"unixReviewTime\" to be an integer, got \"soon\"", error.Message);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void Import_BrokenJsonReviewLine_NamesFileAndLine()
    {
        using var temp = new TempDirectory();
        var lines = ReviewLines(Reviews).ToArray();
        lines[4] = "{\"reviewerID\": \"G\", \"asin\": ";
        var (reviews, meta) = WriteRaw(temp, lines, Meta);
        var error = Assert.Throws<DataFormatException>(() => RawAmazonImporter.Import(reviews, meta, temp.Combine("out")));
        Assert.StartsWith("reviews_Tiny_5.json.gz line 5: expected one JSON object (a review), but the JSON is malformed", error.Message);
    }

    [Fact]
    public void Import_MalformedMetaLine_NamesFileLineAndPosition()
    {
        using var temp = new TempDirectory();
        var meta = Meta.ToArray();
        meta[3] = "{'asin': 'I3', 'title': 'unterminated}";
        var (reviews, metaPath) = WriteRaw(temp, ReviewLines(Reviews), meta);

        var error = Assert.Throws<DataFormatException>(() => RawAmazonImporter.Import(reviews, metaPath, temp.Combine("out")));

        Assert.Equal((metaPath, (int?)4), (error.FilePath, error.LineNumber));
        Assert.StartsWith("meta_Tiny.json.gz line 4: expected a Python dict literal (a product record), at character 25: unterminated string", error.Message);
    }

    [Fact]
    public void Import_MetaWithWrongFieldType_NamesTheField()
    {
        using var temp = new TempDirectory();
        var meta = Meta.ToArray();
        meta[3] = "{'asin': 'I3', 'categories': ['Beauty']}";
        var (reviews, metaPath) = WriteRaw(temp, ReviewLines(Reviews), meta);
        var error = Assert.Throws<DataFormatException>(() => RawAmazonImporter.Import(reviews, metaPath, temp.Combine("out")));
        Assert.StartsWith("meta_Tiny.json.gz line 4: expected 'categories' to be a list of category paths, each a list of strings, got a path that is a string", error.Message);
    }

    private static IEnumerable<string> ReviewLines(IEnumerable<(string User, string Asin, long Time)> reviews) =>
        reviews.Select(r => $"{{\"reviewerID\": \"{r.User}\", \"asin\": \"{r.Asin}\", \"reviewerName\": \"N\", \"helpful\": [0, 0], " +
                            $"\"reviewText\": \"Fine.\", \"overall\": 5.0, \"summary\": \"ok\", \"unixReviewTime\": {r.Time}, \"reviewTime\": \"01 1, 2014\"}}");

    private static (string Reviews, string Meta) WriteRaw(TempDirectory temp, IEnumerable<string> reviewLines, IEnumerable<string> metaLines)
    {
        var (reviewsName, metaName) = RawAmazonImporter.FileNames("Tiny");
        var reviews = temp.Combine(reviewsName);
        var meta = temp.Combine(metaName);
        WriteGzip(reviews, reviewLines);
        WriteGzip(meta, metaLines);
        return (reviews, meta);
    }

    private static void WriteGzip(string path, IEnumerable<string> lines)
    {
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        var bytes = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
        gzip.Write(bytes);
    }
}
