// Atomic file writes. Every file that a later command trusts as complete — checkpoints, caches, semantic
// IDs, predictions, run files, the report — is written to a temporary file in the target's folder, flushed
// to disk and then renamed over the target. A rename within one file system is atomic, so a crash, a full
// disk or an exception half-way leaves either the old file or the new one, never half of one; the
// temporary file is removed when writing fails. One implementation instead of one per file format.
using System.Text;

namespace GenRec.IO;

/// <summary>Writes files through a temporary file and a rename.</summary>
public static class AtomicFile
{
    static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Creates the parent folder, lets <paramref name="write"/> fill a temporary file next to
    /// <paramref name="path"/>, flushes it to disk and renames it over <paramref name="path"/>.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temporary) = Prepare(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>The asynchronous form of <see cref="Write(string, Action{Stream})"/> (Parquet.Net writes asynchronously).</summary>
    public static async Task WriteAsync(string path, Func<Stream, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temporary) = Prepare(path);
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                await write(stream).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Writes UTF-8 text (no byte-order mark) produced by <paramref name="write"/>.</summary>
    public static void WriteText(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8NoBom, bufferSize: 1 << 16, leaveOpen: true);
            write(writer);
        });
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark).</summary>
    public static void WriteText(string path, string text) => WriteText(path, writer => writer.Write(text));

    /// <summary>Writes binary data through a <see cref="BinaryWriter"/> with UTF-8 strings (checkpoints).</summary>
    public static void WriteBinary(string path, Action<BinaryWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            write(writer);
        });
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="path"/> through a temporary file and a rename.</summary>
    public static void Copy(string source, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        Write(path, stream =>
        {
            using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            input.CopyTo(stream);
        });
    }

    /// <summary>
    /// Deletes the temporaries that writers killed before their rename (SIGKILL, power loss) left in
    /// <paramref name="directory"/> and below — files named like <c>target.&lt;32 hex digits&gt;.tmp</c>, nothing else —
    /// and returns how many. Call it only where no other process can be writing, e.g. when a stage of a run
    /// folder (written by one process at a time) restarts; a live writer's temporary would vanish under it.
    /// </summary>
    public static int RemoveLeftovers(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory)) return 0;
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*.tmp", SearchOption.AllDirectories))
        {
            if (!IsTemporaryName(Path.GetFileName(file))) continue;
            File.Delete(file);
            removed++;
        }
        return removed;
    }

    // "<target>.<Guid "N">.tmp", as Prepare names them.
    static bool IsTemporaryName(string name)
    {
        const int hexDigits = 32;
        var stem = name[..^".tmp".Length];
        return stem.Length > hexDigits + 1 && stem[^(hexDigits + 1)] == '.' && stem[^hexDigits..].All(char.IsAsciiHexDigitLower);
    }

    // The temporary name is unique per call, so two writers of the same target never share one.
    static (string Full, string Temporary) Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return (full, full + "." + Guid.NewGuid().ToString("N") + ".tmp");
    }
}
