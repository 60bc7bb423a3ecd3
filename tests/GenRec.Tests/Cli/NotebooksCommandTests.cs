// `genrec notebooks` through real Jupyter: notebooks/01-data.ipynb executed small by nbconvert under the
// .NET kernel must come back with outputs and its Plotly chart; a missing kernel setup is one error line
// naming scripts/setup-jupyter.sh; and the output counter itself is checked on a hand-written notebook.
using GenRec.Cli.Commands;
using GenRec.Runs;
using GenRec.Tests.TestSupport;
using static GenRec.Tests.TestSupport.CliRunner;

namespace GenRec.Tests.Cli;

[Collection("notebooks")] // one kernel at a time: notebooks are the heaviest tests on 2 cores
public sealed class NotebooksCommandTests(ITestOutputHelper output)
{
    [Fact]
    public void Notebooks_command_executes_01_data_with_jupyter_and_keeps_its_chart()
    {
        var dataRoot = GenRec.Tests.Data.RealData.Root()
            ?? throw new InvalidOperationException("notebooks/01-data.ipynb needs the prepared datasets: set GENREC_DATA_DIR (see README, \"Getting the data\").");
        using var temp = new TempDirectory("genrec-nbexec");
        var (code, stdout, stderr) = Run("notebooks", "--out", temp.Path, "--small", "--only", "01-data.ipynb", "--data-dir", dataRoot);
        output.WriteLine(stdout + stderr);
        // Not a skip: without the kernel this fails with the command's own instruction (run scripts/setup-jupyter.sh).
        Assert.True(code == 0, $"genrec notebooks failed (exit {code}): {stderr}");

        var executed = Path.Combine(temp.Path, "01-data.ipynb");
        var (codeCells, charts) = NotebookExecution.CheckOutputs(executed);
        Assert.True(File.Exists(Path.Combine(temp.Path, "01-data.html")), "no HTML rendering next to the executed notebook");
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "notebooks", "01-data.ipynb")).Split("\"cell_type\": \"code\"").Length - 1, codeCells);
        Assert.True(charts >= 1, "the executed 01-data.ipynb has no Plotly chart output");
        Assert.Contains("1 notebook(s) executed", stdout);
    }

    [Fact]
    public void Missing_kernel_is_one_error_line_naming_the_setup_script()
    {
        using var temp = new TempDirectory("genrec-nbexec");
        var (code, _, stderr) = Run("notebooks", "--out", temp.Path, "--kernel", "no-such-kernel-xyz");
        Assert.Equal(1, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(NotebookExecution.SetupScript, line);

        var missingJupyter = Assert.Throws<JupyterSetupException>(() =>
            NotebookExecution.CheckSetup(new NotebookExecutionOptions { Jupyter = temp.Combine("no-jupyter-here") }));
        Assert.Contains(NotebookExecution.SetupScript, missingJupyter.Message);
    }

    [Fact]
    public void A_kernel_spec_naming_a_deleted_tool_is_refused_and_the_checkouts_own_folder_comes_first()
    {
        // Two Jupyter data folders hold the same kernel name: the one given as JupyterDataDir must win, as
        // Jupyter itself would pick it, and its missing program must be named before any notebook runs.
        using var temp = new TempDirectory("genrec-nbexec");
        const string kernel = "genrec-test-kernel";
        var missingTool = temp.Combine("deleted-clone", "artifacts", "tools", "dotnet-interactive");
        temp.Write(Path.Combine("local", "kernels", kernel, "kernel.json"),
            $$"""{"argv": ["{{missingTool}}", "jupyter", "{connection_file}"], "display_name": "test", "language": "C#"}""");
        var options = new NotebookExecutionOptions { KernelName = kernel, JupyterDataDir = temp.Combine("local") };

        var error = Assert.Throws<JupyterSetupException>(() => NotebookExecution.CheckSetup(options));
        Assert.Contains(missingTool, error.Message);
        Assert.Contains("does not exist", error.Message);
        Assert.Contains(NotebookExecution.SetupScript, error.Message);
        Assert.Equal(missingTool, NotebookExecution.KernelProgram(temp.Combine("local", "kernels", kernel, "kernel.json")));

        // without the folder on JUPYTER_PATH the kernel is simply not registered
        var unregistered = Assert.Throws<JupyterSetupException>(() => NotebookExecution.CheckSetup(options with { JupyterDataDir = null }));
        Assert.Contains("not registered", unregistered.Message);
    }

    [Fact]
    public void Output_check_counts_charts_and_rejects_error_outputs_and_chart_cells_without_a_chart()
    {
        using var temp = new TempDirectory("genrec-nbexec");
        const string chart = """{"output_type": "execute_result", "data": {"text/html": ["<div id=\"a\"></div><script>", "Plotly.newPlot('a', [], {});</script>"]}}""";
        const string text = """{"output_type": "display_data", "data": {"text/plain": ["42"]}}""";
        var good = temp.Write("good.ipynb", Notebook(("Charts.Bars(x, y, \"t\", \"y\")", $"[{chart}]"), ("1", $"[{text}]"), ("1", "[]")));
        Assert.Equal((3, 1), NotebookExecution.CheckOutputs(good));

        var bad = temp.Write("bad.ipynb", Notebook(("1", $"[{text}]"), ("1", """[{"output_type": "error", "ename": "Boom", "evalue": "it broke", "traceback": []}]""")));
        var error = Assert.Throws<NotebookExecutionException>(() => NotebookExecution.CheckOutputs(bad));
        Assert.Contains("cell 2", error.Message);
        Assert.Contains("Boom: it broke", error.Message);

        var blank = temp.Write("blank.ipynb", Notebook(("1", $"[{text}]"), ("var c = Charts.Lines(s, \"t\", \"x\", \"y\");\nc", $"[{text}]")));
        var missing = Assert.Throws<NotebookExecutionException>(() => NotebookExecution.CheckOutputs(blank));
        Assert.Contains("cell 2 builds a chart but shows none", missing.Message);
    }

    [Theory]
    [InlineData("Charts.Histogram(lengths, \"t\", \"x\")", true)]
    [InlineData("Plotly.NET.Chart.Line<double, double, string>(x, y)", true)]
    [InlineData("var chart = RunCharts.Validation(history);", false)]
    [InlineData("// no Charts here\nvar n = 3;", false)]
    public void A_cell_draws_a_chart_when_it_calls_a_chart_builder(string source, bool draws) =>
        Assert.Equal(draws, NotebookExecution.DrawsChart(source));

    static string Notebook(params (string Source, string Outputs)[] cells) =>
        "{\"cells\": [{\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": [\"# t\"]}, " +
        string.Join(", ", cells.Select(c => $"{{\"cell_type\": \"code\", \"metadata\": {{}}, \"source\": [{System.Text.Json.JsonSerializer.Serialize(c.Source)}], \"outputs\": {c.Outputs}}}")) +
        "], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}";
}
