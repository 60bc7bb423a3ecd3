// The contract every sentence-embedding model of GenRec fulfils: texts in, unit-length vectors out.
// TIGER (Rajput et al., NeurIPS 2023) embeds each item's text with a frozen sentence encoder (Sentence-T5,
// 768-d) and quantises those vectors into semantic ids; GenRec's default is MiniLM (384-d), and any other
// width can be plugged in through this interface — nothing downstream may assume a particular width.
namespace GenRec.Text;

/// <summary>
/// A frozen sentence encoder. Implementations must be deterministic (same texts → same vectors) and
/// return L2-normalised rows, so a dot product is a cosine similarity.
/// </summary>
public interface ITextEmbedder
{
    /// <summary>
    /// Names the model and every setting that changes its output (e.g. "all-MiniLM-L6-v2"); embedding caches
    /// use it as part of their key, so two embedders with different outputs must never share an id.
    /// </summary>
    string ModelId { get; }

    /// <summary>Width D of each embedding vector.</summary>
    int Dimension { get; }

    /// <summary>
    /// Embeds <paramref name="texts"/> and returns one contiguous row-major N×D matrix: row i
    /// (<c>result[i*D .. (i+1)*D)</c>) is the unit-length embedding of <c>texts[i]</c>.
    /// A flat array (rather than float[][]) is what the cache writes, what TorchSharp's
    /// <c>torch.tensor(data, N, D)</c> takes without copying row by row, and costs one allocation.
    /// </summary>
    /// <param name="texts">The texts; an empty list gives an empty array.</param>
    /// <param name="progress">Receives the number of texts embedded so far (monotonically increasing, ends at N).</param>
    /// <param name="ct">Cancels between (and, where the runtime allows, inside) batches.</param>
    float[] Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken ct = default);
}
