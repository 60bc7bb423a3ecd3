// Turns items and user histories into the token ids TIGER's encoder-decoder reads and writes
// (Rajput et al., NeurIPS 2023, §3.2). An item's semantic ID is a tuple of codes (c_0, …, c_{L-1}), one per
// quantizer level plus an optional de-duplication level; each level gets its own slice of the vocabulary,
// so code 5 at level 0 and code 5 at level 1 are different tokens (the model must know which level it is
// predicting). Vocabulary layout:
//
//   0 PAD | 1 EOS | 2 BOS (decoder start) | level 0 codes | level 1 codes | … | level L-1 codes | user buckets
//
// A history is encoded as [user token?] item_1 tokens … item_n tokens EOS (oldest first, the last
// `maxItems` items) for the encoder, and as [user token?] BOS item_1 tokens … item_n tokens for the
// decoder-only variant (EncodeSequence). The paper prepends a user token hashed into 2000 buckets; here that
// is optional.
// Targets are exactly L tokens (no EOS): every valid ID has the same length, so the decoder always runs L
// steps and an end marker would carry no information.
namespace GenRec.Tiger;

/// <summary>Item ↔ token mapping with per-level vocabulary offsets and optional hashed user tokens.</summary>
public sealed class SemanticIdTokenizer
{
    /// <summary>Padding token (source padding; ignored by the loss).</summary>
    public const int Pad = 0;
    /// <summary>End of the source sequence.</summary>
    public const int Eos = 1;
    /// <summary>Decoder start token: the decoder input is [BOS, c_0, …, c_{L-2}].</summary>
    public const int Bos = 2;
    /// <summary>Number of special tokens before the first code token.</summary>
    public const int SpecialTokens = 3;

    readonly int[] codebookSizes;
    readonly int[] levelOffsets;
    readonly int[]?[] itemTokens;          // item id → its L tokens (null: no semantic ID for that id)
    readonly Dictionary<long, int> itemByCodeKey = [];

    /// <summary>Number of tokens per item (levels of the semantic ID, de-dup level included).</summary>
    public int Levels => codebookSizes.Length;
    /// <summary>Codebook size of each level.</summary>
    public IReadOnlyList<int> CodebookSizes => codebookSizes;
    /// <summary>Number of hashed user buckets (0: no user token).</summary>
    public int UserBuckets { get; }
    /// <summary>First user-bucket token (user token = this + userId mod UserBuckets).</summary>
    public int UserTokenOffset { get; }
    /// <summary>Total number of token ids (the model's vocabulary size).</summary>
    public int VocabularySize { get; }
    /// <summary>Number of item ids covered (valid item ids are below this), i.e. the length of the input array.</summary>
    public int ItemIdLimit => itemTokens.Length;
    /// <summary>Number of items that have a semantic ID.</summary>
    public int ItemCount => itemByCodeKey.Count;

    /// <param name="semanticIds">Codes per item, indexed by item id; a null row means "no item with this id"
    /// (e.g. index 0 when ids are 1-based). Every non-null row has one code per level.</param>
    /// <param name="codebookSizes">Codebook size of each level, including a de-duplication level if any.</param>
    /// <param name="userBuckets">Hashed user-token buckets (the paper uses 2000); 0 disables user tokens.</param>
    public SemanticIdTokenizer(IReadOnlyList<int[]?> semanticIds, IReadOnlyList<int> codebookSizes, int userBuckets = 0)
    {
        ArgumentNullException.ThrowIfNull(semanticIds);
        ArgumentNullException.ThrowIfNull(codebookSizes);
        if (codebookSizes.Count == 0) throw new ArgumentException("At least one codebook level is required.", nameof(codebookSizes));
        if (userBuckets < 0) throw new ArgumentOutOfRangeException(nameof(userBuckets), userBuckets, "User buckets must be ≥ 0.");
        this.codebookSizes = [.. codebookSizes];
        levelOffsets = new int[Levels];
        long offset = SpecialTokens, keySpace = 1;
        for (var l = 0; l < Levels; l++)
        {
            if (this.codebookSizes[l] < 1)
                throw new ArgumentException($"Codebook size of level {l} is {this.codebookSizes[l]}; expected ≥ 1.", nameof(codebookSizes));
            levelOffsets[l] = checked((int)offset);
            offset += this.codebookSizes[l];
            keySpace = checked(keySpace * this.codebookSizes[l]);  // the code-tuple key must fit in a long
        }
        UserBuckets = userBuckets;
        UserTokenOffset = checked((int)offset);
        VocabularySize = checked((int)(offset + userBuckets));

        itemTokens = new int[]?[semanticIds.Count];
        for (var item = 0; item < semanticIds.Count; item++)
        {
            var codes = semanticIds[item];
            if (codes is null) continue;
            if (codes.Length != Levels)
                throw new ArgumentException(
                    $"Semantic ID of item {item} has {codes.Length} codes; expected {Levels} (one per codebook size).", nameof(semanticIds));
            var tokens = new int[Levels];
            for (var l = 0; l < Levels; l++)
            {
                if (codes[l] < 0 || codes[l] >= this.codebookSizes[l])
                    throw new ArgumentException(
                        $"Code {codes[l]} at level {l} of item {item} is outside [0, {this.codebookSizes[l]}).", nameof(semanticIds));
                tokens[l] = levelOffsets[l] + codes[l];
            }
            var key = CodeKey(codes);
            if (!itemByCodeKey.TryAdd(key, item))
                throw new ArgumentException(
                    $"Items {itemByCodeKey[key]} and {item} share the semantic ID ({string.Join(", ", codes)}); " +
                    "semantic IDs must be unique (add a de-duplication level).", nameof(semanticIds));
            itemTokens[item] = tokens;
        }
        if (itemByCodeKey.Count == 0) throw new ArgumentException("No item has a semantic ID.", nameof(semanticIds));
    }

    /// <summary>First token id of level <paramref name="level"/>.</summary>
    public int LevelOffset(int level) => levelOffsets[level];

    /// <summary>Level a token belongs to, or −1 for special and user tokens.</summary>
    public int LevelOf(int token)
    {
        for (var l = 0; l < Levels; l++)
            if (token >= levelOffsets[l] && token < levelOffsets[l] + codebookSizes[l]) return l;
        return -1;
    }

    /// <summary>True when <paramref name="itemId"/> has a semantic ID.</summary>
    public bool HasItem(int itemId) => itemId >= 0 && itemId < itemTokens.Length && itemTokens[itemId] is not null;

    /// <summary>The L tokens of an item (a copy); throws for an id without a semantic ID.</summary>
    public int[] EncodeItem(int itemId) => (int[])Tokens(itemId).Clone();

    /// <summary>Item ids with a semantic ID, ascending, each with its L tokens.</summary>
    public IEnumerable<(int ItemId, int[] Tokens)> Items()
    {
        for (var item = 0; item < itemTokens.Length; item++)
            if (itemTokens[item] is { } tokens) yield return (item, (int[])tokens.Clone());
    }

    /// <summary>The user's bucket token (userId mod UserBuckets, non-negative).</summary>
    public int UserToken(int userId)
    {
        if (UserBuckets == 0) throw new InvalidOperationException("This tokenizer was built without user buckets (userBuckets = 0).");
        return UserTokenOffset + (int)(((long)userId % UserBuckets + UserBuckets) % UserBuckets);
    }

    /// <summary>Longest source sequence <see cref="EncodeHistory"/> can return for <paramref name="maxItems"/>.</summary>
    public int MaxSourceLength(int maxItems, bool withUserToken) => (withUserToken ? 1 : 0) + maxItems * Levels + 1;

    /// <summary>
    /// Source tokens for a history: [user token if <paramref name="userId"/> is given] + the tokens of the
    /// most recent <paramref name="maxItems"/> items, oldest first + EOS.
    /// </summary>
    public int[] EncodeHistory(IReadOnlyList<int> itemIds, int maxItems = 20, int? userId = null)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        if (maxItems < 1) throw new ArgumentOutOfRangeException(nameof(maxItems), maxItems, "maxItems must be ≥ 1.");
        var start = Math.Max(0, itemIds.Count - maxItems);
        var kept = itemIds.Count - start;
        var result = new int[(userId is null ? 0 : 1) + kept * Levels + 1];
        var p = 0;
        if (userId is int user) result[p++] = UserToken(user);
        for (var i = start; i < itemIds.Count; i++)
        {
            Tokens(itemIds[i]).CopyTo(result, p);
            p += Levels;
        }
        result[p] = Eos;
        return result;
    }

    /// <summary>
    /// A flattened sequence for the decoder-only model: [user token if <paramref name="userId"/> is given] BOS, then the
    /// tokens of the most recent <paramref name="maxItems"/> items, oldest first — no EOS, because the next item's
    /// tokens follow directly (in training they do; in generation the model writes them).
    /// </summary>
    public int[] EncodeSequence(IReadOnlyList<int> itemIds, int maxItems = 20, int? userId = null)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        if (maxItems < 1) throw new ArgumentOutOfRangeException(nameof(maxItems), maxItems, "maxItems must be ≥ 1.");
        var start = Math.Max(0, itemIds.Count - maxItems);
        var result = new int[(userId is null ? 0 : 1) + 1 + (itemIds.Count - start) * Levels];
        var p = 0;
        if (userId is int user) result[p++] = UserToken(user);
        result[p++] = Bos;
        for (var i = start; i < itemIds.Count; i++)
        {
            Tokens(itemIds[i]).CopyTo(result, p);
            p += Levels;
        }
        return result;
    }

    /// <summary>Item whose semantic ID is exactly these L tokens, or null (wrong length, a token outside its
    /// level's range, or a code tuple no item has).</summary>
    public int? DecodeItem(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length != Levels) return null;
        long key = 0;
        for (var l = 0; l < Levels; l++)
        {
            var code = tokens[l] - levelOffsets[l];
            if (code < 0 || code >= codebookSizes[l]) return null;
            key = key * codebookSizes[l] + code;
        }
        return itemByCodeKey.TryGetValue(key, out var item) ? item : null;
    }

    int[] Tokens(int itemId) =>
        HasItem(itemId) ? itemTokens[itemId]! :
        throw new ArgumentException($"Item {itemId} has no semantic ID (valid ids are below {itemTokens.Length} and not null).");

    long CodeKey(int[] codes)
    {
        long key = 0;
        for (var l = 0; l < Levels; l++) key = key * codebookSizes[l] + codes[l];
        return key;
    }
}
