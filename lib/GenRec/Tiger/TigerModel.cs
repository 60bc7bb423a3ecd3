// TIGER's sequence-to-sequence model (Rajput et al., NeurIPS 2023, §3.2): a T5-style encoder-decoder
// (Raffel et al., 2020) that reads a user's history as semantic-ID tokens and generates the next item's
// semantic ID token by token. One embedding table is shared by encoder input, decoder input and the
// output layer (T5's tied embeddings); as in T5, the decoder output is scaled by d_model^−½ before the
// tied projection, because the table is initialised with std 1.
//
//   source (B, S) ─ embed ─ TigerEncoder ─ memory (B, S, D) ──────────┐
//   decoder input (N, T) = [BOS, c_0 … c_{T−2}] ─ embed ─ TigerDecoder ┴─ (N, T, D) ─ ·Eᵀ ─ logits (N, T, V)
//
// N = B for training, N = B·W during beam search (W beams per source, contiguous; see DecoderLayer).
using System.Globalization;
using System.Text;
using GenRec.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>forward(source (B, S), source mask (B, S), decoder input (N, T)) → logits (N, T, V).</summary>
public sealed class TigerModel : nn.Module<Tensor, Tensor, Tensor, Tensor>, IGenerativeRetriever
{
    readonly Embedding shared;
    readonly TigerEncoder encoder;
    readonly TigerDecoder decoder;
    readonly Scalar outputScale;   // d_model^−½, kept for the model's life (see KeptScalars)

    /// <summary>The configuration this model was built with.</summary>
    public TigerConfig Config { get; }

    /// <summary>Builds the model on the CPU with T5's initialisation drawn from <paramref name="seed"/>;
    /// move it with <c>model.to(device)</c>.</summary>
    public TigerModel(TigerConfig config, long seed = 0) : base(nameof(TigerModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        shared = nn.Embedding(config.VocabularySize, config.DModel);
        encoder = new TigerEncoder(config, DropoutRandomness);
        decoder = new TigerDecoder(config, DropoutRandomness);
        outputScale = KeptScalars.Keep(Math.Pow(config.DModel, -0.5));
        RegisterComponents();
        InitializeWeights(seed);
    }

    /// <summary>Seed stream of every dropout in the model (the trainer reseeds it at each step).</summary>
    public DropoutRandomness DropoutRandomness { get; } = new();

    public TigerEncoder Encoder => encoder;
    public TigerDecoder Decoder => decoder;

    /// <summary>Device of the parameters.</summary>
    public Device Device => shared.weight!.device;

    public string Kind => ModelKinds.EncoderDecoder;
    public int VocabularySize => Config.VocabularySize;
    public nn.Module Module => this;

    /// <summary>[user token?] items' tokens EOS (<see cref="SemanticIdTokenizer.EncodeHistory"/>): what the encoder reads.</summary>
    public int[] EncodeSource(SemanticIdTokenizer tokenizer, IReadOnlyList<int> history, int maxItems, int? userId) =>
        tokenizer.EncodeHistory(history, maxItems, userId);

    /// <summary>
    /// Encodes the sources once (<see cref="PrepareDecoding"/>); each step re-runs the decoder on every row's whole
    /// prefix [BOS, c_0 … c_{t−1}]. Targets are 3–5 tokens, so a self-attention cache would save little here.
    /// </summary>
    public IDecodingSession BeginDecoding(IReadOnlyList<int[]> sources) => new EncoderDecoderSession(this, sources);

    sealed class EncoderDecoderSession : IDecodingSession
    {
        readonly TigerModel model;
        readonly DecoderMemory memory;
        long[][] prefixes = [];

        public EncoderDecoderSession(TigerModel model, IReadOnlyList<int[]> sources)
        {
            this.model = model;
            using var scope = NewDisposeScope();
            var (tokens, mask) = TigerBatching.PadSources(sources, model.Device);             // (B, S)
            memory = model.PrepareDecoding(tokens, mask).DetachFromDisposeScope();           // owned by the session
        }

        public Tensor First()
        {
            prefixes = [.. Enumerable.Range(0, (int)memory.Sources).Select(_ => Array.Empty<long>())];
            return Logits();                                                                 // (B, V)
        }

        public Tensor Next(long[] parents, long[] tokens)
        {
            ArgumentNullException.ThrowIfNull(parents);
            ArgumentNullException.ThrowIfNull(tokens);
            if (tokens.Length != parents.Length || parents.Length % memory.Sources != 0)
                throw new ArgumentException($"{parents.Length} parents and {tokens.Length} tokens for {memory.Sources} sources; expected the same multiple of the sources.");
            prefixes = [.. parents.Select((parent, r) => (long[])[.. prefixes[parent], tokens[r]])];
            return Logits();                                                                 // (N, V)
        }

        Tensor Logits()
        {
            using var scope = NewDisposeScope();
            var length = prefixes[0].Length + 1;
            var input = new long[prefixes.Length * length];
            for (var r = 0; r < prefixes.Length; r++)
            {
                input[r * length] = SemanticIdTokenizer.Bos;
                prefixes[r].CopyTo(input, r * length + 1);
            }
            var decoderInput = tensor(input, [prefixes.Length, length], device: model.Device); // (N, t+1)
            return model.NextTokenLogits(decoderInput, memory).MoveToOuterDisposeScope();     // (N, V)
        }

        public void Dispose() => memory.Dispose();
    }

    /// <summary>Encoder output (B, S, D) for source tokens (B, S) and mask (B, S) (true = real token).</summary>
    public Tensor Encode(Tensor source, Tensor sourceMask)
    {
        using var scope = NewDisposeScope();
        return encoder.forward(shared.forward(source), sourceMask).MoveToOuterDisposeScope();   // (B, S, D)
    }

    /// <summary>Logits (N, T, V) for decoder input (N, T) given encoder output (B, S, D); N is a multiple of B.</summary>
    public Tensor Decode(Tensor decoderInput, Tensor memory, Tensor sourceMask)
    {
        using var scope = NewDisposeScope();
        var hidden = decoder.forward(shared.forward(decoderInput), memory, sourceMask);   // (N, T, D)
        return Project(hidden).MoveToOuterDisposeScope();                                // (N, T, V)
    }

    /// <summary>
    /// Encodes the sources and projects every decoder layer's cross-attention keys and values once, for
    /// repeated decoding against the same sources (<see cref="NextTokenLogits"/>, <see cref="Decode(Tensor, DecoderMemory)"/>).
    /// </summary>
    public DecoderMemory PrepareDecoding(Tensor source, Tensor sourceMask)
    {
        using var scope = NewDisposeScope();
        var memory = Encode(source, sourceMask);                                          // (B, S, D)
        var crossKeysValues = decoder.Layers
            .Select(layer => layer.CrossAttention.ProjectKeysValues(memory))              // (B, H, S, dk) × 2
            .Select(kv => (kv.Keys.MoveToOuterDisposeScope(), kv.Values.MoveToOuterDisposeScope()))
            .ToList();
        var memoryBias = AttentionMasks.KeyPadding(sourceMask);                           // (B, 1, 1, S)
        return new DecoderMemory(memory.MoveToOuterDisposeScope(), memoryBias.MoveToOuterDisposeScope(), crossKeysValues);
    }

    /// <summary>Logits (N, T, V) for decoder input (N, T) against prepared sources; N is a multiple of B.</summary>
    public Tensor Decode(Tensor decoderInput, DecoderMemory memory)
    {
        using var scope = NewDisposeScope();
        var hidden = decoder.Forward(shared.forward(decoderInput), memory.CrossKeysValues, memory.MemoryBias);   // (N, T, D)
        return Project(hidden).MoveToOuterDisposeScope();                                                       // (N, T, V)
    }

    /// <summary>Logits (N, V) of the token after the last decoder position only — what beam search needs;
    /// skips the output projection of the earlier positions.</summary>
    public Tensor NextTokenLogits(Tensor decoderInput, DecoderMemory memory)
    {
        using var scope = NewDisposeScope();
        var hidden = decoder.Forward(shared.forward(decoderInput), memory.CrossKeysValues, memory.MemoryBias);   // (N, T, D)
        return Project(hidden.select(1, hidden.shape[1] - 1)).MoveToOuterDisposeScope();                        // (N, V)
    }

    // tied output layer: (…, D) · d_model^−½ · Eᵀ → (…, V); the scaling is T5's, for a std-1 table
    Tensor Project(Tensor hidden) => hidden.mul(outputScale).matmul(shared.weight!.t());

    public override Tensor forward(Tensor source, Tensor sourceMask, Tensor decoderInput)
    {
        using var scope = NewDisposeScope();
        var memory = Encode(source, sourceMask);                                          // (B, S, D)
        return Decode(decoderInput, memory, sourceMask).MoveToOuterDisposeScope();       // (N, T, V)
    }

    /// <summary>T5's initialisation (see <see cref="T5Init"/>), drawn from <paramref name="seed"/>.</summary>
    void InitializeWeights(long seed)
    {
        var init = new T5Init(Config, seed);
        init.Embedding(shared);
        foreach (var layer in encoder.Layers) { init.Attention(layer.SelfAttention); init.FeedForward(layer.FeedForward); }
        foreach (var layer in decoder.Layers) { init.Attention(layer.SelfAttention); init.Attention(layer.CrossAttention); init.FeedForward(layer.FeedForward); }
        init.RelativeBias(encoder.RelativeBias);
        init.RelativeBias(decoder.RelativeBias);
    }

    /// <summary>Trainable parameter count.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>Parameter counts per block (embedding, each layer, position biases, final norms) and in total.</summary>
    public string Summary()
    {
        var c = Config;
        return ModelSummary.Describe(this, string.Create(CultureInfo.InvariantCulture,
            $"TigerModel: d_model {c.DModel}, {c.NumHeads} heads × {c.DKv} (inner {c.NumHeads * c.DKv}), d_ff {c.DFf}, " +
            $"{c.EncoderLayers}+{c.DecoderLayers} layers, vocabulary {c.VocabularySize}, dropout {c.Dropout}, {c.Activation}"));
    }
}
