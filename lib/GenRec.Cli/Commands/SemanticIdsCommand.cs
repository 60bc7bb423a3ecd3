// `genrec semantic-ids`: item embeddings → semantic IDs with one of the stage-1 methods (RQ-VAE, a single
// VQ codebook, training-free residual k-means, random-hyperplane LSH). Writes the IDs as Parquet, the
// diagnostics as metrics.json and, for the trained methods, the model checkpoint.
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using GenRec.Quantization;
using GenRec.Data;
using GenRec.Runs;
using GenRec.Text;
using TorchSharp;

namespace GenRec.Cli.Commands;

public static class SemanticIdsCommand
{
    public static Command Create()
    {
        var dataset = CommonOptions.Dataset();
        var dataDir = CommonOptions.DataDir();
        var cacheDir = CommonOptions.CacheDir();
        var method = new Option<string>("--method") { Description = "rqvae | vq | rqkmeans | lsh | random", DefaultValueFactory = _ => "rqvae" };
        method.AcceptOnlyFromAmong("rqvae", "vq", "rqkmeans", "lsh", "random");
        var estimator = new Option<string>("--estimator") { Description = "Gradient estimator of rqvae/vq: ste | gumbel | rotation", DefaultValueFactory = _ => "ste" };
        estimator.AcceptOnlyFromAmong("ste", "gumbel", "rotation");
        var seed = new Option<long>("--seed") { Description = "Seed of every random choice (same seed → same IDs on CPU).", DefaultValueFactory = _ => 0 };
        var steps = new Option<int?>("--steps") { Description = $"Training steps of rqvae/vq (default {new RqVaeTrainingConfig().Steps})." };
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda", DefaultValueFactory = _ => "auto" };
        var output = new Option<string>("--out") { Description = "Output folder (semantic_ids.parquet, metrics.json, checkpoint).", Required = true };
        var command = new Command("semantic-ids", "Quantize item embeddings into semantic IDs and report codebook diagnostics.")
        {
            dataset, dataDir, cacheDir, method, estimator, seed, steps, device, output,
        };
        command.SetAction(parse =>
        {
            var console = parse.InvocationConfiguration.Output;
            var outDir = Directory.CreateDirectory(parse.GetValue(output)!).FullName;
            var name = parse.GetValue(dataset)!;
            var data = DatasetLoading.Load(name, parse.GetValue(dataDir), parse.GetValue(cacheDir));
            var (embedded, modelId, templateId) = EmbedCommand.Embed(data, parse.GetValue(cacheDir), console: parse.InvocationConfiguration.Output);
            var embeddings = embedded.Embeddings;
            var torchDevice = TorchDevice.Pick(parse.GetValue(device));
            using var x = torch.tensor(embeddings.Vectors, embeddings.Count, embeddings.Dimension).to(torchDevice); // (N, D)

            var request = new SemanticIdRequest(parse.GetValue(method)!, parse.GetValue(estimator)!, parse.GetValue(seed),
                parse.GetValue(steps), torchDevice.ToString(), outDir);
            var clock = Stopwatch.StartNew();
            var (ids, metrics) = SemanticIdRun.Run(request, x, embeddings.ItemIds);
            metrics["wall_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
            metrics["dataset"] = name;
            metrics["embedding_model"] = modelId;
            metrics["text_template"] = templateId;

            SemanticIdsParquet.Save(ids, Path.Combine(outDir, "semantic_ids.parquet"));
            RunFiles.WriteJson(Path.Combine(outDir, "metrics.json"), metrics);
            console.WriteLine($"{request.Method}: usage per level [{string.Join(", ", ((double[])metrics["codebook_usage"]).Select(u => u.ToString("F3")))}], " +
                              $"unique before de-dup {metrics["unique_fraction_before_dedup"]:F4}, max id duplicates {metrics["max_id_duplicates_count"]}, " +
                              $"{clock.Elapsed.TotalSeconds:F1} s → {outDir}");
            return 0;
        });
        return command;
    }
}
