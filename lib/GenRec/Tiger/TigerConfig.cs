// Shape of TIGER's sequence-to-sequence model. Defaults are the paper's (Rajput et al., 2023, §4.1):
// 4 encoder + 4 decoder layers, 6 heads of width 64, model width 128, feed-forward width 1024, ReLU,
// dropout 0.1, T5 relative positions (32 buckets, max distance 128), input and output embeddings shared.
namespace GenRec.Tiger;

/// <summary>Hyper-parameters of <see cref="TigerModel"/>.</summary>
/// <param name="VocabularySize">Token count, from <see cref="SemanticIdTokenizer.VocabularySize"/>.</param>
/// <param name="DModel">Model (embedding) width.</param>
/// <param name="NumHeads">Attention heads per layer.</param>
/// <param name="DKv">Width of one head; the attention inner width is NumHeads · DKv (need not equal DModel).</param>
/// <param name="DFf">Feed-forward hidden width.</param>
/// <param name="EncoderLayers">Encoder layers.</param>
/// <param name="DecoderLayers">Decoder layers.</param>
/// <param name="Dropout">Dropout rate on embeddings, attention weights, feed-forward hidden units and residual branches.</param>
/// <param name="RelativeBuckets">T5 relative-position buckets.</param>
/// <param name="RelativeMaxDistance">Distance from which all positions share the last bucket.</param>
/// <param name="Activation">"relu" (paper) or "gelu".</param>
/// <param name="LayerNormEpsilon">RmsNorm epsilon.</param>
/// <param name="AttentionDropout">Dropout on attention weights; null = <paramref name="Dropout"/> (T5, the paper).
/// 0 lets attention run as LibTorch's fused scaled_dot_product_attention (see MultiHeadAttention).</param>
public sealed record TigerConfig(
    int VocabularySize,
    int DModel = 128,
    int NumHeads = 6,
    int DKv = 64,
    int DFf = 1024,
    int EncoderLayers = 4,
    int DecoderLayers = 4,
    double Dropout = 0.1,
    int RelativeBuckets = 32,
    int RelativeMaxDistance = 128,
    string Activation = "relu",
    double LayerNormEpsilon = 1e-6,
    double? AttentionDropout = null)
{
    /// <summary>The attention-weight dropout in effect.</summary>
    public double AttentionDropoutRate => AttentionDropout ?? Dropout;

    /// <summary>The paper's configuration for a tokenizer's vocabulary.</summary>
    public static TigerConfig ForTokenizer(SemanticIdTokenizer tokenizer) => new(tokenizer.VocabularySize);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        Check(VocabularySize > SemanticIdTokenizer.SpecialTokens, nameof(VocabularySize), VocabularySize, $"> {SemanticIdTokenizer.SpecialTokens}");
        Check(DModel > 0, nameof(DModel), DModel, "> 0");
        Check(NumHeads > 0, nameof(NumHeads), NumHeads, "> 0");
        Check(DKv > 0, nameof(DKv), DKv, "> 0");
        Check(DFf > 0, nameof(DFf), DFf, "> 0");
        Check(EncoderLayers > 0, nameof(EncoderLayers), EncoderLayers, "> 0");
        Check(DecoderLayers > 0, nameof(DecoderLayers), DecoderLayers, "> 0");
        Check(Dropout is >= 0 and < 1, nameof(Dropout), Dropout, "in [0, 1)");
        Check(RelativeBuckets >= 4, nameof(RelativeBuckets), RelativeBuckets, "≥ 4");
        Check(RelativeMaxDistance > RelativeBuckets / 2, nameof(RelativeMaxDistance), RelativeMaxDistance, "> RelativeBuckets / 2");
        Check(Activation is "relu" or "gelu", nameof(Activation), Activation, "'relu' or 'gelu'");
        Check(LayerNormEpsilon > 0, nameof(LayerNormEpsilon), LayerNormEpsilon, "> 0");
        Check(AttentionDropoutRate is >= 0 and < 1, nameof(AttentionDropout), AttentionDropoutRate, "in [0, 1)");
    }

    static void Check(bool ok, string name, object value, string expected)
    {
        if (!ok) throw new ArgumentException($"TigerConfig.{name} = {value}; expected {expected}.", name);
    }
}
