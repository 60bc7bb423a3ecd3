// DataFrame views of the tiny dataset: every cell checked against the hand-written files.
using GenRec.Data;
using GenRec.Tests.TestSupport;
using Microsoft.Data.Analysis;

namespace GenRec.Tests.Data;

public class DatasetFramesTests
{
    private static AmazonDataset Tiny(TempDirectory temp) => AmazonDataset.Load(TinyPreparedDataset.Write(temp));

    [Fact]
    public void ItemsFrame_HoldsTextWithJoinedCategories()
    {
        using var temp = new TempDirectory();
        var frame = DatasetFrames.ItemsFrame(Tiny(temp));

        Assert.Equal(["item_id", "asin", "title", "brand", "categories", "keywords"], frame.Columns.Select(c => c.Name));
        Assert.Equal(4, frame.Rows.Count);
        Assert.Equal([1, 2, 3, 4], Column<int>(frame, "item_id"));
        Assert.Equal(new List<string?> { "Red Lipstick", null, "Nail \"Gloss\"", "Café Soap" }, Strings(frame, "title"));
        Assert.Equal(new List<string?> { "Acme", null, "Zed", "Bubbles" }, Strings(frame, "brand"));
        Assert.Equal(new List<string?> { "Beauty > Makeup > Lips", "", "Beauty > Nails; Gifts", "Beauty > Bath" }, Strings(frame, "categories"));
        Assert.Equal(new List<string?> { "red lipstick", null, "nail gloss", null }, Strings(frame, "keywords"));
    }

    [Fact]
    public void InteractionsFrame_OneRowPerUserAndPosition()
    {
        using var temp = new TempDirectory();
        var frame = DatasetFrames.InteractionsFrame(Tiny(temp));

        Assert.Equal(["user_id", "position", "item_id"], frame.Columns.Select(c => c.Name));
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3], Column<int>(frame, "user_id"));
        Assert.Equal([0, 1, 2, 3, 0, 1, 2, 0, 1, 2, 3, 4], Column<int>(frame, "position"));
        Assert.Equal([1, 2, 3, 4, 4, 3, 1, 2, 1, 4, 3, 2], Column<int>(frame, "item_id"));
    }

    [Fact]
    public void UsersFrame_HasReviewerIdsAndLengths()
    {
        using var temp = new TempDirectory();
        var frame = DatasetFrames.UsersFrame(Tiny(temp));
        Assert.Equal(new List<string?> { "R1", "R2", "R3" }, Strings(frame, "reviewer_id"));
        Assert.Equal([4, 3, 5], Column<int>(frame, "length"));
    }

    [Fact]
    public void StatisticsFrame_TwoColumnsInDisplayOrder()
    {
        using var temp = new TempDirectory();
        var frame = DatasetFrames.StatisticsFrame(DatasetStatistics.Compute(Tiny(temp)));

        Assert.Equal(["statistic", "value"], frame.Columns.Select(c => c.Name));
        Assert.Equal(12, frame.Rows.Count);
        Assert.Equal(["dataset", "tiny"], frame.Rows[0].Select(v => v?.ToString()));
        Assert.Equal(["interactions", "12"], frame.Rows[3].Select(v => v?.ToString()));
        Assert.Equal(["sequence length p90", "4.8"], frame.Rows[8].Select(v => v?.ToString()));
        Assert.Equal(["density", "100.0000 %"], frame.Rows[11].Select(v => v?.ToString()));
    }

    [Fact]
    public void FormatCategories_EmptyIsEmptyString()
    {
        Assert.Equal("", DatasetFrames.FormatCategories([]));
        Assert.Equal("A > B; C", DatasetFrames.FormatCategories([["A", "B"], ["C"]]));
    }

    private static List<string?> Strings(DataFrame frame, string name) => frame[name].Cast<string?>().ToList();

    private static T[] Column<T>(DataFrame frame, string name) => frame[name].Cast<T>().ToArray();
}
