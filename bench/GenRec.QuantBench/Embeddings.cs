// Inputs for the bench: a float32 .npy matrix (NumPy format v1/v2, C order, '<f4') or a synthetic stand-in
// (unit vectors from a mixture of anisotropic Gaussian clusters, like sentence embeddings of a catalogue).
using System.Text;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.QuantBench;

internal static partial class Embeddings
{
    /// <summary>Reads an (N, D) little-endian float32 .npy file.</summary>
    public static Tensor ReadNpy(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var magic = reader.ReadBytes(6);
        if (magic.Length < 6 || magic[0] != 0x93 || Encoding.ASCII.GetString(magic, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path}: not a .npy file (bad magic).");
        byte major = reader.ReadByte();
        reader.ReadByte();
        int headerLength = major == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        string header = Encoding.ASCII.GetString(reader.ReadBytes(headerLength));
        if (!header.Contains("'descr': '<f4'") || !header.Contains("'fortran_order': False"))
            throw new InvalidDataException($"{path}: expected descr '<f4' and fortran_order False, header was {header.Trim()}.");
        var shape = ShapePattern().Match(header);
        if (!shape.Success) throw new InvalidDataException($"{path}: expected a 2-d shape in the header, found {header.Trim()}.");
        int rows = int.Parse(shape.Groups[1].Value), cols = int.Parse(shape.Groups[2].Value);
        var bytes = reader.ReadBytes(checked(rows * cols * 4));
        if (bytes.Length != rows * cols * 4) throw new InvalidDataException($"{path}: truncated, expected {rows}×{cols} float32 values.");
        var data = new float[rows * cols];
        Buffer.BlockCopy(bytes, 0, data, 0, bytes.Length);
        return torch.tensor(data, [rows, cols]);
    }

    [GeneratedRegex(@"'shape': \((\d+), (\d+)\)")]
    private static partial Regex ShapePattern();

    /// <summary>
    /// n unit vectors in d dims: cluster sizes ∝ a Zipf-like law; each cluster has a random centre and
    /// a random low-rank anisotropic spread; rows are normalised like MiniLM outputs.
    /// </summary>
    public static Tensor Synthetic(int n, int d, int clusters, long seed)
    {
        using var scope = torch.NewDisposeScope();
        using var gen = new Generator((ulong)seed, torch.CPU);
        var common = torch.randn([d], generator: gen) * 0.6;                       // (D) shared direction, as in real embeddings
        var centres = torch.randn([clusters, d], generator: gen) / Math.Sqrt(d);   // (C, D)
        var weights = torch.tensor(Enumerable.Range(1, clusters).Select(i => 1.0f / MathF.Pow(i, 0.7f)).ToArray());
        var labels = torch.multinomial(weights, n, replacement: true, generator: gen);   // (N)
        int rank = 8;
        var bases = torch.randn([clusters, rank, d], generator: gen) / Math.Sqrt(d) * 0.5; // (C, r, D)
        var coefficients = torch.randn([n, 1, rank], generator: gen);                      // (N, 1, r)
        var spread = coefficients.bmm(bases.index_select(0, labels)).squeeze(1);          // (N, D)
        var noise = torch.randn([n, d], generator: gen) / Math.Sqrt(d) * 0.15;            // (N, D)
        var x = common / Math.Sqrt(d) + centres.index_select(0, labels) + spread + noise; // (N, D)
        return nn.functional.normalize(x, dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>Per row: cosine similarity to its nearest other row (N), computed in chunks.</summary>
    public static float[] NearestNeighbourCosine(Tensor unit)
    {
        long n = unit.shape[0];
        var result = new float[n];
        for (long start = 0; start < n; start += 1024)
        {
            using var scope = torch.NewDisposeScope();
            long len = Math.Min(1024, n - start);
            var sims = unit.narrow(0, start, len).matmul(unit.t());                // (len, N)
            var rows = torch.arange(len);
            sims[rows, rows + start] = torch.tensor(-2f);                          // exclude self
            sims.max(1).values.data<float>().ToArray().CopyTo(result, start);
        }
        return result;
    }
}
