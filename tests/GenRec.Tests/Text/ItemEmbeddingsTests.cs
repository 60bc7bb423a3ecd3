// Tests of ItemEmbeddings lookups and exact cosine neighbours on a hand-made 4-vector example.
using GenRec.Text;

namespace GenRec.Tests.Text;

public class ItemEmbeddingsTests
{
    // Item 10 → (1,0), 20 → (1,1), 30 → (0,2), 40 → (-1,0). Cosines by hand:
    // (10,20) = 1/√2, (10,30) = 0, (10,40) = −1, (20,30) = 1/√2, (20,40) = −1/√2, (30,40) = 0.
    private static ItemEmbeddings Example() => new([10, 20, 30, 40], 2, [1, 0, 1, 1, 0, 2, -1, 0]);

    private static readonly float InvSqrt2 = (float)(1 / Math.Sqrt(2));

    [Fact]
    public void CosineNeighbours_SortedBySimilarity_ExcludingSelf()
    {
        var n = Example().CosineNeighbours(10, 3);
        Assert.Equal([20, 30, 40], n.Select(x => x.ItemId));
        Assert.Equal(InvSqrt2, n[0].Similarity, 1e-6f);
        Assert.Equal(0f, n[1].Similarity, 1e-6f);
        Assert.Equal(-1f, n[2].Similarity, 1e-6f);
    }

    [Fact]
    public void CosineNeighbours_TiesGoToSmallerId_AndKIsCapped()
    {
        var n = Example().CosineNeighbours(20, 10);
        Assert.Equal([10, 30, 40], n.Select(x => x.ItemId));
        Assert.Equal(InvSqrt2, n[1].Similarity, 1e-6f);
        Assert.Equal(-InvSqrt2, n[2].Similarity, 1e-6f);
        Assert.Equal([10], Example().CosineNeighbours(20, 1).Select(x => x.ItemId));
        Assert.Empty(Example().CosineNeighbours(20, 0));
    }

    [Fact]
    public void Row_ReturnsTheItemsVector()
    {
        var e = Example();
        Assert.Equal([0f, 2f], e.Row(30).ToArray());
        Assert.Equal(2, e.RowIndex(30));
        Assert.Equal(4, e.Count);
        Assert.Throws<KeyNotFoundException>(() => e.Row(99));
    }

    [Fact]
    public void Constructor_RejectsDuplicateIdsAndWrongSizes()
    {
        var dup = Assert.Throws<ArgumentException>(() => new ItemEmbeddings([1, 2, 1], 1, [1, 1, 1]));
        Assert.Contains("Item id 1 appears twice", dup.Message);
        Assert.Throws<ArgumentException>(() => new ItemEmbeddings([1, 2], 3, [1, 2, 3, 4, 5]));
    }
}
