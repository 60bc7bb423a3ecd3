// Deep equality of two loaded datasets (records hold lists and arrays, which compare by reference).
using GenRec.Data;

namespace GenRec.Tests.Data;

internal static class DatasetAssert
{
    public static void Same(AmazonDataset expected, AmazonDataset actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Items.Count, actual.Items.Count);
        for (var i = 0; i < expected.Items.Count; i++)
        {
            Item e = expected.Items[i], a = actual.Items[i];
            Assert.Equal((e.Id, e.Asin, e.Title, e.Brand, e.Keywords), (a.Id, a.Asin, a.Title, a.Brand, a.Keywords));
            Assert.Equal(e.Categories.Count, a.Categories.Count);
            for (var p = 0; p < e.Categories.Count; p++) Assert.Equal(e.Categories[p], a.Categories[p]);
        }
        Assert.Equal(expected.Users, actual.Users);   // User is a record of int and string: value equality
        Assert.Equal(expected.Sequences.Count, actual.Sequences.Count);
        for (var s = 0; s < expected.Sequences.Count; s++)
        {
            Assert.Equal(expected.Sequences[s].UserId, actual.Sequences[s].UserId);
            Assert.Equal(expected.Sequences[s].Items, actual.Sequences[s].Items);
        }
    }
}
