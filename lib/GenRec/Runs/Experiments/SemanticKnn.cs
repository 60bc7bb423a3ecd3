// The Semantic-KNN baseline of TIGER's cold-start study (Rajput et al., NeurIPS 2023, §4.2): recommend the items
// whose content embedding is nearest, by cosine, to the mean embedding of the user's history — the embeddings
// stage 1 quantizes, so the baseline sees exactly the content TIGER's IDs are made from, and reaches cold items
// as easily as warm ones. History items are never recommended.
using GenRec.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Runs.Experiments;

/// <summary>Nearest items to the mean of a history's embeddings.</summary>
public sealed class SemanticKnn : IDisposable
{
    readonly ItemEmbeddings embeddings;
    readonly Tensor unit;     // (N, D) rows scaled to unit length

    public SemanticKnn(ItemEmbeddings embeddings)
    {
        this.embeddings = embeddings ?? throw new ArgumentNullException(nameof(embeddings));
        // unit rows on the host: torch's normalize would clamp with a temporary Scalar (see KeptScalars)
        unit = torch.tensor(UnitRows(embeddings.Vectors, embeddings.Count, embeddings.Dimension), embeddings.Count, embeddings.Dimension); // (N, D)
    }

    /// <summary>Rows of <paramref name="vectors"/> (n × d) scaled to unit length (a zero row stays zero).</summary>
    static float[] UnitRows(float[] vectors, int n, int d)
    {
        var result = new float[n * d];
        for (var r = 0; r < n; r++)
        {
            var norm = 0.0;
            for (var j = 0; j < d; j++) norm += (double)vectors[r * d + j] * vectors[r * d + j];
            norm = Math.Sqrt(norm);
            for (var j = 0; j < d; j++) result[r * d + j] = norm > 0 ? (float)(vectors[r * d + j] / norm) : 0f;
        }
        return result;
    }

    /// <summary>The <paramref name="k"/> items nearest to each history's mean embedding, nearest first (ties: lower item id).</summary>
    public List<int[]> Recommend(IReadOnlyList<IReadOnlyList<int>> histories, int k, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(histories);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "K must be ≥ 1.");
        var result = new List<int[]>(histories.Count);
        int n = embeddings.Count, d = embeddings.Dimension;
        for (var start = 0; start < histories.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var batch = histories.Skip(start).Take(batchSize).ToList();
            var query = new float[batch.Count * d];
            for (var b = 0; b < batch.Count; b++)
            {
                foreach (var item in batch[b])
                {
                    var row = embeddings.Row(item);
                    for (var j = 0; j < d; j++) query[b * d + j] += row[j];
                }
            }
            var q = torch.tensor(UnitRows(query, batch.Count, d), batch.Count, d);            // (B, D); the mean's direction = the sum's
            var scores = q.matmul(unit.t()).contiguous().data<float>().ToArray();           // (B, N) cosine similarities
            for (var b = 0; b < batch.Count; b++)
            {
                var seen = batch[b].ToHashSet();
                result.Add(Best(scores, b * n, seen, k));
            }
        }
        return result;
    }

    // The k best rows by score (ties: lower item id), skipping seen items: one pass keeping a sorted short list,
    // because sorting all N items per user would cost N log N × users.
    int[] Best(float[] scores, int offset, HashSet<int> seen, int k)
    {
        var best = new List<int>(k + 1);   // row indices, best first
        for (var r = 0; r < embeddings.Count; r++)
        {
            if (seen.Contains(embeddings.ItemIds[r])) continue;
            if (best.Count == k && !Before(r, best[^1])) continue;
            var at = best.Count;
            while (at > 0 && Before(r, best[at - 1])) at--;
            best.Insert(at, r);
            if (best.Count > k) best.RemoveAt(best.Count - 1);
        }
        return [.. best.Select(r => embeddings.ItemIds[r])];

        bool Before(int a, int c) => scores[offset + a] > scores[offset + c] || (scores[offset + a] == scores[offset + c] && embeddings.ItemIds[a] < embeddings.ItemIds[c]);
    }

    public void Dispose() => unit.Dispose();
}
