// Executes notebooks through real Jupyter — `jupyter nbconvert --to notebook --execute` under the .NET
// Interactive kernel (.net-csharp) — and keeps the executed copies, outputs and charts included, as reports.
// This is the route a user's Jupyter takes (unlike the in-process kernel of the test suite), so it also
// catches kernel-level problems such as the FSharp.Core mismatch fixed by scripts/setup-jupyter.sh.
//
// Which kernel: setup-jupyter.sh writes this checkout's kernel specs into <repo>/artifacts/jupyter/kernels
// (and, for VS Code / JupyterLab, into the user's Jupyter folder, where the last checkout set up wins).
// Commands here put the checkout's folder first on JUPYTER_PATH, so a second clone, or a deleted one whose
// user-level spec still names its tool, never runs another checkout's kernel.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenRec.Runs;

/// <summary>Options of <see cref="NotebookExecution"/>.</summary>
public sealed record NotebookExecutionOptions
{
    /// <summary>Sets GENREC_NOTEBOOK_SMALL=1 for the kernel (notebooks shrink their work).</summary>
    public bool Small { get; init; }
    /// <summary>GENREC_DATA_DIR for the kernel; null keeps this process's environment.</summary>
    public string? DataDir { get; init; }
    /// <summary>Seconds one cell may run before nbconvert stops the notebook.</summary>
    public int CellTimeoutSeconds { get; init; } = 1800;
    /// <summary>The jupyter executable (default: "jupyter" on PATH).</summary>
    public string Jupyter { get; init; } = "jupyter";
    /// <summary>Kernel spec name of the .NET Interactive C# kernel.</summary>
    public string KernelName { get; init; } = NotebookExecution.CSharpKernel;
    /// <summary>
    /// A Jupyter data folder searched before all others (prepended to JUPYTER_PATH), normally this
    /// checkout's <c>artifacts/jupyter</c> (<see cref="NotebookExecution.LocalJupyterFolder"/>); null: Jupyter's own search.
    /// </summary>
    public string? JupyterDataDir { get; init; }
    /// <summary>More environment variables for nbconvert and the kernel it starts (e.g. LD_LIBRARY_PATH in a test).</summary>
    public IReadOnlyDictionary<string, string>? ExtraEnvironment { get; init; }
}

/// <summary>One executed notebook.</summary>
/// <param name="Notebook">Path of the source notebook.</param>
/// <param name="ExecutedPath">Path of the executed copy (with outputs).</param>
/// <param name="CodeCells">Code cells in the notebook.</param>
/// <param name="ChartOutputs">Outputs that hold a Plotly chart.</param>
/// <param name="Seconds">Wall time of the nbconvert run.</param>
/// <param name="HtmlPath">The executed copy rendered to a standalone HTML page (charts work offline).</param>
public sealed record ExecutedNotebook(string Notebook, string ExecutedPath, int CodeCells, int ChartOutputs, double Seconds, string HtmlPath);

/// <summary>Jupyter or the .NET kernel is missing: the message names the setup script.</summary>
public sealed class JupyterSetupException(string message) : InvalidOperationException(message);

/// <summary>A notebook failed under nbconvert; the message carries nbconvert's own error text.</summary>
public sealed class NotebookExecutionException(string message) : InvalidOperationException(message);

/// <summary>Runs notebooks with `jupyter nbconvert --execute`.</summary>
public static class NotebookExecution
{
    /// <summary>Kernel spec registered by scripts/setup-jupyter.sh.</summary>
    public const string CSharpKernel = ".net-csharp";
    /// <summary>The script that sets up Jupyter and the kernel, relative to the repository root.</summary>
    public const string SetupScript = "scripts/setup-jupyter.sh";

    /// <summary>Where <see cref="SetupScript"/> puts the checkout's own kernel specs (a Jupyter data folder).</summary>
    public static string LocalJupyterFolder(string repositoryRoot) => Path.Combine(repositoryRoot, "artifacts", "jupyter");

    /// <summary>
    /// Throws <see cref="JupyterSetupException"/> (one line naming <see cref="SetupScript"/>) unless jupyter
    /// nbconvert runs and the kernel spec is registered.
    /// </summary>
    public static void CheckSetup(NotebookExecutionOptions? options = null)
    {
        options ??= new NotebookExecutionOptions();
        var environment = JupyterEnvironment(options);
        var (exit, output) = Run(options.Jupyter, ["--paths", "--json"], environment, TimeSpan.FromSeconds(60));
        if (exit != 0)
            throw new JupyterSetupException($"Jupyter is not set up ('{options.Jupyter} --paths' failed: {LastLine(output)}); run {SetupScript}.");
        var dataDirs = JsonNode.Parse(output[output.IndexOf('{')..])?["data"]?.AsArray().Select(d => d!.GetValue<string>()) ?? [];
        // Jupyter takes the first folder in search order that holds the spec; so do we.
        var spec = dataDirs.Select(d => Path.Combine(d, "kernels", options.KernelName, "kernel.json")).FirstOrDefault(File.Exists)
            ?? throw new JupyterSetupException($"The .NET Interactive Jupyter kernel '{options.KernelName}' is not registered; run {SetupScript}.");
        var program = KernelProgram(spec);
        if (program is not null && Path.IsPathFullyQualified(program) && !File.Exists(program))
            throw new JupyterSetupException($"The Jupyter kernel '{options.KernelName}' ({spec}) starts {program}, which does not exist (a moved or deleted checkout?); run {SetupScript}.");
        (exit, output) = Run(options.Jupyter, ["nbconvert", "--version"], environment, TimeSpan.FromSeconds(60));
        if (exit != 0)
            throw new JupyterSetupException($"'jupyter nbconvert' is not installed ({LastLine(output)}); run {SetupScript}.");
    }

    /// <summary>Executes every *.ipynb of <paramref name="notebooksDir"/> in name order into <paramref name="outDir"/>.</summary>
    public static IReadOnlyList<ExecutedNotebook> ExecuteAll(string notebooksDir, string outDir, NotebookExecutionOptions? options = null, Action<string>? progress = null)
    {
        if (!Directory.Exists(notebooksDir)) throw new DirectoryNotFoundException($"Notebook folder {Path.GetFullPath(notebooksDir)} does not exist.");
        var notebooks = Directory.EnumerateFiles(notebooksDir, "*.ipynb").Order(StringComparer.Ordinal).ToArray();
        if (notebooks.Length == 0) throw new FileNotFoundException($"No *.ipynb in {Path.GetFullPath(notebooksDir)}.");
        CheckSetup(options);
        var results = new List<ExecutedNotebook>();
        foreach (var notebook in notebooks)
        {
            progress?.Invoke($"executing {Path.GetFileName(notebook)} …");
            var result = Execute(notebook, outDir, options, checkSetup: false);
            progress?.Invoke($"  {result.CodeCells} code cells, {result.ChartOutputs} charts, {result.Seconds:F0} s → {result.ExecutedPath}");
            results.Add(result);
        }
        return results;
    }

    /// <summary>
    /// Executes one notebook top to bottom into <paramref name="outDir"/> (same file name), checks it
    /// (<see cref="CheckOutputs"/>) and renders it to HTML beside it. A failing cell throws
    /// <see cref="NotebookExecutionException"/> with nbconvert's error; the partly executed copy, if any, is kept.
    /// </summary>
    public static ExecutedNotebook Execute(string notebook, string outDir, NotebookExecutionOptions? options = null, bool checkSetup = true)
    {
        options ??= new NotebookExecutionOptions();
        notebook = Path.GetFullPath(notebook);
        if (!File.Exists(notebook)) throw new FileNotFoundException($"Notebook {notebook} does not exist.", notebook);
        if (checkSetup) CheckSetup(options);
        CheckReferencedAssemblies(notebook);
        outDir = Directory.CreateDirectory(outDir).FullName;
        var environment = JupyterEnvironment(options);
        environment["GENREC_NOTEBOOK_SMALL"] = options.Small ? "1" : Environment.GetEnvironmentVariable("GENREC_NOTEBOOK_SMALL");
        environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        if (options.DataDir is not null) environment[Data.DataLocator.EnvironmentVariable] = Path.GetFullPath(options.DataDir);
        foreach (var (key, value) in options.ExtraEnvironment ?? new Dictionary<string, string>()) environment[key] = value;

        var watch = Stopwatch.StartNew();
        var (exit, output) = Run(options.Jupyter,
        [
            "nbconvert", "--to", "notebook", "--execute",
            $"--ExecutePreprocessor.kernel_name={options.KernelName}",
            $"--ExecutePreprocessor.timeout={options.CellTimeoutSeconds}",
            "--output-dir", outDir, notebook,
        ], environment, TimeSpan.FromSeconds(options.CellTimeoutSeconds * 4 + 300));
        watch.Stop();
        if (exit != 0)
            throw new NotebookExecutionException($"{Path.GetFileName(notebook)} failed under jupyter nbconvert (exit {exit}): {ErrorSummary(output)}");
        var executed = Path.Combine(outDir, Path.GetFileName(notebook));
        var (codeCells, charts) = CheckOutputs(executed);
        return new ExecutedNotebook(notebook, executed, codeCells, charts, watch.Elapsed.TotalSeconds, RenderHtml(executed, options));
    }

    /// <summary>
    /// A `#r "relative/path.dll"` whose file is missing would fail deep inside the kernel; say up front which
    /// file is missing (notebooks load the library from artifacts/lib, which `dotnet build lib/GenRec` fills).
    /// </summary>
    static void CheckReferencedAssemblies(string notebook)
    {
        var directory = Path.GetDirectoryName(notebook)!;
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(notebook), "#r \\\\\"([^\"\\\\]+\\.dll)\\\\\""))
        {
            var path = Path.GetFullPath(Path.Combine(directory, m.Groups[1].Value));
            if (!File.Exists(path))
                throw new FileNotFoundException($"{Path.GetFileName(notebook)} loads {m.Groups[1].Value}, which does not exist ({path}); build the library first: dotnet build lib/GenRec", path);
        }
    }

    /// <summary>
    /// Checks an executed .ipynb the way a reader would: no cell may hold an error output, and every cell that
    /// builds a chart (its source calls a chart builder: <c>Charts.…</c> of GenRec.Plots or Plotly.NET's <c>Chart.…</c>)
    /// must show one. Returns (code cells, outputs holding a Plotly chart); a failed check throws
    /// <see cref="NotebookExecutionException"/> naming the cell.
    /// </summary>
    public static (int CodeCells, int ChartOutputs) CheckOutputs(string executedNotebook)
    {
        var root = JsonNode.Parse(File.ReadAllText(executedNotebook)) ?? throw new InvalidDataException($"{executedNotebook}: empty notebook.");
        int code = 0, charts = 0;
        foreach (var cell in root["cells"]?.AsArray() ?? [])
        {
            if (cell?["cell_type"]?.GetValue<string>() != "code") continue;
            code++;
            var cellCharts = 0;
            foreach (var output in cell["outputs"]?.AsArray() ?? [])
            {
                if (output?["output_type"]?.GetValue<string>() == "error")
                    throw new NotebookExecutionException($"{executedNotebook}: cell {code} has an error output ({output["ename"]}: {output["evalue"]}).");
                var data = output?["data"] as JsonObject;
                if (data is null) continue;
                var html = Text(data["text/html"]);
                if (data.ContainsKey("application/vnd.plotly.v1+json") || html.Contains("Plotly.newPlot", StringComparison.Ordinal)) cellCharts++;
            }
            if (cellCharts == 0 && DrawsChart(Text(cell["source"])))
                throw new NotebookExecutionException($"{executedNotebook}: cell {code} builds a chart but shows none (no Plotly output).");
            charts += cellCharts;
        }
        return (code, charts);

        static string Text(JsonNode? node) => node switch
        {
            JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>())),
            JsonValue v => v.GetValue<string>(),
            _ => "",
        };
    }

    /// <summary>True when cell source calls a chart builder (GenRec.Plots.Charts or Plotly.NET's Chart).</summary>
    public static bool DrawsChart(string source) => System.Text.RegularExpressions.Regex.IsMatch(source, @"\bCharts?\.[A-Z]\w*\s*[(<]");

    /// <summary>Code cells of a notebook (executed or not) whose source builds a chart (<see cref="DrawsChart"/>).</summary>
    public static int ChartCells(string notebook) =>
        (JsonNode.Parse(File.ReadAllText(notebook))?["cells"]?.AsArray() ?? [])
        .Count(cell => cell?["cell_type"]?.GetValue<string>() == "code" && DrawsChart(cell["source"] switch
        {
            JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>())),
            JsonValue v => v.GetValue<string>(),
            _ => "",
        }));

    /// <summary>
    /// Renders an executed notebook to a standalone HTML page next to it (`jupyter nbconvert --to html`); its charts
    /// carry plotly.js (see Plots/NotebookCharts), so the page shows them without a network. Returns the page's path.
    /// </summary>
    public static string RenderHtml(string executedNotebook, NotebookExecutionOptions? options = null)
    {
        options ??= new NotebookExecutionOptions();
        executedNotebook = Path.GetFullPath(executedNotebook);
        var (exit, output) = Run(options.Jupyter, ["nbconvert", "--to", "html", executedNotebook], JupyterEnvironment(options), TimeSpan.FromMinutes(5));
        var html = Path.ChangeExtension(executedNotebook, ".html");
        if (exit != 0 || !File.Exists(html))
            throw new NotebookExecutionException($"{Path.GetFileName(executedNotebook)}: jupyter nbconvert --to html failed (exit {exit}): {LastLine(output)}");
        return html;
    }

    /// <summary>nbconvert's own error lines (the cell's exception), without the kernel's hosting chatter.</summary>
    static string ErrorSummary(string output)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0 && !l.StartsWith("info:", StringComparison.Ordinal) && !l.StartsWith("      ", StringComparison.Ordinal)).ToArray();
        var start = Array.FindLastIndex(lines, l => l.Contains("CellExecutionError", StringComparison.Ordinal) || l.Contains("Error", StringComparison.Ordinal));
        var tail = start >= 0 ? lines[start..].Take(12) : lines.TakeLast(12);
        return string.Join(" | ", tail);
    }

    /// <summary>JUPYTER_PATH with <see cref="NotebookExecutionOptions.JupyterDataDir"/> first, when one is given.</summary>
    static Dictionary<string, string?> JupyterEnvironment(NotebookExecutionOptions options)
    {
        var environment = new Dictionary<string, string?>();
        if (options.JupyterDataDir is not null)
        {
            var inherited = Environment.GetEnvironmentVariable("JUPYTER_PATH");
            environment["JUPYTER_PATH"] = string.IsNullOrEmpty(inherited)
                ? Path.GetFullPath(options.JupyterDataDir)
                : Path.GetFullPath(options.JupyterDataDir) + Path.PathSeparator + inherited;
        }
        return environment;
    }

    /// <summary>argv[0] of a kernel spec (the program Jupyter starts), or null when the file has none.</summary>
    public static string? KernelProgram(string kernelJson)
    {
        try
        {
            var argv = JsonNode.Parse(File.ReadAllText(kernelJson))?["argv"]?.AsArray();
            return argv is { Count: > 0 } ? argv[0]?.GetValue<string>() : null;
        }
        catch (JsonException e)
        {
            throw new JupyterSetupException($"The Jupyter kernel spec {kernelJson} is not valid JSON ({e.Message}); run {SetupScript}.");
        }
    }

    static string LastLine(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? "no output";

    /// <summary>Runs a process, merging stdout and stderr; a missing executable gives exit code 127.</summary>
    static (int Exit, string Output) Run(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (key, value) in environment)
                if (value is null) start.Environment.Remove(key); else start.Environment[key] = value;
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e) { return (127, $"{file}: {e.Message}"); }
        using (process)
        {
            var output = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (124, output + $"\ntimed out after {timeout.TotalSeconds:F0} s");
            }
            process.WaitForExit();
            lock (output) return (process.ExitCode, output.ToString());
        }
    }
}
