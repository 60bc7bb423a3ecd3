using GenRec.Tiger;

namespace GenRec.Tests.Tiger;

public class PrefixTrieTests
{
    static readonly int[][] Sequences = [[3, 7, 10], [3, 8, 10], [3, 8, 11], [4, 7, 10]];

    [Fact]
    public void Allowed_next_tokens_follow_the_valid_sequences()
    {
        var trie = new PrefixTrie(Sequences);
        Assert.Equal(4, trie.Count);
        Assert.Equal(3, trie.SequenceLength);
        Assert.Equal(1 + 2 + 3 + 4, trie.NodeCount);   // root, {3,4}, {3-7,3-8,4-7}, 4 leaves
        Assert.Equal([3, 4], trie.AllowedNext([]));
        Assert.Equal([7, 8], trie.AllowedNext([3]));
        Assert.Equal([7], trie.AllowedNext([4]));
        Assert.Equal([10, 11], trie.AllowedNext([3, 8]));
        Assert.Empty(trie.AllowedNext([5]));            // not a prefix
        Assert.Empty(trie.AllowedNext([3, 7, 10]));     // complete
        Assert.True(trie.Contains([4, 7, 10]));
        Assert.False(trie.Contains([4, 8, 10]));
        Assert.False(trie.Contains([3, 8]));
    }

    [Fact]
    public void Child_tokens_are_the_allowed_continuations_in_ascending_order()
    {
        // beam search walks them in this order so that equal scores keep the lower token first
        var trie = new PrefixTrie(Sequences);
        Assert.Equal([7, 8], trie.ChildTokens(trie.Find([3])).ToArray());
        Assert.Equal([10], trie.ChildTokens(trie.Find([4, 7])).ToArray());
    }

    [Fact]
    public void Built_from_a_tokenizer_it_holds_every_item()
    {
        var tokenizer = TinyTiger.Tokenizer(itemCount: 20);
        var trie = PrefixTrie.FromTokenizer(tokenizer);
        Assert.Equal(20, trie.Count);
        foreach (var (_, tokens) in tokenizer.Items()) Assert.True(trie.Contains(tokens));
    }

    [Fact]
    public void Unequal_lengths_and_duplicates_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new PrefixTrie([[1, 2], [1]]));
        Assert.Throws<ArgumentException>(() => new PrefixTrie([[1, 2], [1, 2]]));
        Assert.Throws<ArgumentException>(() => new PrefixTrie([]));
    }
}
