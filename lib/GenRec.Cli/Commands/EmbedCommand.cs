// `genrec embed`: item text → MiniLM sentence embeddings, cached on disk; a second run is a cache hit.
using System.CommandLine;
using System.Diagnostics;
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
    /// The item embeddings of <paramref name="data"/> through the on-disk cache (computed with MiniLM on a miss),
    /// under a progress bar; every command that needs embeddings comes through here.
    /// </summary>
    public static (EmbeddingCacheResult Result, string ModelId, string TemplateId) Embed(GenRec.Data.AmazonDataset data, string? cacheDir, int threads = 0, TextWriter? console = null)
    {
        var template = ItemTextTemplate.ForCatalogue(data.Items);
        using var embedder = new MiniLmEmbedder(new MiniLmOptions { Threads = threads });
        var result = WithProgress(data.Items.Count, $"embedding {data.Items.Count:N0} {data.Name} items", progress =>
            EmbeddingCache.GetOrCompute(data.Name, data.Items, template, embedder, DatasetLoading.CacheRoot(cacheDir), progress), console);
        return (result, embedder.ModelId, template.Fingerprint);
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
