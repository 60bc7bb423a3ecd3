using System.Text;
using GenRec.IO;
using GenRec.Tests.TestSupport;

namespace GenRec.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void Writes_text_into_a_new_folder_without_a_byte_order_mark_and_leaves_no_temporary()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("a", "b", "file.txt");
        AtomicFile.WriteText(path, "héllo\n");
        Assert.Equal(Encoding.UTF8.GetBytes("héllo\n"), File.ReadAllBytes(path));   // no BOM: exactly the UTF-8 bytes
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Leftover_temporaries_of_killed_writers_are_removed_and_nothing_else()
    {
        using var temp = new TempDirectory();
        const string guid = "0123456789abcdef0123456789abcdef";   // a Guid in "N" form, as AtomicFile names temporaries
        var leftovers = new[] { temp.Write($"best.pt.{guid}.tmp", "half"), temp.Write(Path.Combine("checkpoints", $"last.pt.{guid}.tmp"), "half") };
        var kept = new[]
        {
            temp.Write("best.pt", "whole"),
            temp.Write("notes.tmp", "a user's file"),                         // no 32-hex stem
            temp.Write($"x.{guid.ToUpperInvariant()}.tmp", "not our casing"),  // Guid "N" is lower case
            temp.Write($"{guid}.tmp", "no target name"),
        };
        Assert.Equal(2, AtomicFile.RemoveLeftovers(temp.Path));
        Assert.All(leftovers, f => Assert.False(File.Exists(f)));
        Assert.All(kept, f => Assert.True(File.Exists(f)));
        Assert.Equal(0, AtomicFile.RemoveLeftovers(temp.Combine("missing")));
    }

    [Fact]
    public void A_writer_that_throws_keeps_the_old_file_and_removes_its_temporary()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("file.txt", "old");
        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.WriteText(path, writer =>
        {
            writer.Write("half of the new con");
            writer.Flush();
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal("disk full", error.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task The_asynchronous_form_replaces_the_file_and_cleans_up_after_a_failure()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("data.bin", "old");
        await AtomicFile.WriteAsync(path, stream => stream.WriteAsync(new byte[] { 1, 2, 3 }).AsTask());
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));

        await Assert.ThrowsAsync<IOException>(() => AtomicFile.WriteAsync(path, async stream =>
        {
            await stream.WriteAsync(new byte[] { 9 });
            throw new IOException("interrupted");
        }));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Binary_writes_round_trip_through_a_BinaryReader()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("checkpoint.bin");
        AtomicFile.WriteBinary(path, writer => { writer.Write("magic"); writer.Write(42); writer.Write(0.5); });
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        Assert.Equal("magic", reader.ReadString());
        Assert.Equal(42, reader.ReadInt32());
        Assert.Equal(0.5, reader.ReadDouble());
        Assert.Equal(reader.BaseStream.Length, reader.BaseStream.Position);   // nothing else in the file
    }

    [Fact]
    public void An_empty_path_is_refused()
    {
        Assert.Throws<ArgumentException>(() => AtomicFile.WriteText(" ", "x"));
    }
}
