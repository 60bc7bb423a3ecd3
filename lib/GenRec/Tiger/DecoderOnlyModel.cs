// TIGER's decoder-only variant: one causal stack of T5 blocks over a user's flattened semantic-ID sequence,
// items in order and each item's codes level by level. The paper's model (TigerModel) encodes a history and
// decodes ONE next item per pass; this one is a language model over the whole sequence, so a single pass
// trains the next-token prediction at every position — every item of the history is a target at once, the
// way SASRec trains (DecoderOnlyObjective). Blocks, relative position bias, RmsNorm, T5 initialisation and the
// tied output layer are the encoder-decoder's; only the layout differs.
//
//   tokens (B, T) = [user?] BOS c(i₁,0) … c(i₁,L−1) c(i₂,0) … ─ embed ─ causal T5 blocks ─ RmsNorm ─ ·Eᵀ/√d ─ (B, T, V)
//
// Generation (DecoderOnlySession): histories are LEFT-padded so every row ends in the same column; one pass
// over them caches every layer's keys and values, then each beam step feeds one token per beam, which attends
// to its source's cached history (shared by all its beams, never copied) and to its own generated tokens
// (a small per-beam cache, reordered as beams are pruned). Relative positions make left padding harmless:
// only distances between tokens matter, and padded keys are masked.
using System.Globalization;
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>forward(tokens (B, T), right-padded) → next-token logits (B, T, V).</summary>
public sealed class DecoderOnlyModel : nn.Module<Tensor, Tensor>, IGenerativeRetriever
{
    readonly Embedding shared;
    readonly ModuleList<EncoderLayer> layers = new();
    readonly RelativePositionBias relativeBias;
    readonly RmsNorm finalNorm;
    readonly SeededDropout dropout;
    readonly Scalar outputScale;   // kept for the module's life: see KeptScalars

    /// <summary>The configuration this model was built with.</summary>
    public DecoderOnlyConfig Config { get; }

    /// <summary>Builds the model on the CPU with T5's initialisation drawn from <paramref name="seed"/>.</summary>
    public DecoderOnlyModel(DecoderOnlyConfig config, long seed = 0) : base(nameof(DecoderOnlyModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        var blocks = config.AsBlocks();
        shared = nn.Embedding(config.VocabularySize, config.DModel);
        for (var i = 0; i < config.Layers; i++) layers.Add(new EncoderLayer(blocks, DropoutRandomness));
        relativeBias = new RelativePositionBias(config.NumHeads, bidirectional: false, config.RelativeBuckets, config.RelativeMaxDistance);
        finalNorm = new RmsNorm(config.DModel, config.LayerNormEpsilon);
        dropout = new SeededDropout(config.Dropout, DropoutRandomness);
        outputScale = KeptScalars.Keep(Math.Pow(config.DModel, -0.5));
        RegisterComponents();

        var init = new T5Init(blocks, seed);
        init.Embedding(shared);
        foreach (var layer in layers) { init.Attention(layer.SelfAttention); init.FeedForward(layer.FeedForward); }
        init.RelativeBias(relativeBias);
    }

    /// <summary>Seed stream of every dropout in the model (the trainer reseeds it at each step).</summary>
    public DropoutRandomness DropoutRandomness { get; } = new();

    public string Kind => ModelKinds.DecoderOnly;
    public int VocabularySize => Config.VocabularySize;
    public Device Device => shared.weight!.device;
    public nn.Module Module => this;
    public IReadOnlyList<EncoderLayer> Layers => [.. layers];
    public RelativePositionBias RelativeBias => relativeBias;

    /// <summary>[user token?] BOS, then the tokens of the last <paramref name="maxItems"/> items (no EOS: the next item follows).</summary>
    public int[] EncodeSource(SemanticIdTokenizer tokenizer, IReadOnlyList<int> history, int maxItems, int? userId) =>
        tokenizer.EncodeSequence(history, maxItems, userId);

    public override Tensor forward(Tensor tokens)                                   // (B, T), right-padded
    {
        using var scope = NewDisposeScope();
        var length = (int)tokens.shape[1];
        // Right padding comes after every real token, so the causal mask already hides it from real queries;
        // padded queries see real keys too (never an all-hidden row) and their outputs are never trained.
        var bias = relativeBias.forward(length, length).Plus(AttentionMasks.Causal(length, tokens.device)); // (1, H, T, T)
        var x = dropout.forward(shared.forward(tokens));                            // (B, T, D)
        foreach (var layer in layers) x = layer.forward(x, bias);                   // (B, T, D)
        return Project(dropout.forward(finalNorm.forward(x))).MoveToOuterDisposeScope();   // (B, T, V)
    }

    // tied output layer, T5-scaled for a std-1 embedding table: (…, D) → (…, V)
    Tensor Project(Tensor hidden) => hidden.mul(outputScale).matmul(shared.weight!.t());

    public IDecodingSession BeginDecoding(IReadOnlyList<int[]> sources) => new DecoderOnlySession(this, sources);

    /// <summary>Trainable parameter count.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>Parameter counts per block and in total.</summary>
    public string Summary()
    {
        var c = Config;
        return ModelSummary.Describe(this, string.Create(CultureInfo.InvariantCulture,
            $"DecoderOnlyModel: d_model {c.DModel}, {c.NumHeads} heads × {c.DKv}, d_ff {c.DFf}, {c.Layers} causal layers, " +
            $"vocabulary {c.VocabularySize}, dropout {c.Dropout} (attention {c.AttentionDropout}), {c.Activation}"));
    }

    /// <summary>
    /// Cached decoding (see the file header). The history pass runs every layer on the left-padded sources and
    /// keeps their keys and values; each later step runs one new token per beam.
    /// </summary>
    sealed class DecoderOnlySession : IDecodingSession
    {
        readonly DecoderOnlyModel model;
        readonly Tensor tokens, keyMask;                 // (B, S) left-padded sources and their mask
        readonly List<Tensor> historyKeys = [], historyValues = [], generatedKeys = [], generatedValues = [];
        Tensor? paddingBias;                             // (B, 1, 1, S): padded history keys hidden
        int generated;                                   // tokens fed after the history so far
        readonly int sources, historyLength;

        public DecoderOnlySession(DecoderOnlyModel model, IReadOnlyList<int[]> sourceTokens)
        {
            this.model = model;
            var (padded, mask) = TigerBatching.PadSourcesLeft(sourceTokens, model.Device);
            tokens = padded.DetachFromDisposeScope();   // owned by the session until Dispose
            keyMask = mask.DetachFromDisposeScope();
            sources = (int)tokens.shape[0];
            historyLength = (int)tokens.shape[1];
        }

        public Tensor First()
        {
            using var scope = NewDisposeScope();
            var padding = AttentionMasks.KeyPadding(keyMask);                                   // (B, 1, 1, S)
            var bias = model.relativeBias.forward(historyLength, historyLength)
                .Plus(AttentionMasks.Causal(historyLength, model.Device)).Plus(padding);          // (B, H, S, S)
            var x = model.shared.forward(tokens);                                                // (B, S, D)
            for (var l = 0; l < model.layers.Count; l++)
            {
                var layer = model.layers[l];
                var attention = layer.SelfAttention;
                var h = layer.Norms.Attention.forward(x);                                        // (B, S, D)
                var (keys, values) = attention.ProjectKeysValues(h);                              // (B, H, S, dk)
                // owned by the session until Dispose; contiguous once here so no later step copies them
                historyKeys.Add(keys.contiguous().DetachFromDisposeScope());
                historyValues.Add(values.contiguous().DetachFromDisposeScope());
                var rows = bias;                                                                 // (B, H, S, S)
                if (l == model.layers.Count - 1)
                {
                    // Only the last position's output is read (its next-token logits), and the cache needs this
                    // layer's keys and values only: its queries, attention rows and feed-forward run for one position.
                    h = h.narrow(1, historyLength - 1, 1);                                       // (B, 1, D)
                    x = x.narrow(1, historyLength - 1, 1);                                       // (B, 1, D)
                    rows = bias.narrow(2, historyLength - 1, 1);                                 // (B, H, 1, S)
                }
                var queries = attention.ProjectQueries(h);                                       // (B, H, S or 1, dk)
                var weights = queries.matmul(keys.transpose(-1, -2)).Plus(rows).softmax(-1);     // (B, H, S or 1, S), unscaled (T5)
                x = x.Plus(attention.ProjectOutput(Merge(weights.matmul(values))));               // (B, S or 1, D)
                x = x.Plus(layer.FeedForward.forward(layer.Norms.FeedForward.forward(x)));       // (B, S or 1, D)
            }
            paddingBias = padding.DetachFromDisposeScope();                                      // (B, 1, 1, S)
            var last = model.finalNorm.forward(x.select(1, x.shape[1] - 1));                    // (B, D)
            return model.Project(last).MoveToOuterDisposeScope();                                // (B, V)
        }

        public Tensor Next(long[] parents, long[] nextTokens)
        {
            if (paddingBias is null) throw new InvalidOperationException("Call First() before Next().");
            ArgumentNullException.ThrowIfNull(parents);
            ArgumentNullException.ThrowIfNull(nextTokens);
            var rows = parents.Length;
            if (nextTokens.Length != rows || rows % sources != 0)
                throw new ArgumentException($"{rows} parents and {nextTokens.Length} tokens for {sources} sources; expected the same multiple of the sources.");
            var width = rows / sources;
            using var scope = NewDisposeScope();
            var device = model.Device;
            var parentRows = tensor(parents, device: device);                                    // (N)
            var position = historyLength + generated;                                            // column of the new token
            var historyBias = model.relativeBias.ForQuery(position, 0, historyLength)            // (1, H, 1, S)
                .Plus(paddingBias);                                                              // (B, H, 1, S)
            var t = generated + 1;                                                               // tokens of each beam's own cache after this one
            var ownBias = model.relativeBias.ForQuery(position, historyLength, t);               // (1, H, 1, t)
            var x = model.shared.forward(tensor(nextTokens, [rows, 1], device: device));         // (N, 1, D)
            for (var l = 0; l < model.layers.Count; l++)
            {
                var layer = model.layers[l];
                var attention = layer.SelfAttention;
                var h = layer.Norms.Attention.forward(x);                                        // (N, 1, D)
                var query = attention.ProjectQueries(h);                                         // (N, H, 1, dk)
                var (key, value) = attention.ProjectKeysValues(h);                               // (N, H, 1, dk)
                var ownKeys = generated == 0 ? key : cat([generatedKeys[l].index_select(0, parentRows), key], 2);       // (N, H, t, dk)
                var ownValues = generated == 0 ? value : cat([generatedValues[l].index_select(0, parentRows), value], 2); // (N, H, t, dk)
                if (generated > 0) { generatedKeys[l].Dispose(); generatedValues[l].Dispose(); }

                // The W beams of a source share its history keys. Their queries become the W query rows of one
                // (B, H, W, dk) × (B, H, dk, S) product, which reads the cache in place; a broadcast axis instead
                // ((B, W, H, 1, dk) × (B, 1, H, dk, S)) makes matmul expand — copy — the cache W times per layer.
                var heads = attention.NumHeads;
                var headDim = attention.HeadDim;
                var beamQueries = query.view(sources, width, heads, headDim).transpose(1, 2);    // (B, H, W, dk)
                var historyScores = beamQueries.matmul(historyKeys[l].transpose(-1, -2))          // (B, H, W, S)
                    .Plus(historyBias);
                var ownScores = query.matmul(ownKeys.transpose(-1, -2)).Plus(ownBias)             // (N, H, 1, t)
                    .view(sources, width, heads, t).transpose(1, 2);                             // (B, H, W, t)
                var weights = cat([historyScores, ownScores], -1).softmax(-1);                    // (B, H, W, S + t)
                var historyContext = weights.narrow(-1, 0, historyLength).matmul(historyValues[l]) // (B, H, W, dk)
                    .transpose(1, 2).reshape(rows, heads, 1, headDim);                           // (N, H, 1, dk)
                var ownWeights = weights.narrow(-1, historyLength, t).transpose(1, 2)            // (B, W, H, t)
                    .reshape(rows, heads, 1, t);                                                 // (N, H, 1, t)
                var context = historyContext.Plus(ownWeights.matmul(ownValues));                  // (N, H, 1, dk)
                x = x.Plus(attention.ProjectOutput(Merge(context)));                               // (N, 1, D)
                x = x.Plus(layer.FeedForward.forward(layer.Norms.FeedForward.forward(x)));        // (N, 1, D)

                // the grown caches are owned by the session until the next step replaces them (or Dispose)
                var keptKeys = ownKeys.DetachFromDisposeScope();
                var keptValues = ownValues.DetachFromDisposeScope();
                if (generated == 0) { generatedKeys.Add(keptKeys); generatedValues.Add(keptValues); }
                else { generatedKeys[l] = keptKeys; generatedValues[l] = keptValues; }
            }
            generated++;
            var hidden = model.finalNorm.forward(x.select(1, 0));                                // (N, D)
            return model.Project(hidden).MoveToOuterDisposeScope();                              // (N, V)
        }

        static Tensor Merge(Tensor context)                                                      // (B, H, T, dk)
            => context.transpose(1, 2).reshape(context.shape[0], context.shape[2], context.shape[1] * context.shape[3]); // (B, T, H·dk)

        public void Dispose()
        {
            tokens.Dispose();
            keyMask.Dispose();
            paddingBias?.Dispose();
            foreach (var t in historyKeys.Concat(historyValues).Concat(generatedKeys).Concat(generatedValues)) t.Dispose();
        }
    }
}
