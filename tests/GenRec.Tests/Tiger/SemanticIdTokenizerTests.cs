using GenRec.Tiger;

namespace GenRec.Tests.Tiger;

public class SemanticIdTokenizerTests
{
    // codebooks 4, 3, 2 and 5 user buckets → layout: PAD 0, EOS 1, BOS 2, level 0: 3..6, level 1: 7..9,
    // level 2: 10..11, users: 12..16, vocabulary 17
    static readonly int[]?[] Ids = [null, [0, 1, 0], [3, 2, 1], [1, 0, 0], [0, 1, 1]];
    static SemanticIdTokenizer Make() => new(Ids, [4, 3, 2], userBuckets: 5);

    [Fact]
    public void Layout_has_per_level_offsets_after_special_tokens()
    {
        var t = Make();
        Assert.Equal(3, t.Levels);
        Assert.Equal(3, t.LevelOffset(0));
        Assert.Equal(7, t.LevelOffset(1));
        Assert.Equal(10, t.LevelOffset(2));
        Assert.Equal(12, t.UserTokenOffset);
        Assert.Equal(17, t.VocabularySize);
        Assert.Equal(4, t.ItemCount);
        Assert.Equal([3, 8, 10], t.EncodeItem(1));     // (0, 1, 0) → (3+0, 7+1, 10+0)
        Assert.Equal([6, 9, 11], t.EncodeItem(2));     // (3, 2, 1) → (3+3, 7+2, 10+1)
        Assert.Equal(1, t.LevelOf(7));
        Assert.Equal(-1, t.LevelOf(SemanticIdTokenizer.Bos));
        Assert.Equal(-1, t.LevelOf(12));
    }

    [Fact]
    public void History_keeps_the_most_recent_items_oldest_first_then_eos()
    {
        var t = Make();
        // user 7 → bucket 7 mod 5 = 2 → token 14; maxItems 2 keeps items 2 and 3
        Assert.Equal([14, 6, 9, 11, 4, 7, 10, SemanticIdTokenizer.Eos], t.EncodeHistory([1, 2, 3], maxItems: 2, userId: 7));
        Assert.Equal([3, 8, 10, 6, 9, 11, 4, 7, 10, SemanticIdTokenizer.Eos], t.EncodeHistory([1, 2, 3]));
        Assert.Equal([SemanticIdTokenizer.Eos], t.EncodeHistory([]));
        Assert.Equal(15, t.UserToken(-2));              // −2 mod 5 = 3 (non-negative)
        Assert.Equal(1 + 20 * 3 + 1, t.MaxSourceLength(20, withUserToken: true));
    }

    [Fact]
    public void Every_item_round_trips_and_invalid_tuples_decode_to_null()
    {
        var t = Make();
        foreach (var (item, tokens) in t.Items())
            Assert.Equal(item, t.DecodeItem(tokens));
        Assert.Equal([1, 2, 3, 4], t.Items().Select(i => i.ItemId));
        Assert.Null(t.DecodeItem([3, 7, 10]));          // codes (0, 0, 0): well formed but no such item
        Assert.Null(t.DecodeItem([7, 8, 10]));          // a level-1 token in level 0's place
        Assert.Null(t.DecodeItem([3, 8]));              // too short
        Assert.Null(t.DecodeItem([3, 8, 10, 1]));       // too long
    }

    [Fact]
    public void Bad_semantic_ids_are_rejected_with_the_item_named()
    {
        Assert.Contains("Items 1 and 2 share", Assert.Throws<ArgumentException>(() => new SemanticIdTokenizer([null, [0, 1], [0, 1]], [2, 2])).Message);
        Assert.Contains("Code 2 at level 1 of item 1", Assert.Throws<ArgumentException>(() => new SemanticIdTokenizer([null, [0, 2]], [2, 2])).Message);
        Assert.Contains("item 1 has 1 codes", Assert.Throws<ArgumentException>(() => new SemanticIdTokenizer([null, [0]], [2, 2])).Message);
        Assert.Contains("Item 9", Assert.Throws<ArgumentException>(() => Make().EncodeHistory([1, 9])).Message);
        Assert.Throws<InvalidOperationException>(() => new SemanticIdTokenizer(Ids, [4, 3, 2]).EncodeHistory([1], userId: 3));
    }
}
