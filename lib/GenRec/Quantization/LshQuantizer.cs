// Random-hyperplane LSH (Charikar 2002, SimHash) as the simplest semantic-ID baseline: L·log2(K) seeded
// Gaussian hyperplanes; each bit is the side of one hyperplane; consecutive groups of log2(K) bits form the
// L codes. Hyperplanes pass through the training mean when Center is on (MiniLM vectors share a common
// direction, so origin hyperplanes would give lopsided bits). Decode returns the mean training vector of
// the code tuple's bucket, backing off to the longest seen prefix (and finally the overall mean) for
// tuples not seen in training, so its reconstruction error is comparable with the learned quantizers.
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Quantization;

/// <summary>Options of <see cref="LshQuantizer"/>; CodebookSize must be a power of two.</summary>
public sealed record LshOptions(int Levels = 3, int CodebookSize = 256, bool Center = true, long Seed = 0);

/// <summary>Random-hyperplane LSH codes with bucket-mean decoding.</summary>
public sealed class LshQuantizer : nn.Module<Tensor, QuantizerOutput>, IQuantizer
{
    private readonly int _bitsPerLevel;
    private Dictionary<long, float[]>[]? _prefixMeans;   // per prefix length 1..L: packed prefix → mean

    public LshOptions Options { get; }

    public LshQuantizer(int dim, LshOptions options, string name = "lsh") : base(name)
    {
        if (options.CodebookSize < 2 || (options.CodebookSize & (options.CodebookSize - 1)) != 0)
            throw new ArgumentException($"LshQuantizer: CodebookSize must be a power of two ≥ 2, got {options.CodebookSize}.");
        _bitsPerLevel = System.Numerics.BitOperations.Log2((uint)options.CodebookSize);
        if (options.Levels < 1 || options.Levels * _bitsPerLevel > 62)
            throw new ArgumentException($"LshQuantizer: needs 1 ≤ Levels·log2(K) ≤ 62 bits, got {options.Levels}·{_bitsPerLevel}.");
        Dim = dim;
        Options = options;
        using var gen = QuantizerMath.Seeded(options.Seed);
        register_buffer("hyperplanes", torch.randn([dim, options.Levels * _bitsPerLevel], generator: gen)); // (D, L·m)
        register_buffer("center", torch.zeros(dim));                                                      // (D)
        register_buffer("bucket_codes", torch.zeros(0, options.Levels, dtype: ScalarType.Int64));         // (M, L)
        register_buffer("bucket_means", torch.zeros(0, dim));                                             // (M, D)
        register_buffer("bucket_counts", torch.zeros(0, dtype: ScalarType.Int64));                        // (M)
    }

    public int Levels => Options.Levels;
    public int CodebookSize => Options.CodebookSize;
    public int Dim { get; }

    /// <summary>Hash codes (B, L) of x (B, D); needs no fit except for the centre.</summary>
    public Tensor Hash(Tensor x)
    {
        QuantizerMath.CheckInput(x, Dim, nameof(LshQuantizer));
        using var scope = torch.NewDisposeScope();
        var planes = get_buffer("hyperplanes")!;
        var bits = (x.detach() - get_buffer("center")!).matmul(planes).gt(KeptScalars.Zero).to_type(ScalarType.Int64); // (B, L·m)
        var weights = torch.tensor(Enumerable.Range(0, _bitsPerLevel).Select(j => 1L << j).ToArray(), device: x.device); // (m)
        var codes = (bits.reshape(x.shape[0], Levels, _bitsPerLevel) * weights).sum(2);                   // (B, L)
        return codes.MoveToOuterDisposeScope();
    }

    /// <summary>Sets the centre (if Center) and the bucket means from x (N, D).</summary>
    public void InitializeFromData(Tensor x)
    {
        QuantizerMath.CheckInput(x, Dim, nameof(LshQuantizer));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var data = x.detach();
        if (Options.Center) get_buffer("center")!.copy_(data.mean([0L]));
        var codes = Hash(data).cpu();                                            // (N, L)
        var (unique, inverse, counts) = codes.unique(sorted: true, return_inverse: true, return_counts: true, dim: 0);
        var sums = torch.zeros(unique.shape[0], Dim, device: data.device).index_add_(0, inverse!.to(data.device), data, KeptScalars.One); // (M, D)
        var means = sums / counts!.to(data.device).to_type(ScalarType.Float32).unsqueeze(1);                                   // (M, D)
        get_buffer("bucket_codes")!.set_(unique.to(get_buffer("bucket_codes")!.device));
        get_buffer("bucket_means")!.set_(means);
        get_buffer("bucket_counts")!.set_(counts);
        _prefixMeans = null;
    }

    /// <summary>Codes and bucket-mean reconstruction. Losses are zero: LSH has nothing to train.</summary>
    public override QuantizerOutput forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var codes = Hash(x);                      // (B, L)
        var quantized = Decode(codes);            // (B, D)
        var zero = QuantizerMath.Zero(quantized);
        return new QuantizerOutput(quantized, codes, zero, zero.clone(), zero.clone()).MoveToOuterDisposeScope();
    }

    public Tensor Decode(Tensor codes)
    {
        if (codes.dim() != 2 || codes.shape[1] != Levels)
            throw new ArgumentException($"Decode expects codes of shape (B, {Levels}), got ({string.Join(", ", codes.shape)}).");
        var tables = _prefixMeans ??= BuildPrefixTables();
        if (tables.Length == 0) throw new InvalidOperationException("LshQuantizer must be fitted with InitializeFromData(x) before decoding.");
        using var cpu = codes.to_type(ScalarType.Int64).cpu();
        var c = cpu.data<long>().ToArray();
        int b = (int)codes.shape[0];
        var result = new float[b * Dim];
        for (int i = 0; i < b; i++)
        {
            float[] mean = tables[0][-1];                                   // overall mean
            long key = 0;
            for (int l = 0; l < Levels; l++)
            {
                key = (key << _bitsPerLevel) | c[i * Levels + l];
                if (!tables[l + 1].TryGetValue(key, out var m)) break;
                mean = m;
            }
            Array.Copy(mean, 0, result, i * Dim, Dim);
        }
        return torch.tensor(result, [b, Dim], device: get_buffer("bucket_means")!.device);
    }

    // tables[0][-1] is the overall mean; tables[p] maps each seen prefix of length p to its count-weighted mean.
    private Dictionary<long, float[]>[] BuildPrefixTables()
    {
        using var codesT = get_buffer("bucket_codes")!.cpu();
        using var meansT = get_buffer("bucket_means")!.cpu();
        using var countsT = get_buffer("bucket_counts")!.cpu();
        int m = (int)codesT.shape[0];
        if (m == 0) return [];
        var codes = codesT.data<long>().ToArray();
        var means = meansT.data<float>().ToArray();
        var counts = countsT.data<long>().ToArray();
        var sums = Enumerable.Range(0, Levels + 1).Select(_ => new Dictionary<long, (double[] Sum, long Count)>()).ToArray();
        for (int r = 0; r < m; r++)
        {
            long key = 0;
            for (int p = 0; p <= Levels; p++)
            {
                if (p > 0) key = (key << _bitsPerLevel) | codes[r * Levels + p - 1];
                long k = p == 0 ? -1 : key;
                if (!sums[p].TryGetValue(k, out var acc)) acc = (new double[Dim], 0);
                for (int d = 0; d < Dim; d++) acc.Sum[d] += means[r * Dim + d] * (double)counts[r];
                sums[p][k] = (acc.Sum, acc.Count + counts[r]);
            }
        }
        return sums.Select(t => t.ToDictionary(kv => kv.Key, kv => kv.Value.Sum.Select(v => (float)(v / kv.Value.Count)).ToArray())).ToArray();
    }
}
