// Shape of the decoder-only TIGER variant (DecoderOnlyModel): one causal stack of T5 blocks over a user's
// flattened semantic-ID sequence. The blocks, norms, relative position bias and tied output layer are the
// encoder-decoder's (TigerConfig), so the two differ only in how the sequence is laid out and trained.
namespace GenRec.Tiger;

/// <summary>Hyper-parameters of <see cref="DecoderOnlyModel"/>.</summary>
/// <param name="VocabularySize">Token count, from <see cref="SemanticIdTokenizer.VocabularySize"/>.</param>
/// <param name="DModel">Model (embedding) width.</param>
/// <param name="NumHeads">Attention heads per layer.</param>
/// <param name="DKv">Width of one head (the attention inner width is NumHeads · DKv).</param>
/// <param name="DFf">Feed-forward hidden width.</param>
/// <param name="Layers">Causal self-attention layers.</param>
/// <param name="Dropout">Dropout on embeddings, feed-forward hidden units and residual branches.</param>
/// <param name="AttentionDropout">Dropout on attention weights. 0 lets attention run as LibTorch's fused
/// scaled_dot_product_attention kernel (its CPU kernel takes no dropout; see MultiHeadAttention).</param>
/// <param name="RelativeBuckets">T5 relative-position buckets (causal: all of them for the past).</param>
/// <param name="RelativeMaxDistance">Distance from which all positions share the last bucket.</param>
/// <param name="Activation">"relu" or "gelu".</param>
/// <param name="LayerNormEpsilon">RmsNorm epsilon.</param>
public sealed record DecoderOnlyConfig(
    int VocabularySize,
    int DModel = 128,
    int NumHeads = 4,
    int DKv = 32,
    int DFf = 512,
    int Layers = 2,
    double Dropout = 0.1,
    double AttentionDropout = 0.0,
    int RelativeBuckets = 32,
    int RelativeMaxDistance = 128,
    string Activation = "relu",
    double LayerNormEpsilon = 1e-6)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate() => AsBlocks().Validate();

    /// <summary>
    /// The same blocks as a <see cref="TigerConfig"/> (what EncoderLayer, attention and feed-forward read);
    /// attention dropout there is <see cref="AttentionDropout"/>.
    /// </summary>
    public TigerConfig AsBlocks() => new(VocabularySize, DModel, NumHeads, DKv, DFf, EncoderLayers: Layers, DecoderLayers: 1,
        Dropout, RelativeBuckets, RelativeMaxDistance, Activation, LayerNormEpsilon, AttentionDropout: AttentionDropout);
}
