// `genrec embed`: item text → MiniLM sentence embeddings, cached on disk; a second run is a cache hit.
using System.CommandLine;
using System.Diagnostics;
using GenRec.Data;
using GenRec.Text;
using Spectre.Console;

namespace GenRec.Cli.Commands;

public static class EmbedCommand
{
    public static Command Create()
    {
        var dataset = CommonOptions.Dataset();
        var dataDir = CommonOptions.DataDir();
        var cacheDir = CommonOptions.CacheDir();
        var threads = new Option<int>("--threads") { Description = "CPU threads for the encoder (0 = all cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("embed", "Compute (or reuse from the cache) the item-text embeddings of a dataset.")
        {
            dataset, dataDir, cacheDir, threads,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var clock = Stopwatch.StartNew();
            var name = parse.GetValue(dataset)!;
            var data = DatasetLoading.Load(name, parse.GetValue(dataDir), parse.GetValue(cacheDir));
            var (result, modelId, templateId) = Embed(data, parse.GetValue(cacheDir), parse.GetValue(threads), output);
            output.WriteLine($"{(result.CacheHit ? "cache hit" : "computed")}: {result.Embeddings.Count:N0} × {result.Embeddings.Dimension} " +
                             $"({modelId}, template {templateId}) in {clock.Elapsed.TotalSeconds:F1} s");
            output.WriteLine(result.FilePath);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The item embeddings of <paramref name="data"/> through the on-disk cache (computed with MiniLM on a miss,
    /// see <see cref="CatalogueEmbeddings"/>), under a progress bar; the commands that need embeddings come through here.
    /// </summary>
    public static (EmbeddingCacheResult Result, string ModelId, string TemplateId) Embed(AmazonDataset data, string? cacheDir, int threads = 0, TextWriter? console = null)
    {
        var result = WithProgress(data.Items.Count, $"embedding {data.Items.Count:N0} {data.Name} items", progress =>
            CatalogueEmbeddings.GetOrCompute(data, DatasetLoading.CacheRoot(cacheDir), threads, progress), console);
        return (result.Cache, result.ModelId, result.TemplateId);
    }

    /// <summary>
    /// Runs <paramref name="work"/> under a progress bar fed by the IProgress it receives; without a terminal,
    /// periodic plain lines on <paramref name="console"/> (<see cref="PlainProgress"/>) instead.
    /// </summary>
    public static T WithProgress<T>(int total, string label, Func<IProgress<int>, T> work, TextWriter? console = null)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            var plain = new PlainProgress(console ?? Console.Out, label);
            return work(new ImmediateProgress(done => plain.Report(done, total)));
        }
        T result = default!;
        AnsiConsole.Progress().AutoClear(true).Start(context =>
        {
            var task = context.AddTask(Markup.Escape(label), maxValue: total);
            result = work(new ImmediateProgress(done => task.Value = done));
        });
        return result;
    }

    /// <summary>Reports on the calling thread at once (Progress&lt;T&gt; would post to the thread pool).</summary>
    sealed class ImmediateProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
