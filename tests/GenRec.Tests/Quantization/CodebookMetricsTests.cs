// CodebookMetrics against a hand-computed 4-item, 2-level, K = 4 example:
//   item0 (0,1)  item1 (0,1)  item2 (1,2)  item3 (0,3)
// level 1 counts [3,1,0,0], level 2 counts [0,2,1,1]; tuple groups {0,1}, {2}, {3}.
using GenRec.Quantization;

namespace GenRec.Tests.Quantization;

public class CodebookMetricsTests
{
    private static readonly int[,] Codes = { { 0, 1 }, { 0, 1 }, { 1, 2 }, { 0, 3 } };

    [Fact]
    public void Histogram()
    {
        var h = CodebookMetrics.UsageHistogram(Codes, 4);
        Assert.Equal(new long[,] { { 3, 1, 0, 0 }, { 0, 2, 1, 1 } }, h);
    }

    [Fact]
    public void UsageIsFractionOfCodesHit() => Assert.Equal([0.5, 0.75], CodebookMetrics.UsagePerLevel(Codes, 4));

    [Fact]
    public void EntropyAndPerplexity()
    {
        // level 1: −(¾ ln ¾ + ¼ ln ¼) = 0.562335; level 2: ½ ln 2 + 2·¼ ln 4 = 1.5 ln 2 = 1.039721 (= 1.5 bits).
        var nats = CodebookMetrics.EntropyNats(Codes, 4);
        Assert.Equal(0.5623351446, nats[0], 9);
        Assert.Equal(1.5 * Math.Log(2), nats[1], 12);
        var bits = CodebookMetrics.EntropyBits(Codes, 4);
        Assert.Equal(0.8112781245, bits[0], 9);
        Assert.Equal(1.5, bits[1], 12);
        var perplexity = CodebookMetrics.Perplexity(Codes, 4);
        Assert.Equal(Math.Pow(4.0 / 3, 0.75) * Math.Pow(4, 0.25), perplexity[0], 9); // = 1/(p1^p1 p2^p2)
        Assert.Equal(2 * Math.Sqrt(2), perplexity[1], 9);
    }

    [Fact]
    public void UniquenessAndDuplicates()
    {
        Assert.Equal(0.5, CodebookMetrics.UniqueItemFraction(Codes));      // items 2 and 3
        Assert.Equal(0.75, CodebookMetrics.DistinctTupleFraction(Codes));  // 3 tuples / 4 items
        Assert.Equal(2, CodebookMetrics.MaxDuplicates(Codes));
        Assert.Equal(0.5, CodebookMetrics.MaxDuplicateFraction(Codes));
        Assert.Equal([1, 1, 2], CodebookMetrics.TupleGroupSizes(Codes).OrderBy(s => s).ToArray());
    }

    [Fact]
    public void CoOccurrenceOfLevelOneAndTwo()
    {
        var m = CodebookMetrics.CoOccurrence(Codes, 0, 1, 4);
        var expected = new long[4, 4];
        expected[0, 1] = 2;
        expected[1, 2] = 1;
        expected[0, 3] = 1;
        Assert.Equal(expected, m);
    }

    [Fact]
    public void LongOverloadsAgree()
    {
        var asLong = new long[,] { { 0, 1 }, { 0, 1 }, { 1, 2 }, { 0, 3 } };
        Assert.Equal(CodebookMetrics.UsagePerLevel(Codes, 4), CodebookMetrics.UsagePerLevel(asLong, 4));
        Assert.Equal(CodebookMetrics.MaxDuplicates(Codes), CodebookMetrics.MaxDuplicates(asLong));
    }

    [Fact]
    public void CodeOutsideCodebookIsAClearError()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CodebookMetrics.UsagePerLevel(new[,] { { 0, 4 } }, 4));
        Assert.Contains("level 1", ex.Message);
    }
}
