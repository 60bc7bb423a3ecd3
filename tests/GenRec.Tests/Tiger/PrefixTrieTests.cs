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
    public void Masking_sets_exactly_the_disallowed_scores_to_minus_infinity()
    {
        var trie = new PrefixTrie(Sequences);
        var node = trie.Find([3]);
        // scores for tokens 6..9: allowed after [3] are 7 and 8
        float[] scores = [0.1f, 0.2f, 0.3f, 0.4f];
        trie.MaskDisallowed(scores, node, tokenOffset: 6);
        Assert.Equal([float.NegativeInfinity, 0.2f, 0.3f, float.NegativeInfinity], scores);
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
