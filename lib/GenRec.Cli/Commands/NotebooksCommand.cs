// `genrec notebooks --out DIR [--small]`: runs every notebook of notebooks/ top to bottom through real
// Jupyter (nbconvert under the .NET Interactive kernel) and saves the executed copies, charts included, as
// readable reports. The work is in GenRec.Runs.NotebookExecution; this file only maps options.
using System.CommandLine;
using GenRec.Data;
using GenRec.Runs;

namespace GenRec.Cli.Commands;

public static class NotebooksCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder for the executed notebooks (same file names, with outputs).", Required = true };
        var small = new Option<bool>("--small") { Description = "Set GENREC_NOTEBOOK_SMALL=1: the notebooks shrink their work (minutes, not hours)." };
        var notebooks = new Option<string?>("--notebooks") { Description = "Folder of the .ipynb files; default notebooks/ in the repository." };
        var only = new Option<string[]>("--only") { Description = "Run only these notebooks (file names, e.g. 01-data.ipynb).", AllowMultipleArgumentsPerToken = true };
        var timeout = new Option<int>("--cell-timeout") { Description = "Seconds one cell may run.", DefaultValueFactory = _ => new NotebookExecutionOptions().CellTimeoutSeconds };
        var kernel = new Option<string>("--kernel") { Description = "Jupyter kernel spec of .NET Interactive C#.", DefaultValueFactory = _ => NotebookExecution.CSharpKernel };
        var dataDir = CommonOptions.DataDir();
        var command = new Command("notebooks", $"Execute the notebooks with Jupyter (.NET kernel) and keep the executed copies. Needs {NotebookExecution.SetupScript} once.")
        {
            output, small, notebooks, only, timeout, kernel, dataDir,
        };
        command.SetAction(parse =>
        {
            var console = parse.InvocationConfiguration.Output;
            var repository = DataLocator.FindRepositoryRoot();
            var folder = parse.GetValue(notebooks) ?? Path.Combine(repository
                ?? throw new DirectoryNotFoundException($"Not inside the repository ({DataLocator.RepositoryMarker} not found above the current folder); pass --notebooks."), "notebooks");
            // this checkout's kernel specs (scripts/setup-jupyter.sh) before the user's
            var localKernels = repository is null ? null : NotebookExecution.LocalJupyterFolder(repository);
            var options = new NotebookExecutionOptions
            {
                JupyterDataDir = localKernels is not null && Directory.Exists(localKernels) ? localKernels : null,
                Small = parse.GetValue(small),
                DataDir = parse.GetValue(dataDir),
                CellTimeoutSeconds = parse.GetValue(timeout),
                KernelName = parse.GetValue(kernel)!,
            };
            var selected = parse.GetValue(only) ?? [];
            IReadOnlyList<ExecutedNotebook> results;
            if (selected.Length == 0)
                results = NotebookExecution.ExecuteAll(folder, parse.GetValue(output)!, options, console.WriteLine);
            else
            {
                NotebookExecution.CheckSetup(options);
                results = selected.Select(name =>
                {
                    console.WriteLine($"executing {name} …");
                    return NotebookExecution.Execute(Path.Combine(folder, name), parse.GetValue(output)!, options, checkSetup: false);
                }).ToArray();
            }
            console.WriteLine($"{results.Count} notebook(s) executed, {results.Sum(r => r.ChartOutputs)} chart(s) → {Path.GetFullPath(parse.GetValue(output)!)}");
            return 0;
        });
        return command;
    }
}
