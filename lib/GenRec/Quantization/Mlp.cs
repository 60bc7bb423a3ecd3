// MLP stacks for the RQ-VAE / autoencoder encoder and decoder, initialised from a seeded generator
// (PyTorch's default Linear init, U(−1/√fan_in, 1/√fan_in) for weights and biases) so that model
// construction does not depend on TorchSharp's process-wide random state.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Quantization;

/// <summary>Builds seeded Linear/ReLU stacks.</summary>
public static class Mlp
{
    /// <summary>
    /// widths[0] → widths[1] → … → widths[^1]; ReLU (and dropout when &gt; 0) between layers, none after the last.
    /// </summary>
    public static Sequential Build(IReadOnlyList<int> widths, double dropout, Generator gen)
    {
        if (widths.Count < 2) throw new ArgumentException($"An MLP needs at least an input and an output width, got [{string.Join(", ", widths)}].");
        if (widths.Any(w => w < 1)) throw new ArgumentException($"MLP widths must be ≥ 1, got [{string.Join(", ", widths)}].");
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i + 1 < widths.Count; i++)
        {
            var linear = nn.Linear(widths[i], widths[i + 1]);
            InitLinear(linear, gen);
            layers.Add(($"linear{i}", linear));
            if (i + 2 < widths.Count)
            {
                layers.Add(($"relu{i}", nn.ReLU()));
                if (dropout > 0) layers.Add(($"dropout{i}", nn.Dropout(dropout)));
            }
        }
        return nn.Sequential(layers);
    }

    /// <summary>PyTorch's default Linear initialisation drawn from <paramref name="gen"/>.</summary>
    public static void InitLinear(Linear linear, Generator gen)
    {
        using var _ = torch.no_grad();
        double bound = 1.0 / Math.Sqrt(linear.weight!.shape[1]);
        linear.weight.uniform_(-bound, bound, generator: gen);
        linear.bias?.uniform_(-bound, bound, generator: gen);
    }
}
