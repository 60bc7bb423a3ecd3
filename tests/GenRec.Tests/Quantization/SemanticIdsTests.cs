// SemanticIds: de-dup numbering, collision report, Parquet round trip and bad files.
using GenRec.Quantization;
using Parquet.Serialization;

namespace GenRec.Tests.Quantization;

public class SemanticIdsTests
{
    // Items 10, 30, 20, 40, 50 (deliberately not sorted); 10, 30 and 20 share (1,2); 40 and 50 are unique.
    private static SemanticIds Example() => SemanticIds.FromCodes(
        [10, 30, 20, 40, 50],
        new[,] { { 1, 2 }, { 1, 2 }, { 1, 2 }, { 0, 2 }, { 3, 3 } },
        codebookSize: 4);

    [Fact]
    public void DedupNumbersSharedTuplesInItemIdOrder()
    {
        var ids = Example();
        Assert.Equal([0, 2, 1, 0, 0], ids.Dedup);   // 10 → 0, 20 → 1, 30 → 2
        Assert.Equal([1, 2, 2], ids.FullId(1));
    }

    [Fact]
    public void EveryFullIdIsDistinctAfterDedup()
    {
        // Many collisions: 60 items on 3 tuples.
        var codes = new int[60, 2];
        for (int i = 0; i < 60; i++) { codes[i, 0] = i % 3; codes[i, 1] = 1; }
        var ids = SemanticIds.FromCodes(Enumerable.Range(1, 60).Reverse().ToArray(), codes, 4);
        var full = Enumerable.Range(0, 60).Select(r => string.Join(',', ids.FullId(r))).ToHashSet();
        Assert.Equal(60, full.Count);
        Assert.Equal(19, ids.Dedup.Max());
    }

    [Fact]
    public void CollisionReportListsGroupsLargestFirst()
    {
        var report = Example().Collisions();
        var group = Assert.Single(report.Groups);
        Assert.Equal([1, 2], group.Codes);
        Assert.Equal([10, 20, 30], group.ItemIds);
        Assert.Equal(3, report.CollidingItems);
        Assert.Equal(3, report.LargestGroup);
    }

    [Fact]
    public void ParquetRoundTrip()
    {
        var ids = Example();
        string dir = Directory.CreateTempSubdirectory("genrec-ids-").FullName;
        try
        {
            string path = Path.Combine(dir, "ids.parquet");
            SemanticIdsParquet.Save(ids, path);
            var loaded = SemanticIdsParquet.Load(path);
            Assert.Equal(ids.ItemIds, loaded.ItemIds);
            Assert.Equal(ids.Codes, loaded.Codes);
            Assert.Equal(ids.Dedup, loaded.Dedup);
            Assert.Equal(4, loaded.CodebookSize);
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class WrongRow
    {
        public int item_id { get; set; }
        public int level_1 { get; set; }
        public int bucket { get; set; }
    }

    [Fact]
    public async Task ParquetWithWrongColumnsIsAClearError()
    {
        string dir = Directory.CreateTempSubdirectory("genrec-ids-").FullName;
        try
        {
            string path = Path.Combine(dir, "bad.parquet");
            await ParquetSerializer.SerializeAsync(new[] { new WrongRow { item_id = 1, level_1 = 0, bucket = 0 } }, path);
            var ex = await Assert.ThrowsAsync<InvalidDataException>(() => SemanticIdsParquet.LoadAsync(path));
            Assert.Contains("bad.parquet", ex.Message);
            Assert.Contains("dedup", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void MismatchedRowsAndIdsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => SemanticIds.FromCodes([1, 2], new[,] { { 0 } }, 4));
        Assert.Throws<ArgumentException>(() => SemanticIds.FromCodes([1, 1], new[,] { { 0 }, { 1 } }, 4));
    }
}
