// Prefix tree over all valid semantic IDs (as token tuples), for constrained decoding: after a decoded
// prefix, only tokens that continue some real item's ID are allowed, so beam search can never produce an
// ID that maps to no item (TIGER §4.4 discusses the invalid IDs an unconstrained decoder produces).
// Nodes are stored in flat arrays; each node's children are sorted by token so that "allowed next tokens"
// comes out in a deterministic order.
namespace GenRec.Tiger;

/// <summary>Trie of valid token sequences, all of the same length.</summary>
public sealed class PrefixTrie
{
    /// <summary>The root node (empty prefix).</summary>
    public const int Root = 0;

    readonly List<SortedDictionary<int, int>> building = [];
    readonly int[][] childTokens;   // node → sorted tokens that may follow
    readonly int[][] childNodes;    // node → child node for each token in childTokens
    readonly int[] depth;

    /// <summary>Length of every sequence in the trie.</summary>
    public int SequenceLength { get; }
    /// <summary>Number of sequences (leaves).</summary>
    public int Count { get; }
    /// <summary>Number of nodes, root included.</summary>
    public int NodeCount => childTokens.Length;

    /// <summary>Builds the trie; all sequences must have the same length and be distinct.</summary>
    public PrefixTrie(IEnumerable<int[]> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        building.Add([]);
        var depths = new List<int> { 0 };
        var length = -1;
        foreach (var sequence in sequences)
        {
            if (sequence is null || sequence.Length == 0) throw new ArgumentException("A sequence is null or empty.", nameof(sequences));
            if (length < 0) length = sequence.Length;
            else if (sequence.Length != length)
                throw new ArgumentException($"Sequence ({string.Join(", ", sequence)}) has length {sequence.Length}; expected {length}.", nameof(sequences));
            var node = Root;
            var created = false;
            for (var i = 0; i < sequence.Length; i++)
            {
                if (!building[node].TryGetValue(sequence[i], out var child))
                {
                    child = building.Count;
                    building.Add([]);
                    depths.Add(i + 1);
                    building[node][sequence[i]] = child;
                    created = true;
                }
                node = child;
            }
            if (!created) throw new ArgumentException($"Sequence ({string.Join(", ", sequence)}) occurs twice.", nameof(sequences));
            Count++;
        }
        if (length < 0) throw new ArgumentException("No sequences.", nameof(sequences));
        SequenceLength = length;
        childTokens = building.Select(d => d.Keys.ToArray()).ToArray();
        childNodes = building.Select(d => d.Values.ToArray()).ToArray();
        depth = [.. depths];
        building.Clear();
    }

    /// <summary>The trie of all items of a tokenizer.</summary>
    public static PrefixTrie FromTokenizer(SemanticIdTokenizer tokenizer) =>
        new(tokenizer.Items().Select(item => item.Tokens));

    /// <summary>
    /// The trie a decoder over <paramref name="tokenizer"/>'s IDs uses: <paramref name="trie"/> when given (checked to
    /// hold sequences of the tokenizer's length), else <see cref="FromTokenizer"/>.
    /// </summary>
    public static PrefixTrie ForTokenizer(SemanticIdTokenizer tokenizer, PrefixTrie? trie)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        trie ??= FromTokenizer(tokenizer);
        if (trie.SequenceLength != tokenizer.Levels)
            throw new ArgumentException($"Trie sequences have length {trie.SequenceLength}; the tokenizer has {tokenizer.Levels} levels.");
        return trie;
    }

    /// <summary>Tokens allowed after <paramref name="prefix"/> (sorted ascending); empty when the prefix is
    /// not a prefix of any sequence or is already complete.</summary>
    public IReadOnlyList<int> AllowedNext(ReadOnlySpan<int> prefix)
    {
        var node = Find(prefix);
        return node < 0 ? [] : childTokens[node];
    }

    /// <summary>Node reached by <paramref name="prefix"/>, or −1 when it leaves the trie.</summary>
    public int Find(ReadOnlySpan<int> prefix)
    {
        var node = Root;
        foreach (var token in prefix)
        {
            node = Child(node, token);
            if (node < 0) return -1;
        }
        return node;
    }

    /// <summary>Child of <paramref name="node"/> along <paramref name="token"/>, or −1.</summary>
    public int Child(int node, int token)
    {
        var i = Array.BinarySearch(childTokens[node], token);
        return i >= 0 ? childNodes[node][i] : -1;
    }

    /// <summary>Sorted tokens allowed after the prefix that leads to <paramref name="node"/>.</summary>
    public ReadOnlySpan<int> ChildTokens(int node) => childTokens[node];

    /// <summary>Prefix length of <paramref name="node"/>.</summary>
    public int Depth(int node) => depth[node];

    /// <summary>True when <paramref name="sequence"/> is one of the sequences.</summary>
    public bool Contains(ReadOnlySpan<int> sequence) => sequence.Length == SequenceLength && Find(sequence) >= 0;
}
