namespace GenRec.Tests;

/// <summary>Locations the tests need: the repository root (found by its solution file).</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenRecNotebooks.sln"))) return dir.FullName;
        throw new InvalidOperationException("GenRecNotebooks.sln not found above " + AppContext.BaseDirectory);
    }
}
