// Residual vector quantizer (Zeghidour et al. 2021 "SoundStream"; Lee et al. 2022 "RQ-VAE"), the
// quantizer of TIGER's semantic IDs: L codebooks, level l quantizes what levels < l left over,
// codes (B, L), quantized = Σ_l e_{c_l}. Coarse-to-fine codes are what make the IDs hierarchical.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Quantization;

/// <summary>L-level residual vector quantizer.</summary>
public sealed class ResidualQuantizer : nn.Module<Tensor, QuantizerOutput>, IQuantizer
{
    private readonly ModuleList<Codebook> levels;
    private readonly Generator _gen;
    private readonly ResidualCore _core;

    public QuantizerOptions Options { get; }

    public ResidualQuantizer(QuantizerOptions options, string name = "rq") : base(name)
    {
        options.Validate(nameof(ResidualQuantizer));
        Options = options;
        _gen = QuantizerMath.Seeded(options.Seed);
        levels = new ModuleList<Codebook>();
        for (int l = 0; l < options.Levels; l++) levels.Add(new Codebook($"level{l + 1}", options.CodebookSize, options.Dim, _gen));
        RegisterComponents();
        _core = new ResidualCore(levels.ToList(), options, _gen);
    }

    public int Levels => Options.Levels;
    public int CodebookSize => Options.CodebookSize;
    public int Dim => Options.Dim;

    /// <summary>The codebook of level <paramref name="level"/> (0-based).</summary>
    public Codebook Codebook(int level) => levels[level];

    /// <summary>Training forward passes so far.</summary>
    public long Steps => _core.Steps;

    /// <summary>Current Gumbel temperature (only used with <see cref="Estimator.GumbelSoftmax"/>).</summary>
    public double Temperature => _core.Temperature;

    /// <summary>Codes re-seeded by the dead-code rule so far, per level.</summary>
    public IReadOnlyList<int> DeadCodeRestarts => _core.DeadCodeRestarts;

    public override QuantizerOutput forward(Tensor x) => _core.Forward(x, training, nameof(ResidualQuantizer));

    public Tensor Decode(Tensor codes) => _core.Decode(codes);

    /// <summary>Seeded k-means level by level on the residuals of <paramref name="x"/> (N, D), N ≥ K.</summary>
    public void InitializeFromData(Tensor x) => _core.InitializeFromData(x);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _gen.Dispose();
        base.Dispose(disposing);
    }
}
