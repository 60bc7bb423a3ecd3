namespace GenRec.Cli.Commands;

/// <summary>Writes through a temporary file and a rename, so a reader never sees half a file.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) => GenRec.Runs.RunFiles.WriteText(path, text);
}
