// Runs a Jupyter notebook's C# cells in-process on a .NET Interactive kernel, the robust CI route
// (see ../shared/TOOLCHAIN.md): parse the .ipynb, submit each C# cell in order, and collect every error
// (a failed command, an error event or an error diagnostic) together with the cell that caused it.
using System.Text;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace GenRec.Tests.Notebooks;

public sealed record CellRun(int Index, string Code, TimeSpan Elapsed, IReadOnlyList<string> Errors, IReadOnlyList<string> Outputs);

public static class NotebookRunner
{
    static readonly KernelInfoCollection Kernels = new()
    {
        new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", "C#", new[] { "c#", "C#", "cs" }),
    };

    /// <summary>Executes every C# cell; stops at the first failing cell and returns what ran.</summary>
    public static async Task<IReadOnlyList<CellRun>> RunAsync(string notebookPath)
    {
        var document = Notebook.Parse(await File.ReadAllTextAsync(notebookPath), Kernels);
        using var kernel = new CompositeKernel
        {
            new CSharpKernel().UseNugetDirective((k, references) =>
            {
                k.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            }, forceRestore: false),
        };
        kernel.DefaultKernelName = "csharp";
        // The Jupyter kernel brings the helpers display(...) etc. into scope; do the same here.
        await kernel.SendAsync(new SubmitCode("using static Microsoft.DotNet.Interactive.Kernel;", "csharp"));

        // Jupyter starts the kernel in the notebook's folder, so relative paths in cells mean that folder.
        var previousDirectory = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Path.GetDirectoryName(Path.GetFullPath(notebookPath))!);
        var runs = new List<CellRun>();
        try
        {
            int index = 0;
            foreach (var cell in document.Elements)
            {
                index++;
                if (cell.KernelName is not ("csharp" or "C#" or "c#") || string.IsNullOrWhiteSpace(cell.Contents)) continue;
                var started = DateTime.UtcNow;
                var result = await kernel.SendAsync(new SubmitCode(cell.Contents, "csharp"));
                var errors = new List<string>();
                var outputs = new List<string>();
                foreach (var e in result.Events)
                {
                    switch (e)
                    {
                        case CommandFailed failed: errors.Add(failed.Message + (failed.Exception is null ? "" : "\n" + failed.Exception)); break;
                        case ErrorProduced error: errors.Add(error.Message); break;
                        case DiagnosticsProduced d:
                            errors.AddRange(d.Diagnostics.Where(x => x.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).Select(x => x.ToString()));
                            break;
                        case DisplayEvent display:
                            var shown = display.FormattedValues.FirstOrDefault(v => v.MimeType == "text/plain")
                                        ?? display.FormattedValues.FirstOrDefault();
                            if (shown is not null) outputs.Add(shown.Value);
                            break;
                    }
                }
                runs.Add(new CellRun(index, cell.Contents, DateTime.UtcNow - started, errors, outputs));
                if (errors.Count > 0) break;
            }
        }
        finally
        {
            Directory.SetCurrentDirectory(previousDirectory);
        }
        return runs;
    }

    public static string Describe(IEnumerable<CellRun> runs)
    {
        var text = new StringBuilder();
        foreach (var run in runs)
        {
            text.AppendLine($"cell {run.Index} ({run.Elapsed.TotalSeconds:F1} s){(run.Errors.Count > 0 ? " FAILED" : "")}");
            foreach (var shown in run.Outputs) text.AppendLine("  out: " + (shown.Length > 400 ? shown[..400] + "…" : shown));
            foreach (var error in run.Errors) text.AppendLine("  error: " + error);
            if (run.Errors.Count > 0) text.AppendLine("  code:\n" + run.Code);
        }
        return text.ToString();
    }
}
