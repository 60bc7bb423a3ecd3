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
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>forward(source (B, S), source mask (B, S), decoder input (N, T)) → logits (N, T, V).</summary>
public sealed class TigerModel : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    readonly Embedding shared;
    readonly TigerEncoder encoder;
    readonly TigerDecoder decoder;

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
        RegisterComponents();
        InitializeWeights(seed);
    }

    /// <summary>Seed stream of every dropout in the model (the trainer reseeds it at each step).</summary>
    public DropoutRandomness DropoutRandomness { get; } = new();

    public TigerEncoder Encoder => encoder;
    public TigerDecoder Decoder => decoder;

    /// <summary>Device of the parameters.</summary>
    public Device Device => shared.weight!.device;

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
    Tensor Project(Tensor hidden) => (hidden * Math.Pow(Config.DModel, -0.5)).matmul(shared.weight!.t());

    public override Tensor forward(Tensor source, Tensor sourceMask, Tensor decoderInput)
    {
        using var scope = NewDisposeScope();
        var memory = Encode(source, sourceMask);                                          // (B, S, D)
        return Decode(decoderInput, memory, sourceMask).MoveToOuterDisposeScope();       // (N, T, V)
    }

    /// <summary>
    /// T5's (Mesh TensorFlow) initialisation, all normal with mean 0: embeddings std 1; query std
    /// (d_model·d_kv)^−½ — this is where the missing 1/√d_kv of the attention logits went; key, value and
    /// the first feed-forward matrix d_model^−½; attention output (H·d_kv)^−½; second feed-forward d_ff^−½;
    /// relative position biases d_model^−½; norm gains 1.
    /// </summary>
    void InitializeWeights(long seed)
    {
        using var noGrad = no_grad();
        var generator = new Generator(unchecked((ulong)seed), CPU);
        var c = Config;
        void Normal(Tensor t, double std) => t.normal_(0, std, generator);
        void Attention(MultiHeadAttention a)
        {
            var (q, k, v, o) = a.Projections;
            Normal(q.weight!, Math.Pow(c.DModel * c.DKv, -0.5));
            Normal(k.weight!, Math.Pow(c.DModel, -0.5));
            Normal(v.weight!, Math.Pow(c.DModel, -0.5));
            Normal(o.weight!, Math.Pow(c.NumHeads * c.DKv, -0.5));
        }
        void Ffn(FeedForward f)
        {
            Normal(f.Projections.In.weight!, Math.Pow(c.DModel, -0.5));
            Normal(f.Projections.Out.weight!, Math.Pow(c.DFf, -0.5));
        }
        Normal(shared.weight!, 1.0);
        foreach (var layer in encoder.Layers) { Attention(layer.SelfAttention); Ffn(layer.FeedForward); }
        foreach (var layer in decoder.Layers) { Attention(layer.SelfAttention); Attention(layer.CrossAttention); Ffn(layer.FeedForward); }
        Normal(encoder.RelativeBias.Table.weight!, Math.Pow(c.DModel, -0.5));
        Normal(decoder.RelativeBias.Table.weight!, Math.Pow(c.DModel, -0.5));
    }

    /// <summary>Trainable parameter count.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>Parameter counts per block (embedding, each layer, position biases, final norms) and in total.</summary>
    public string Summary()
    {
        var blocks = new List<(string Name, long Count)>();
        foreach (var (name, parameter) in named_parameters())
        {
            var parts = name.Split('.');
            // "encoder.layers.3.selfAttention.q.weight" → "encoder.layers.3"; "shared.weight" → "shared"
            var block = parts.Length >= 3 && parts[1] == "layers" ? string.Join('.', parts[..3])
                      : parts.Length >= 3 ? string.Join('.', parts[..2]) : parts[0];
            var i = blocks.FindIndex(b => b.Name == block);
            if (i < 0) blocks.Add((block, parameter.numel()));
            else blocks[i] = (block, blocks[i].Count + parameter.numel());
        }
        var c = Config;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"TigerModel: d_model {c.DModel}, {c.NumHeads} heads × {c.DKv} (inner {c.NumHeads * c.DKv}), d_ff {c.DFf}, " +
            $"{c.EncoderLayers}+{c.DecoderLayers} layers, vocabulary {c.VocabularySize}, dropout {c.Dropout}, {c.Activation}");
        var width = Math.Max(24, blocks.Max(b => b.Name.Length) + 2);
        foreach (var (name, count) in blocks)
            text.AppendLine(CultureInfo.InvariantCulture, $"  {name.PadRight(width)}{count,12:N0}");
        text.Append(CultureInfo.InvariantCulture, $"  {"total".PadRight(width)}{blocks.Sum(b => b.Count),12:N0}");
        return text.ToString();
    }
}
