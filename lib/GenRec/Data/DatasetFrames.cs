// Microsoft.Data.Analysis DataFrame views of a dataset for the notebooks: items with their text,
// users with sequence lengths, interactions (one row per user and position), and the statistics table.
using Microsoft.Data.Analysis;

namespace GenRec.Data;

/// <summary>Builds DataFrames from a loaded dataset (copies; changing a frame doesn't change the dataset).</summary>
public static class DatasetFrames
{
    /// <summary>Columns item_id, asin, title, brand, categories (see <see cref="FormatCategories"/>), keywords; null where unknown.</summary>
    public static DataFrame ItemsFrame(AmazonDataset dataset) => new(
        new Int32DataFrameColumn("item_id", dataset.Items.Select(i => i.Id)),
        new StringDataFrameColumn("asin", dataset.Items.Select(i => i.Asin)),
        new StringDataFrameColumn("title", dataset.Items.Select(i => i.Title)),
        new StringDataFrameColumn("brand", dataset.Items.Select(i => i.Brand)),
        new StringDataFrameColumn("categories", dataset.Items.Select(i => FormatCategories(i.Categories))),
        new StringDataFrameColumn("keywords", dataset.Items.Select(i => i.Keywords)));

    /// <summary>Columns user_id, reviewer_id, length (number of interactions), in users.tsv order.</summary>
    public static DataFrame UsersFrame(AmazonDataset dataset)
    {
        var lengths = dataset.Sequences.ToDictionary(s => s.UserId, s => s.Items.Length);
        return new DataFrame(
            new Int32DataFrameColumn("user_id", dataset.Users.Select(u => u.Id)),
            new StringDataFrameColumn("reviewer_id", dataset.Users.Select(u => u.ReviewerId)),
            new Int32DataFrameColumn("length", dataset.Users.Select(u => lengths[u.Id])));
    }

    /// <summary>Columns user_id, position (0-based, chronological), item_id: one row per interaction.</summary>
    public static DataFrame InteractionsFrame(AmazonDataset dataset)
    {
        var rows = dataset.Sequences.SelectMany(s => s.Items.Select((item, position) => (s.UserId, position, item))).ToArray();
        return new DataFrame(
            new Int32DataFrameColumn("user_id", rows.Select(r => r.UserId)),
            new Int32DataFrameColumn("position", rows.Select(r => r.position)),
            new Int32DataFrameColumn("item_id", rows.Select(r => r.item)));
    }

    /// <summary>Two string columns, statistic and value, in the order of <see cref="DatasetStatistics.Rows"/>.</summary>
    public static DataFrame StatisticsFrame(DatasetStatistics statistics)
    {
        var rows = statistics.Rows();
        return new DataFrame(
            new StringDataFrameColumn("statistic", rows.Select(r => r.Statistic)),
            new StringDataFrameColumn("value", rows.Select(r => r.Value)));
    }

    /// <summary>Category paths as one string: names joined by " &gt; ", paths by "; " (empty string when none).</summary>
    public static string FormatCategories(IReadOnlyList<IReadOnlyList<string>> categories) =>
        string.Join("; ", categories.Select(path => string.Join(" > ", path)));
}
