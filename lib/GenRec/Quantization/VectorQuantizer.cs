// VQ-VAE's vector quantizer (van den Oord et al. 2017, "Neural Discrete Representation Learning"):
// one codebook, nearest codeword by L2 or cosine distance, codes of shape (B, 1).
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Quantization;

/// <summary>Single-codebook vector quantizer. Options.Levels is forced to 1.</summary>
public sealed class VectorQuantizer : nn.Module<Tensor, QuantizerOutput>, IQuantizer
{
    private readonly Codebook codebook;
    private readonly Generator _gen;
    private readonly ResidualCore _core;

    public QuantizerOptions Options { get; }

    public VectorQuantizer(QuantizerOptions options, string name = "vq") : base(name)
    {
        Options = options with { Levels = 1 };
        Options.Validate(nameof(VectorQuantizer));
        _gen = QuantizerMath.Seeded(Options.Seed);
        codebook = new Codebook("codebook", Options.CodebookSize, Options.Dim, _gen);
        RegisterComponents();
        _core = new ResidualCore([codebook], Options, _gen);
    }

    public int Levels => 1;
    public int CodebookSize => Options.CodebookSize;
    public int Dim => Options.Dim;

    /// <summary>The codebook (K, D).</summary>
    public Codebook Codebook => codebook;

    /// <summary>Training forward passes so far.</summary>
    public long Steps => _core.Steps;

    /// <summary>Current Gumbel temperature (only used with <see cref="Estimator.GumbelSoftmax"/>).</summary>
    public double Temperature => _core.Temperature;

    /// <summary>Codes re-seeded by the dead-code rule so far (one entry).</summary>
    public IReadOnlyList<int> DeadCodeRestarts => _core.DeadCodeRestarts;

    public override QuantizerOutput forward(Tensor x) => _core.Forward(x, training, nameof(VectorQuantizer));

    public Tensor Decode(Tensor codes) => _core.Decode(codes);

    /// <summary>Seeded k-means of the codebook on <paramref name="x"/> (N, D), N ≥ K.</summary>
    public void InitializeFromData(Tensor x) => _core.InitializeFromData(x);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _gen.Dispose();
        base.Dispose(disposing);
    }
}
