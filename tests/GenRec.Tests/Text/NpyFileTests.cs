// Tests of the .npy writer/reader against the byte layout of NumPy's format 1.0, worked out by hand.
using System.Text;
using GenRec.Text;

namespace GenRec.Tests.Text;

public class NpyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("genrec-npy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Write_ProducesNumpyV1Layout()
    {
        var stream = new MemoryStream();
        NpyFile.Write(stream, [1f, 2f, 3f, 4f, -0.5f, 0f], 2, 3);
        byte[] bytes = stream.ToArray();
        // dict (59 chars) + preamble (10) + '\n' = 70 → 58 spaces pad the header to 128 bytes.
        const string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        Assert.Equal(128 + 6 * 4, bytes.Length);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 }, bytes[..10]);
        Assert.Equal(dict + new string(' ', 58) + "\n", Encoding.ASCII.GetString(bytes, 10, 118));
        Assert.Equal(new byte[] { 0x00, 0x00, 0x80, 0x3F }, bytes[128..132]);  // 1.0f little-endian
        Assert.Equal(new byte[] { 0x00, 0x00, 0x00, 0xBF }, bytes[144..148]);  // -0.5f little-endian
    }

    [Fact]
    public void ReadAfterWrite_RoundTrips()
    {
        string path = Path.Combine(_dir, "m.npy");
        float[] data = [0.1f, -2.5f, 3e-8f, float.MaxValue, 7f, 8f];
        NpyFile.Write(path, data, 3, 2);
        var (read, rows, cols) = NpyFile.Read(path);
        Assert.Equal((3, 2), (rows, cols));
        Assert.Equal(data, read);
    }

    [Fact]
    public void Read_TruncatedFile_ThrowsNamingFileAndExpectedSize()
    {
        string path = Path.Combine(_dir, "cut.npy");
        NpyFile.Write(path, new float[12], 3, 4);
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(f.Length - 3);
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("expected 176 bytes for a 3×4 float32 matrix, found 173", e.Message);
    }

    [Fact]
    public void Read_NotNpy_ThrowsNamingMagic()
    {
        string path = Path.Combine(_dir, "text.npy");
        File.WriteAllText(path, "hello, this is not numpy");
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void Read_OtherDtype_ThrowsShowingHeader()
    {
        string path = Path.Combine(_dir, "f8.npy");
        NpyFile.Write(path, new float[2], 1, 2);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[23] = (byte)'8'; // "<f4" → "<f8"
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(path));
        Assert.Contains("'<f8'", e.Message);
    }
}
