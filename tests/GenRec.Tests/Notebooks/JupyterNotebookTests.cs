// Every notebook through the route a user's Jupyter takes: `jupyter nbconvert --execute` under the .NET
// Interactive kernel (scripts/setup-jupyter.sh), shrunk by GENREC_NOTEBOOK_SMALL=1, checked as a reader would
// (NotebookExecution.CheckOutputs: no error output, a chart wherever a cell builds one), rendered to HTML and
// opened in headless Chromium with every network request blocked: each chart must draw from the plotly.js the
// notebook carries. The in-process harness (NotebookTests) stays for fast feedback; it cannot see kernel-level
// failures such as TorchSharp's native loading (lib/GenRec/TorchNatives.cs), which the last test here recreates.
using System.Diagnostics;
using GenRec.Runs;
using GenRec.Tests.TestSupport;

namespace GenRec.Tests.Notebooks;

[Collection("notebooks")] // one kernel at a time: notebooks are the heaviest tests on 2 cores
public sealed class JupyterNotebookTests(ITestOutputHelper output)
{
    static NotebookExecutionOptions Options(IReadOnlyDictionary<string, string>? environment = null)
    {
        var local = NotebookExecution.LocalJupyterFolder(TestPaths.RepoRoot);
        return new NotebookExecutionOptions
        {
            Small = true,
            DataDir = GenRec.Tests.Data.RealData.Root()
                ?? throw new InvalidOperationException("The notebooks need the prepared datasets: set GENREC_DATA_DIR (see README, \"Getting the data\")."),
            JupyterDataDir = Directory.Exists(local) ? local : null,
            CellTimeoutSeconds = 900,
            ExtraEnvironment = environment,
        };
    }

    [Theory]
    [MemberData(nameof(NotebookTests.Notebooks), MemberType = typeof(NotebookTests))]
    public async Task Notebook_runs_in_the_real_kernel_and_its_charts_draw_offline(string notebook)
    {
        using var temp = new TempDirectory("genrec-jupyter");
        var source = Path.Combine(TestPaths.RepoRoot, "notebooks", notebook);
        // Not a skip: without Jupyter this fails with the instruction to run scripts/setup-jupyter.sh.
        var result = NotebookExecution.Execute(source, temp.Path, Options());
        output.WriteLine($"{notebook}: {result.CodeCells} code cells, {result.ChartOutputs} charts, {result.Seconds:F0} s");

        var drawing = NotebookExecution.ChartCells(source);
        Assert.True(result.ChartOutputs >= drawing, $"{drawing} cells build charts, {result.ChartOutputs} chart outputs");
        var view = await OfflineBrowser.Open(result.HtmlPath, result.ChartOutputs, "div.genrec-chart", log: output.WriteLine);
        Assert.Equal(result.ChartOutputs, view.Wrappers);
        Assert.Equal(result.ChartOutputs, view.Drawn);
        // Blocked requests are the kernel's own helper scripts (require.js from a CDN), never a chart's.
        Assert.DoesNotContain(view.Blocked, url => url.Contains("plot.ly", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(view.Errors, e => e.Contains("Plotly", StringComparison.Ordinal));
    }

    [Fact]
    public void A_throwing_cell_fails_the_notebook_with_its_exception()
    {
        using var temp = new TempDirectory("genrec-jupyter");
        var notebook = temp.Write("throws.ipynb", NotebookRunnerTests.TinyNotebook("1 + 1", "throw new InvalidOperationException(\"boom from a cell\");", "2 + 2"));
        var error = Assert.Throws<NotebookExecutionException>(() => NotebookExecution.Execute(notebook, temp.Combine("out"), Options()));
        output.WriteLine(error.Message);
        Assert.Contains("boom from a cell", error.Message);
    }

    /// <summary>
    /// A LibTorch on the system search path (as Debian's python3-torch installs one) is what broke TorchSharp in the
    /// kernel. Recreated with two stand-in libraries compiled here — libtorch_cpu.so and the libc10.so it needs,
    /// neither exporting what TorchSharp needs — put first on LD_LIBRARY_PATH: without TorchNatives.Load() the
    /// first torch call fails exactly as users saw it; with it, TorchSharp runs on the packaged LibTorch.
    /// </summary>
    [Fact]
    public void TorchSharp_loads_in_the_kernel_despite_a_foreign_libtorch_on_the_search_path()
    {
        using var temp = new TempDirectory("genrec-jupyter");
        var foreign = temp.Combine("foreign-libtorch");
        Directory.CreateDirectory(foreign);
        Compile(foreign, "libc10.so", "int foreign_c10_marker = 1;");
        Compile(foreign, "libtorch_cpu.so", "extern int foreign_c10_marker; int foreign_torch_cpu(void) { return foreign_c10_marker; }", "-L.", "-lc10");
        var environment = new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = foreign };
        var library = Path.Combine(TestPaths.RepoRoot, "artifacts", "lib", "GenRec.dll");
        var packages = $"#r \"nuget: TorchSharp, 0.107.0\"\n#r \"nuget: libtorch-cpu-linux-x64, 2.10.0\"\n#r \"{library}\"";
        const string use = "TorchSharp.torch.ones(3).sum().item<float>()";
        var brokenNotebook = temp.Write("without.ipynb", NotebookRunnerTests.TinyNotebook(packages, use));
        var fixedNotebook = temp.Write("with-torchnatives.ipynb", NotebookRunnerTests.TinyNotebook(packages + "\nGenRec.TorchNatives.Load()", use));

        var broken = Assert.Throws<NotebookExecutionException>(() => NotebookExecution.Execute(brokenNotebook, temp.Combine("out"), Options(environment)));
        output.WriteLine("without TorchNatives.Load(): " + broken.Message);
        Assert.Contains("TorchSharp", broken.Message);

        var result = NotebookExecution.Execute(fixedNotebook, temp.Combine("out"), Options(environment));
        var executed = File.ReadAllText(result.ExecutedPath);
        Assert.Contains("TorchNatives: LibTorch from", executed);
        Assert.Contains("<pre>3</pre>", executed); // ones(3).sum()
    }

    static void Compile(string folder, string library, string code, params string[] linkArguments)
    {
        var source = Path.Combine(folder, Path.ChangeExtension(library, ".c"));
        File.WriteAllText(source, code + "\n");
        var start = new ProcessStartInfo("gcc") { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])["-shared", "-fPIC", "-o", library, $"-Wl,-soname,{library}", source, .. linkArguments]) start.ArgumentList.Add(a);
        using var gcc = Process.Start(start) ?? throw new InvalidOperationException("gcc did not start (install gcc: the test builds two stand-in libraries).");
        var errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        Assert.True(gcc.ExitCode == 0, $"gcc failed for {library}: {errors}");
    }
}
