// SASRec (Kang & McAuley, ICDM 2018): a causal transformer over a user's item sequence whose output at
// position t scores every catalogue item as the item after t.
//
//   items (B, L), left-padded with 0 ─ E[item]·√d + P[position] ─ dropout ─ ×mask
//     ─ Blocks × SasRecBlock (causal) ─ LayerNorm ─ hidden (B, L, D) ─ · E[1..N]ᵀ ─ scores (B, L, N)
//
// Left padding puts the most recent item at the last position whatever the history length, so the learned
// position embedding always means "k steps before the prediction" — the paper's convention. Shorter
// batches (L < MaxLength) are aligned to the end in the same way. The output layer is the input item
// table itself (tied, as in the paper: "shared item embedding"); row 0 (padding) is never scored.
// Padding never influences a real position: keys at padding positions are masked out of attention, and
// padding rows are reset to zero after every block. A padding query may see itself only, so no softmax
// row is ever empty.
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using GenRec.Tiger;
using static TorchSharp.torch;

namespace GenRec.SasRec;

/// <summary>forward(items (B, L) left-padded with 0) → hidden states (B, L, D); <see cref="Scores"/> maps them to item scores.</summary>
public sealed class SasRecModel : nn.Module<Tensor, Tensor>
{
    readonly Embedding itemEmbedding, positionEmbedding;
    readonly SeededDropout embeddingDropout;
    readonly ModuleList<SasRecBlock> blocks = new();
    readonly LayerNorm finalNorm;
    readonly Scalar embeddingScale;   // √D, kept for the model's life (see KeptScalars)
    readonly long[] positionIds;      // 0..MaxLength−1; a host array, so no registered buffer and no per-batch arange

    /// <summary>The configuration this model was built with.</summary>
    public SasRecConfig Config { get; }

    /// <summary>Seed stream of every dropout in the model (the trainer reseeds it at each step).</summary>
    public DropoutRandomness DropoutRandomness { get; } = new();

    /// <summary>Builds the model on the CPU with weights drawn from <paramref name="seed"/>; move it with <c>model.to(device)</c>.</summary>
    public SasRecModel(SasRecConfig config, long seed = 0) : base(nameof(SasRecModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        itemEmbedding = nn.Embedding(config.ItemCount + 1, config.HiddenSize);     // row 0 = padding
        positionEmbedding = nn.Embedding(config.MaxLength, config.HiddenSize);
        embeddingDropout = new SeededDropout(config.Dropout, DropoutRandomness);
        for (var i = 0; i < config.Blocks; i++) blocks.Add(new SasRecBlock(config, DropoutRandomness));
        finalNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEpsilon);
        embeddingScale = KeptScalars.Keep(Math.Sqrt(config.HiddenSize));
        positionIds = [.. Enumerable.Range(0, config.MaxLength).Select(i => (long)i)];
        RegisterComponents();
        InitializeWeights(seed);
    }

    /// <summary>Device of the parameters.</summary>
    public Device Device => itemEmbedding.weight!.device;

    /// <summary>Hidden states (B, L, D) after the last block and the final LayerNorm; L ≤ MaxLength, 0 = padding.</summary>
    public override Tensor forward(Tensor items)
    {
        using var scope = NewDisposeScope();
        var length = items.shape[1];
        if (items.dim() != 2 || length < 1 || length > Config.MaxLength)
            throw new ArgumentException($"Expected item ids (B, L) with 1 ≤ L ≤ {Config.MaxLength}, got shape [{string.Join(", ", items.shape)}].", nameof(items));
        var real = items.ne(KeptScalars.Zero);                                                    // (B, L) bool
        var timeline = real.unsqueeze(-1).to(ScalarType.Float32);                                 // (B, L, 1)
        var positions = tensor(positionIds.AsSpan((int)(Config.MaxLength - length)).ToArray(), device: items.device);   // (L) end-aligned
        var x = itemEmbedding.forward(items).mul(embeddingScale)                                  // (B, L, D) · √D
              .Plus(positionEmbedding.forward(positions).unsqueeze(0));                           // (1, L, D); see KeptScalars
        x = embeddingDropout.forward(x) * timeline;                                               // (B, L, D)
        var bias = AttentionBias(real);                                                           // (B, 1, L, L)
        foreach (var block in blocks) x = block.forward(x, bias, timeline);                       // (B, L, D)
        return finalNorm.forward(x).MoveToOuterDisposeScope();                                    // (B, L, D)
    }

    /// <summary>Scores (…, N) of items 1..N for hidden states (…, D): column j is item j + 1.</summary>
    public Tensor Scores(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var table = itemEmbedding.weight!.narrow(0, 1, Config.ItemCount);                          // (N, D) without padding
        return hidden.matmul(table.t()).MoveToOuterDisposeScope();                                // (…, N)
    }

    /// <summary>Scores (B, N) of the item after the last position of each left-padded history (B, L).</summary>
    public Tensor ScoreNext(Tensor items)
    {
        using var scope = NewDisposeScope();
        var hidden = forward(items);                                                              // (B, L, D)
        return Scores(hidden.select(1, hidden.shape[1] - 1)).MoveToOuterDisposeScope();          // (B, N)
    }

    /// <summary>
    /// Additive bias (B, 1, L, L): 0 where query q may see key k (k ≤ q and k is a real item, or k = q),
    /// <see cref="AttentionMasks.Hidden"/> elsewhere.
    /// </summary>
    public static Tensor AttentionBias(Tensor realMask)
    {
        using var scope = NewDisposeScope();
        var length = realMask.shape[1];
        var causal = ones(length, length, ScalarType.Bool, realMask.device).tril();              // (L, L) k ≤ q
        var diagonal = eye(length, dtype: ScalarType.Bool, device: realMask.device);              // (L, L) k = q
        var visible = causal.unsqueeze(0).logical_and(realMask.unsqueeze(1))                      // (B, L, L)
                            .logical_or(diagonal.unsqueeze(0));
        var bias = zeros(visible.shape, ScalarType.Float32, realMask.device)
                   .masked_fill(visible.logical_not(), KeptScalars.Hidden);                    // (B, L, L)
        return bias.unsqueeze(1).MoveToOuterDisposeScope();                                       // (B, 1, L, L)
    }

    /// <summary>
    /// Seeded initialisation, all normal with mean 0: the item table with std d^−½ (so E·√d and the hidden
    /// states after LayerNorm both have unit-scale entries and initial scores have std ≈ 1), positions with
    /// std 1 (the same scale as the scaled items, so neither drowns the other at the start), linear layers
    /// Glorot (std √(2 / (fan_in + fan_out))) with zero biases; LayerNorms gain 1, bias 0.
    /// </summary>
    void InitializeWeights(long seed)
    {
        using var noGrad = no_grad();
        var generator = new Generator(unchecked((ulong)seed), CPU);
        var d = Config.HiddenSize;
        itemEmbedding.weight!.normal_(0, Math.Pow(d, -0.5), generator);
        positionEmbedding.weight!.normal_(0, 1.0, generator);
        foreach (var block in blocks)
            foreach (var linear in block.Attention.Projections.Concat(block.FeedForward))
            {
                var (fanOut, fanIn) = (linear.weight!.shape[0], linear.weight.shape[1]);
                linear.weight.normal_(0, Math.Sqrt(2.0 / (fanIn + fanOut)), generator);
                linear.bias!.zero_();
            }
    }

    /// <summary>Trainable parameter count.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
