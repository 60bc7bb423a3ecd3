// Shape of the SASRec control model (Kang & McAuley, "Self-Attentive Sequential Recommendation", ICDM 2018):
// item embedding + learned absolute position embedding, a stack of causal self-attention blocks, and
// next-item scores from the dot product with the (tied) item embedding table. Defaults follow the paper's
// setting for the sparse Amazon datasets — width 64, 2 blocks, one head, dropout 0.5, a feed-forward as
// wide as the model — except the history length: 20, the same as TIGER's LeaveOneOutConfig.MaxHistory,
// so both models read exactly the same histories (the paper used 50 on Beauty).
namespace GenRec.SasRec;

/// <summary>Hyper-parameters of <see cref="SasRecModel"/>.</summary>
/// <param name="ItemCount">Catalogue size N (item ids 1..N; id 0 is padding). 0 = not set yet:
/// <see cref="Runs.SasRecRun"/> fills it from the dataset; a model needs it set.</param>
/// <param name="HiddenSize">Width d of embeddings and hidden states.</param>
/// <param name="Blocks">Self-attention blocks.</param>
/// <param name="Heads">Attention heads per block (must divide <paramref name="HiddenSize"/>).</param>
/// <param name="MaxLength">Most recent history items the model reads (positions 0..MaxLength−1).</param>
/// <param name="Dropout">Dropout rate on embeddings, attention weights, feed-forward hidden units and residual branches.</param>
/// <param name="FeedForwardSize">Hidden width of the point-wise feed-forward (paper: = HiddenSize).</param>
/// <param name="LayerNormEpsilon">LayerNorm epsilon.</param>
public sealed record SasRecConfig(
    int ItemCount = 0,
    int HiddenSize = 64,
    int Blocks = 2,
    int Heads = 1,
    int MaxLength = 20,
    double Dropout = 0.5,
    int FeedForwardSize = 64,
    double LayerNormEpsilon = 1e-8)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        Check(ItemCount > 0, nameof(ItemCount), ItemCount, "> 0 (the catalogue size)");
        Check(HiddenSize > 0, nameof(HiddenSize), HiddenSize, "> 0");
        Check(Blocks > 0, nameof(Blocks), Blocks, "> 0");
        Check(Heads > 0 && HiddenSize % Heads == 0, nameof(Heads), Heads, $"> 0 and a divisor of HiddenSize {HiddenSize}");
        Check(MaxLength > 0, nameof(MaxLength), MaxLength, "> 0");
        Check(Dropout is >= 0 and < 1, nameof(Dropout), Dropout, "in [0, 1)");
        Check(FeedForwardSize > 0, nameof(FeedForwardSize), FeedForwardSize, "> 0");
        Check(LayerNormEpsilon > 0, nameof(LayerNormEpsilon), LayerNormEpsilon, "> 0");
    }

    static void Check(bool ok, string name, object value, string expected)
    {
        if (!ok) throw new ArgumentException($"SasRecConfig.{name} = {value}; expected {expected}.", name);
    }
}

/// <summary>Optimisation settings of <see cref="SasRecTrainer"/> (Adam, as in the paper).</summary>
/// <param name="BatchSize">Training windows (one per user, see <see cref="SasRecWindows"/>) per update (paper: 128).</param>
/// <param name="LearningRate">Constant Adam learning rate (paper: 0.001; 0.003 here because the run gets only 20 epochs:
/// on Beauty it reached after 2 epochs the training loss that 0.001 reached after 4, measured).</param>
/// <param name="Beta1">Adam β1 (paper: 0.9).</param>
/// <param name="Beta2">Adam β2 (paper: 0.98).</param>
/// <param name="Epsilon">Adam ε.</param>
/// <param name="GradientClipNorm">Global L2 norm gradients are clipped to (≤ 0: no clipping, as in the paper).</param>
/// <param name="MaxEpochs">Passes over the training windows at most. 20 keeps a Beauty run within ~15 min on 2
/// shared CPU cores (an epoch is ≈ 0.65 TFLOP of output layer, ≈ 20 CPU-seconds, plus ≈ 10 s of validation).</param>
/// <param name="Patience">Stop after this many epochs in a row without a better validation Recall@10.</param>
/// <param name="EvalBatchSize">Users scored together during validation and evaluation.</param>
/// <param name="Seed">Seed of initialisation, data order and dropout.</param>
public sealed record SasRecTrainerConfig(
    int BatchSize = 128,
    double LearningRate = 3e-3,
    double Beta1 = 0.9,
    double Beta2 = 0.98,
    double Epsilon = 1e-8,
    double GradientClipNorm = 0,
    int MaxEpochs = 20,
    int Patience = 5,
    int EvalBatchSize = 512,
    long Seed = 0)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        Check(BatchSize > 0, nameof(BatchSize), BatchSize, "> 0");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "> 0");
        Check(Beta1 is >= 0 and < 1, nameof(Beta1), Beta1, "in [0, 1)");
        Check(Beta2 is >= 0 and < 1, nameof(Beta2), Beta2, "in [0, 1)");
        Check(Epsilon > 0, nameof(Epsilon), Epsilon, "> 0");
        Check(MaxEpochs > 0, nameof(MaxEpochs), MaxEpochs, "> 0");
        Check(Patience > 0, nameof(Patience), Patience, "> 0");
        Check(EvalBatchSize > 0, nameof(EvalBatchSize), EvalBatchSize, "> 0");
    }

    static void Check(bool ok, string name, object value, string expected)
    {
        if (!ok) throw new ArgumentException($"SasRecTrainerConfig.{name} = {value}; expected {expected}.", name);
    }
}
