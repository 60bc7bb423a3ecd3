// A write-only stream that passes every byte on to another stream and feeds it to a SHA-256, so a file format can
// end with the hash of everything written before it (TigerCheckpoint) without holding the file in memory.
using System.Security.Cryptography;

namespace GenRec.IO;

/// <summary>Writes through to <paramref name="inner"/> while hashing what passes (SHA-256); the inner stream stays open.</summary>
public sealed class HashingStream(Stream inner) : Stream
{
    readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    long written;

    /// <summary>SHA-256 of every byte written so far (the hash then starts again from nothing).</summary>
    public byte[] HashAndReset() => hash.GetHashAndReset();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => written;
    public override long Position { get => written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        hash.AppendData(buffer);
        written += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) hash.Dispose();
        base.Dispose(disposing);
    }
}
