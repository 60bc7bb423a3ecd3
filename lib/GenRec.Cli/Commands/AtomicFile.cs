namespace GenRec.Cli.Commands;

/// <summary>Writes through a temporary file and a rename, so a reader never sees half a file.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
