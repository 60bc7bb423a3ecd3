// Entropy@K (the paper's diversity measure, §4.4) on hand-computed lists.
using GenRec.Evaluation;

namespace GenRec.Tests.Evaluation;

public sealed class CategoryEntropyTests
{
    static readonly Dictionary<int, string?> Categories = new() { [1] = "a", [2] = "a", [3] = "b", [4] = "c", [5] = null, [6] = "b" };

    static string? Of(int item) => Categories[item];

    [Fact]
    public void Entropy_at_k_matches_hand_computed_values()
    {
        // top 4 = a, a, b, c → p = (1/2, 1/4, 1/4) → H = ½ ln 2 + 2 · ¼ ln 4 = 1.5 ln 2 = 1.0397207708…
        Assert.Equal(1.5 * Math.Log(2), CategoryEntropy.AtK([1, 2, 3, 4, 6], Of, 4), 12);
        // top 5 = a, a, b, c, b → p = (2/5, 2/5, 1/5) → H = 2 · 0.4 ln 2.5 + 0.2 ln 5 = 1.0549201679…
        Assert.Equal(0.8 * Math.Log(2.5) + 0.2 * Math.Log(5), CategoryEntropy.AtK([1, 2, 3, 4, 6], Of, 5), 12);
        Assert.Equal(1.0549201679861442, CategoryEntropy.AtK([1, 2, 3, 4, 6], Of, 5), 12);
        // one category: 0; an item without a category is left out: (a, none, b) → ln 2
        Assert.Equal(0, CategoryEntropy.AtK([1, 2], Of, 10));
        Assert.Equal(Math.Log(2), CategoryEntropy.AtK([1, 5, 3], Of, 3), 12);
        // K beyond the list uses the whole list; the mean averages users: (0 + ln 2) / 2
        Assert.Equal(Math.Log(2) / 2, CategoryEntropy.Mean([[1, 2], [1, 3]], Of, 50), 12);
    }
}
