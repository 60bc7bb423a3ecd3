// TIGER's semantic IDs: the L codes of every item plus one extra "de-duplication" position (§3.1 of the
// paper): items sharing a full tuple get 0, 1, 2, … in item-id order, items with a tuple of their own
// get 0, so every item's (L + 1)-token ID is distinct.
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Quantization;

/// <summary>One group of items sharing a code tuple.</summary>
public sealed record CollisionGroup(int[] Codes, int[] ItemIds);

/// <summary>All groups of ≥ 2 items that share a tuple, largest first (ties: lexicographic tuple order).</summary>
public sealed record CollisionReport(IReadOnlyList<CollisionGroup> Groups, int ItemCount)
{
    /// <summary>Items that share their tuple with at least one other item.</summary>
    public int CollidingItems => Groups.Sum(g => g.ItemIds.Length);
    /// <summary>Size of the largest group (1 when there are no collisions, 0 for no items).</summary>
    public int LargestGroup => Groups.Count > 0 ? Groups[0].ItemIds.Length : ItemCount > 0 ? 1 : 0;
}

/// <summary>Semantic IDs of a catalogue: item ids, L codes per item and the de-dup position.</summary>
public sealed class SemanticIds
{
    /// <summary>Item ids, one per row (any order; de-dup numbering follows increasing item id).</summary>
    public int[] ItemIds { get; }
    /// <summary>(N, L) codes.</summary>
    public int[,] Codes { get; }
    /// <summary>De-duplication position per row.</summary>
    public int[] Dedup { get; }
    /// <summary>K of the quantizer that produced the codes.</summary>
    public int CodebookSize { get; }

    public int Count => ItemIds.Length;
    public int Levels => Codes.GetLength(1);

    private SemanticIds(int[] itemIds, int[,] codes, int[] dedup, int codebookSize)
    {
        ItemIds = itemIds;
        Codes = codes;
        Dedup = dedup;
        CodebookSize = codebookSize;
    }

    /// <summary>Builds IDs from codes (N, L) and computes the de-dup position.</summary>
    public static SemanticIds FromCodes(int[] itemIds, int[,] codes, int codebookSize)
    {
        if (itemIds.Length != codes.GetLength(0))
            throw new ArgumentException($"SemanticIds: {itemIds.Length} item ids but {codes.GetLength(0)} code rows.");
        if (itemIds.Distinct().Count() != itemIds.Length) throw new ArgumentException("SemanticIds: item ids must be distinct.");
        CodebookMetrics.UsagePerLevel(codes, codebookSize); // validates the code range
        return new SemanticIds(itemIds, codes, ComputeDedup(itemIds, codes), codebookSize);
    }

    /// <summary>Builds IDs from an explicit de-dup column (as read from disk); checks it is a valid numbering.</summary>
    public static SemanticIds FromStored(int[] itemIds, int[,] codes, int[] dedup, int codebookSize, string source)
    {
        var ids = FromCodes(itemIds, codes, codebookSize);
        if (!ids.Dedup.SequenceEqual(dedup))
            throw new InvalidDataException($"{source}: the dedup column does not match the codes (expected 0, 1, 2, … per shared tuple in item-id order).");
        return ids;
    }

    /// <summary>Encodes <paramref name="embeddings"/> (N, InputDim; row i = itemIds[i]) with a trained RQ-VAE.</summary>
    public static SemanticIds FromModel(RqVae model, Tensor embeddings, int[] itemIds)
    {
        using var codes = model.Encode(embeddings);
        return FromCodes(itemIds, ToArray(codes), model.Config.CodebookSize);
    }

    /// <summary>Encodes with any quantizer in eval mode (e.g. residual k-means on raw embeddings).</summary>
    public static SemanticIds FromQuantizer(IQuantizer quantizer, Tensor vectors, int[] itemIds)
    {
        return EvalMode.Run((nn.Module)quantizer, () =>
        {
            using var output = quantizer.forward(vectors);
            return FromCodes(itemIds, ToArray(output.Codes), quantizer.CodebookSize);
        });
    }

    /// <summary>(N, L) int64 tensor → int[N, L].</summary>
    public static int[,] ToArray(Tensor codes)
    {
        using var cpu = codes.to_type(ScalarType.Int64).cpu().contiguous();
        var flat = cpu.data<long>().ToArray();
        int n = (int)codes.shape[0], levels = (int)codes.shape[1];
        var r = new int[n, levels];
        for (int i = 0; i < n; i++)
            for (int l = 0; l < levels; l++)
                r[i, l] = checked((int)flat[i * levels + l]);
        return r;
    }

    /// <summary>The (L + 1)-token ID of row <paramref name="row"/>: codes then de-dup.</summary>
    public int[] FullId(int row)
    {
        var id = new int[Levels + 1];
        for (int l = 0; l < Levels; l++) id[l] = Codes[row, l];
        id[Levels] = Dedup[row];
        return id;
    }

    /// <summary>Groups of items sharing a tuple, largest first.</summary>
    public CollisionReport Collisions()
    {
        var groups = Enumerable.Range(0, Count)
            .GroupBy(r => TupleKey.Of(Codes, r, Levels))
            .Where(g => g.Count() > 1)
            .Select(g => new CollisionGroup(FullId(g.First())[..Levels], g.Select(r => ItemIds[r]).Order().ToArray()))
            .OrderByDescending(g => g.ItemIds.Length)
            .ThenBy(g => g.Codes, TupleComparer.Instance)
            .ToList();
        return new CollisionReport(groups, Count);
    }

    private static int[] ComputeDedup(int[] itemIds, int[,] codes)
    {
        int levels = codes.GetLength(1);
        var dedup = new int[itemIds.Length];
        var next = new Dictionary<TupleKey, int>();
        foreach (int row in Enumerable.Range(0, itemIds.Length).OrderBy(r => itemIds[r]))
        {
            var key = TupleKey.Of(codes, row, levels);
            int k = next.GetValueOrDefault(key);
            dedup[row] = k;
            next[key] = k + 1;
        }
        return dedup;
    }

    private sealed class TupleComparer : IComparer<int[]>
    {
        public static readonly TupleComparer Instance = new();
        public int Compare(int[]? a, int[]? b)
        {
            for (int i = 0; i < Math.Min(a!.Length, b!.Length); i++)
                if (a[i] != b[i]) return a[i].CompareTo(b[i]);
            return a.Length.CompareTo(b.Length);
        }
    }
}
