// The diversity experiment's category rule (§4.4; Diversity.CategoryOf): depth 1 of the item's first category path.
using GenRec.Data;
using GenRec.Runs.Experiments;

namespace GenRec.Tests.Runs.Experiments;

public sealed class DiversityCategoryTests
{
    [Fact]
    public void The_category_is_depth_one_of_the_first_path()
    {
        var item = new Item(1, "A", "t", null, [["Beauty", "Makeup", "Nails"], ["Beauty", "Skin Care"]], null);
        Assert.Equal("Makeup", Diversity.CategoryOf(item, 1));
        Assert.Equal("Beauty", Diversity.CategoryOf(item, 0));
        Assert.Null(Diversity.CategoryOf(item, 3));
        Assert.Null(Diversity.CategoryOf(new Item(2, "B", "t", null, [], null), 1));
    }
}
