// Minimal reader/writer of NumPy's .npy format (version 1.0) for 2-D little-endian float32 matrices, so
// embedding caches open directly in Python (np.load) and other tools. Format: the 6-byte magic "\x93NUMPY",
// version bytes 1 0, a little-endian uint16 header length, an ASCII Python-dict header padded with spaces to
// a 64-byte boundary and ending in '\n', then the row-major data.
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace GenRec.Text;

/// <summary>Reads and writes 2-D float32 matrices as NumPy .npy (v1.0, little-endian, C order).</summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int PreambleLength = 10; // magic (6) + version (2) + header length (2)

    /// <summary>Writes <paramref name="data"/> (rows × cols, row-major) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> data, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (rows < 0 || cols < 0 || (long)rows * cols != data.Length)
            throw new ArgumentException($"Data has {data.Length} values, expected rows×cols = {rows}×{cols}.");
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {cols}), }}";
        int unpadded = PreambleLength + dict.Length + 1; // + the closing '\n'
        int padding = (64 - unpadded % 64) % 64;
        string header = dict + new string(' ', padding) + "\n";

        Span<byte> preamble = stackalloc byte[PreambleLength];
        Magic.CopyTo(preamble);
        preamble[6] = 1; // major version
        preamble[7] = 0; // minor version
        BinaryPrimitives.WriteUInt16LittleEndian(preamble[8..], checked((ushort)header.Length));
        stream.Write(preamble);
        stream.Write(Encoding.ASCII.GetBytes(header));
        if (BitConverter.IsLittleEndian) stream.Write(MemoryMarshal.AsBytes(data));
        else
        {
            var buffer = new byte[4];
            foreach (float v in data) { BinaryPrimitives.WriteSingleLittleEndian(buffer, v); stream.Write(buffer); }
        }
    }

    /// <summary>Writes a matrix to <paramref name="path"/> (overwriting it).</summary>
    public static void Write(string path, ReadOnlySpan<float> data, int rows, int cols)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(stream, data, rows, cols);
    }

    /// <summary>
    /// Reads a 2-D float32 matrix written by <see cref="Write(string, ReadOnlySpan{float}, int, int)"/> (or by
    /// NumPy for a C-ordered '&lt;f4' array). Throws <see cref="InvalidDataException"/> naming the file and
    /// what was expected when the file is not such a matrix or is truncated.
    /// </summary>
    public static (float[] Data, int Rows, int Cols) Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> preamble = stackalloc byte[PreambleLength];
        if (stream.ReadAtLeast(preamble, PreambleLength, throwOnEndOfStream: false) < PreambleLength || !preamble[..6].SequenceEqual(Magic))
            throw Bad(path, "the .npy magic \"\\x93NUMPY\" at byte 0");
        if (preamble[6] != 1 || preamble[7] != 0)
            throw Bad(path, $".npy format version 1.0, found {preamble[6]}.{preamble[7]}");
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]);
        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerLength, throwOnEndOfStream: false) < headerLength)
            throw Bad(path, $"a {headerLength}-byte header after byte {PreambleLength}");
        string header = Encoding.ASCII.GetString(headerBytes);
        var m = HeaderPattern().Match(header);
        if (!m.Success)
            throw Bad(path, $"a header describing a C-ordered 2-D '<f4' array, found \"{header.TrimEnd()}\"");
        int rows = int.Parse(m.Groups["rows"].Value, CultureInfo.InvariantCulture);
        int cols = int.Parse(m.Groups["cols"].Value, CultureInfo.InvariantCulture);
        long dataStart = PreambleLength + headerLength;
        long expected = dataStart + 4L * rows * cols;
        if (stream.Length != expected)
            throw Bad(path, $"{expected} bytes for a {rows}×{cols} float32 matrix, found {stream.Length}");

        var data = new float[checked(rows * cols)];
        var bytes = MemoryMarshal.AsBytes(data.AsSpan());
        stream.ReadExactly(bytes);
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < data.Length; i++)
                data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i, 4));
        return (data, rows, cols);
    }

    private static InvalidDataException Bad(string path, string expected) =>
        new($"{path}: not a valid float32 .npy matrix: expected {expected}.");

    // Keys may come in any order in files NumPy writes; we write (and NumPy writes) this order.
    [GeneratedRegex(@"^\{'descr': '<f4', 'fortran_order': False, 'shape': \((?<rows>\d+), (?<cols>\d+)\), \} *\n$")]
    private static partial Regex HeaderPattern();
}
