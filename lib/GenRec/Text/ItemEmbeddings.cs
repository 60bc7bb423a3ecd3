// The embedding matrix of a catalogue: one unit-length vector per item id (TIGER's "semantic" input to
// the RQ-VAE), stored as a flat row-major array so it goes to TorchSharp or a .npy file without copying.
namespace GenRec.Text;

/// <summary>
/// Item vectors: row i of <see cref="Vectors"/> (<c>Vectors[i*Dimension .. (i+1)*Dimension)</c>) belongs to
/// <c>ItemIds[i]</c>.
/// </summary>
public sealed record ItemEmbeddings
{
    private readonly Dictionary<int, int> _rowOfItem;

    /// <summary>Wraps <paramref name="vectors"/> (N×D row-major) for the items <paramref name="itemIds"/>.</summary>
    /// <exception cref="ArgumentException">Sizes disagree or an item id repeats.</exception>
    public ItemEmbeddings(int[] itemIds, int dimension, float[] vectors)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        ArgumentNullException.ThrowIfNull(vectors);
        if (dimension < 1) throw new ArgumentException($"Dimension must be ≥ 1, got {dimension}.", nameof(dimension));
        if ((long)itemIds.Length * dimension != vectors.Length)
            throw new ArgumentException($"{vectors.Length} values do not form {itemIds.Length} rows of {dimension}.", nameof(vectors));
        _rowOfItem = new Dictionary<int, int>(itemIds.Length);
        for (int i = 0; i < itemIds.Length; i++)
            if (!_rowOfItem.TryAdd(itemIds[i], i))
                throw new ArgumentException($"Item id {itemIds[i]} appears twice (rows {_rowOfItem[itemIds[i]]} and {i}).", nameof(itemIds));
        ItemIds = itemIds;
        Dimension = dimension;
        Vectors = vectors;
    }

    /// <summary>Item id of each row.</summary>
    public int[] ItemIds { get; }

    /// <summary>Width D of each vector.</summary>
    public int Dimension { get; }

    /// <summary>All vectors, N×D row-major.</summary>
    public float[] Vectors { get; }

    /// <summary>Number of items N.</summary>
    public int Count => ItemIds.Length;

    /// <summary>Row index of an item id.</summary>
    /// <exception cref="KeyNotFoundException">The id is not in this matrix.</exception>
    public int RowIndex(int itemId) =>
        _rowOfItem.TryGetValue(itemId, out int row) ? row : throw new KeyNotFoundException($"Item id {itemId} has no embedding.");

    /// <summary>The vector of an item id (a view, not a copy).</summary>
    public ReadOnlySpan<float> Row(int itemId) => Vectors.AsSpan(RowIndex(itemId) * Dimension, Dimension);

    /// <summary>
    /// The <paramref name="k"/> items most cosine-similar to <paramref name="itemId"/>, most similar first, the
    /// item itself excluded; ties go to the smaller item id. Exact (a scan of all rows); a zero vector has
    /// similarity 0 to everything.
    /// </summary>
    public IReadOnlyList<(int ItemId, float Similarity)> CosineNeighbours(int itemId, int k)
    {
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), "k must be ≥ 0.");
        int self = RowIndex(itemId), d = Dimension;
        var query = Vectors.AsSpan(self * d, d);
        double queryNorm = Norm(query);

        // Min-heap of the best k so far, keyed so that the worst candidate is on top.
        var heap = new PriorityQueue<(int Id, double Sim), (double Sim, int NegId)>();
        for (int r = 0; r < Count; r++)
        {
            if (r == self) continue;
            var row = Vectors.AsSpan(r * d, d);
            double dot = 0;
            for (int j = 0; j < d; j++) dot += (double)query[j] * row[j];
            double denominator = queryNorm * Norm(row);
            double sim = denominator > 0 ? dot / denominator : 0;
            var key = (sim, -ItemIds[r]);
            if (heap.Count < k) heap.Enqueue((ItemIds[r], sim), key);
            else if (k > 0 && Compare(key, PeekPriority(heap)) > 0) heap.EnqueueDequeue((ItemIds[r], sim), key);
        }
        var best = new List<(int ItemId, float Similarity)>(heap.Count);
        while (heap.Count > 0) { var (id, sim) = heap.Dequeue(); best.Add((id, (float)sim)); }
        best.Reverse(); // the heap yields worst first
        return best;
    }

    private static (double Sim, int NegId) PeekPriority(PriorityQueue<(int Id, double Sim), (double Sim, int NegId)> heap)
    {
        heap.TryPeek(out _, out var priority);
        return priority;
    }

    private static int Compare((double Sim, int NegId) a, (double Sim, int NegId) b) =>
        a.Sim != b.Sim ? a.Sim.CompareTo(b.Sim) : a.NegId.CompareTo(b.NegId);

    private static double Norm(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (float x in v) s += (double)x * x;
        return Math.Sqrt(s);
    }
}
