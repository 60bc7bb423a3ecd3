// SHA-256 of a file's bytes, as lower-case hex: what stage markers and cache manifests record of the files they
// vouch for, so a file damaged after it was written (a truncated copy, a flipped bit, an edit) is noticed before
// it is trusted rather than read as a result.
using System.Security.Cryptography;

namespace GenRec.IO;

/// <summary>Content hashes of files.</summary>
public static class FileHash
{
    /// <summary>SHA-256 of the bytes of <paramref name="path"/>, lower-case hex (64 characters).</summary>
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
