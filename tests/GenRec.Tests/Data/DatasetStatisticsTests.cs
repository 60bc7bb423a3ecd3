// Dataset statistics: hand-computed values on the tiny dataset, and the published counts of the
// three real datasets when /work/shared/data/amazon2014 (or GENREC_DATA_DIR) is available.
using GenRec.Data;
using GenRec.Tests.TestSupport;
using Xunit.Abstractions;

namespace GenRec.Tests.Data;

public class DatasetStatisticsTests(ITestOutputHelper output)
{
    [Fact]
    public void Compute_TinyDataset_MatchesHandComputedValues()
    {
        using var temp = new TempDirectory();
        var stats = DatasetStatistics.Compute(AmazonDataset.Load(TinyPreparedDataset.Write(temp)));

        // Lengths 4, 3, 5 → sorted 3 4 5; items 4; users 3; user 3 repeats item 2 (4 distinct of 5).
        Assert.Equal((3, 4, 12L), (stats.Users, stats.Items, stats.Interactions));
        Assert.Equal((3, 5), (stats.MinLength, stats.MaxLength));
        Assert.Equal(4.0, stats.MeanLength, 12);
        Assert.Equal(4.0, stats.MedianLength, 12);
        Assert.Equal(4.8, stats.P90Length, 12);                 // rank 0.9·2 = 1.8 → 4 + 0.8·(5 − 4)
        Assert.Equal((4 + 3 + 4) / 3.0, stats.AverageItemsPerUser, 12);
        Assert.Equal(3.0, stats.AverageInteractionsPerItem, 12);
        Assert.Equal(12.0 / (3 * 4), stats.Density, 12);
        Assert.Equal(("users", "3"), stats.Rows()[1]);
    }

    [Theory]
    [InlineData(new[] { 7 }, 0.5, 7.0)]
    [InlineData(new[] { 1, 2, 3, 4 }, 0.5, 2.5)]
    [InlineData(new[] { 1, 2, 3, 4 }, 0.9, 3.7)]
    [InlineData(new[] { 1, 2, 3, 4 }, 1.0, 4.0)]
    [InlineData(new[] { 1, 2, 3, 4 }, 0.0, 1.0)]
    public void Percentile_InterpolatesLinearly(int[] sorted, double q, double expected)
    {
        Assert.Equal(expected, DatasetStatistics.Percentile(sorted, q), 12);
    }

    [Theory]
    [InlineData("beauty", 22_363, 12_101, 198_502, 5, 204, 8.88)]
    [InlineData("sports", 35_598, 18_357, 296_337, 5, 296, 8.32)]
    [InlineData("toys", 19_412, 11_924, 167_597, 5, 550, 8.63)]
    public void Compute_RealData_MatchesPublishedCounts(string name, int users, int items, long interactions, int min, int max, double mean)
    {
        var root = RealData.Root();
        if (root is null)
        {
            output.WriteLine($"SKIPPED: no real data (set {DataLocator.EnvironmentVariable} or provide ../shared/data/amazon2014).");
            return;
        }
        var dataset = AmazonDataset.Load(DataLocator.DatasetDirectory(root, name));
        var stats = DatasetStatistics.Compute(dataset);

        Assert.Equal((users, items, interactions), (stats.Users, stats.Items, stats.Interactions));
        Assert.Equal((min, max), (stats.MinLength, stats.MaxLength));
        Assert.Equal(mean, Math.Round(stats.MeanLength, 2));
        Assert.Equal(6.0, stats.MedianLength);
        output.WriteLine(string.Join("; ", stats.Rows().Select(r => $"{r.Statistic}={r.Value}")));
    }
}

/// <summary>Where the real prepared data is, if anywhere: GENREC_DATA_DIR, else ../shared/data/amazon2014 next to the repository.</summary>
internal static class RealData
{
    public static string? Root()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(DataLocator.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment) && Directory.Exists(fromEnvironment)) return fromEnvironment;
        var repo = DataLocator.FindRepositoryRoot();
        if (repo is null) return null;
        var shared = Path.GetFullPath(Path.Combine(repo, "..", "shared", "data", "amazon2014"));
        if (Directory.Exists(shared)) return shared;
        // Worktrees sit one level deeper (/work/wt/<name>); the shared folder is /work/shared.
        var sharedFromWorktree = Path.GetFullPath(Path.Combine(repo, "..", "..", "shared", "data", "amazon2014"));
        return Directory.Exists(sharedFromWorktree) ? sharedFromWorktree : null;
    }
}
