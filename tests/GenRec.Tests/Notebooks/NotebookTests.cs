// Executes every notebook under notebooks/ top to bottom, shrunk by GENREC_NOTEBOOK_SMALL=1 (unless already set) so the
// whole suite stays within minutes on 2 cores. A notebook passes when no cell raises an error.
namespace GenRec.Tests.Notebooks;

[CollectionDefinition("notebooks", DisableParallelization = true)]
public sealed class NotebookCollection { }

[Collection("notebooks")]
public sealed class NotebookTests(ITestOutputHelper output)
{
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "notebooks"), "*.ipynb").Order())
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_top_to_bottom_without_errors(string notebook)
    {
        // Shrunk unless the caller chose: GENREC_NOTEBOOK_SMALL=0 runs the notebooks at full size.
        if (Environment.GetEnvironmentVariable("GENREC_NOTEBOOK_SMALL") is null) Environment.SetEnvironmentVariable("GENREC_NOTEBOOK_SMALL", "1");
        // Notebooks find data the way a user's kernel does (GENREC_DATA_DIR); point it at the real data.
        var dataRoot = GenRec.Tests.Data.RealData.Root()
            ?? throw new InvalidOperationException("The notebooks need the prepared datasets: set GENREC_DATA_DIR (see README, \"Getting the data\").");
        Environment.SetEnvironmentVariable(GenRec.Data.DataLocator.EnvironmentVariable, dataRoot);
        var runs = await NotebookRunner.RunAsync(Path.Combine(TestPaths.RepoRoot, "notebooks", notebook));
        output.WriteLine(NotebookRunner.Describe(runs));
        Assert.NotEmpty(runs);
        Assert.All(runs, run => Assert.Empty(run.Errors));
    }
}

/// <summary>The harness itself must see a failing cell, or a green notebook suite would mean nothing.</summary>
[Collection("notebooks")]
public sealed class NotebookRunnerTests
{
    [Fact]
    public async Task Runner_reports_exceptions_and_compile_errors_and_stops_at_the_failing_cell()
    {
        var dir = Directory.CreateTempSubdirectory("genrec-nb-");
        try
        {
            foreach (var (name, code) in new[] { ("throws", "throw new InvalidOperationException(\"boom\");"), ("compile", "int x = \"not an int\";") })
            {
                var path = Path.Combine(dir.FullName, name + ".ipynb");
                File.WriteAllText(path, TinyNotebook("1 + 1", code, "2 + 2"));
                var runs = await NotebookRunner.RunAsync(path);
                Assert.Equal(2, runs.Count); // the third cell never ran
                Assert.Empty(runs[0].Errors);
                Assert.Contains("<pre>2</pre>", string.Join("\n", runs[0].Outputs)); // the displayed value of 1 + 1
                Assert.NotEmpty(runs[1].Errors);
                Assert.Contains(name == "throws" ? "boom" : "CS0029", string.Join("\n", runs[1].Errors));
            }
        }
        finally { dir.Delete(recursive: true); }
    }

    /// <summary>A notebook of C# code cells (the .NET kernel's spec), as Jupyter would save it before running.</summary>
    internal static string TinyNotebook(params string[] cells) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            cells = cells.Select((source, i) => new
            {
                cell_type = "code", execution_count = (int?)null, id = $"cell{i}", outputs = Array.Empty<object>(),
                metadata = new { dotnet_interactive = new { language = "csharp" } }, source,
            }),
            metadata = new { kernelspec = new { display_name = ".NET (C#)", language = "C#", name = ".net-csharp" }, language_info = new { name = "C#" } },
            nbformat = 4, nbformat_minor = 5,
        });
}
