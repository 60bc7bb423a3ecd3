// T5's (Mesh TensorFlow) initialisation, shared by both stage-2 models. All normal with mean 0: embeddings
// std 1; query std (d_model·d_kv)^−½ — this is where the missing 1/√d_kv of the attention logits went; key,
// value and the first feed-forward matrix d_model^−½; attention output (H·d_kv)^−½; second feed-forward
// d_ff^−½; relative position biases d_model^−½; norm gains 1 (their constructor's value).
// Draws come from one seeded generator in a fixed order, so the same seed gives the same weights.
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>T5 initialisation of the blocks in <see cref="TigerModel"/> and <see cref="DecoderOnlyModel"/>.</summary>
internal sealed class T5Init(TigerConfig config, long seed)
{
    readonly Generator generator = new(unchecked((ulong)seed), CPU);

    public void Normal(Tensor t, double std)
    {
        using var noGrad = no_grad();
        t.normal_(0, std, generator);
    }

    public void Embedding(TorchSharp.Modules.Embedding table) => Normal(table.weight!, 1.0);

    public void Attention(MultiHeadAttention a)
    {
        var (q, k, v, o) = a.Projections;
        Normal(q.weight!, Math.Pow(config.DModel * config.DKv, -0.5));
        Normal(k.weight!, Math.Pow(config.DModel, -0.5));
        Normal(v.weight!, Math.Pow(config.DModel, -0.5));
        Normal(o.weight!, Math.Pow(config.NumHeads * config.DKv, -0.5));
    }

    public void FeedForward(FeedForward f)
    {
        Normal(f.Projections.In.weight!, Math.Pow(config.DModel, -0.5));
        Normal(f.Projections.Out.weight!, Math.Pow(config.DFf, -0.5));
    }

    public void RelativeBias(RelativePositionBias bias) => Normal(bias.Table.weight!, Math.Pow(config.DModel, -0.5));
}

/// <summary>Parameter counts per block of a stage-2 model, as a readable table.</summary>
internal static class ModelSummary
{
    /// <summary><paramref name="header"/>, then one line per block ("encoder.layers.3", "shared", …) and the total.</summary>
    public static string Describe(TorchSharp.torch.nn.Module module, string header)
    {
        var blocks = new List<(string Name, long Count)>();
        foreach (var (name, parameter) in module.named_parameters())
        {
            var parts = name.Split('.');
            // "encoder.layers.3.selfAttention.q.weight" → "encoder.layers.3"; "layers.1.…" → "layers.1"; "shared.weight" → "shared"
            var block = parts.Length >= 3 && parts[1] == "layers" ? string.Join('.', parts[..3])
                      : parts.Length >= 2 && parts[0] == "layers" ? string.Join('.', parts[..2])
                      : parts.Length >= 3 ? string.Join('.', parts[..2]) : parts[0];
            var i = blocks.FindIndex(b => b.Name == block);
            if (i < 0) blocks.Add((block, parameter.numel()));
            else blocks[i] = (block, blocks[i].Count + parameter.numel());
        }
        var text = new System.Text.StringBuilder();
        text.AppendLine(header);
        var width = Math.Max(24, blocks.Max(b => b.Name.Length) + 2);
        foreach (var (name, count) in blocks)
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {name.PadRight(width)}{count,12:N0}");
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"  {"total".PadRight(width)}{blocks.Sum(b => b.Count),12:N0}");
        return text.ToString();
    }
}
