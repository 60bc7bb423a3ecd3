// Stage 1 as one call: runs one semantic-ID method (RQ-VAE, a single VQ codebook, residual k-means, LSH,
// seeded random codes — the last two are the baselines of TIGER's ablation, §4.3) on
// item embeddings and collects the diagnostics that a semantic-ID folder's metrics.json reports. Shared by
// `genrec semantic-ids` and the pipeline, so both write the same numbers; the caller saves the files.
using GenRec.Quantization;
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Runs;

/// <summary>What one stage-1 run is asked to do.</summary>
/// <param name="Method">rqvae | vq | rqkmeans | lsh | random.</param>
/// <param name="Estimator">Gradient estimator of rqvae/vq: ste | gumbel | rotation.</param>
/// <param name="Seed">Seed of every random choice (same seed → same IDs on the CPU).</param>
/// <param name="Steps">Training steps of rqvae/vq (null: <see cref="RqVaeTrainingConfig"/>'s default).</param>
/// <param name="Device">Torch device name ("cpu", "cuda").</param>
/// <param name="OutDir">Folder that receives the RQ-VAE checkpoint (rqvae.pt).</param>
public sealed record SemanticIdRequest(string Method, string Estimator, long Seed, int? Steps, string Device, string OutDir);

/// <summary>Runs one stage-1 method.</summary>
public static class SemanticIdRun
{
    /// <summary>
    /// Quantizes <paramref name="x"/> (N × D embeddings of <paramref name="itemIds"/>) with the requested method;
    /// returns the de-duplicated IDs and the diagnostics (codebook usage, entropy, collisions, losses, history).
    /// <paramref name="progress"/> receives RQ-VAE training steps.
    /// </summary>
    public static (SemanticIds Ids, Dictionary<string, object> Metrics) Run(SemanticIdRequest request, Tensor x, int[] itemIds,
        IProgress<TrainingProgress>? progress = null)
    {
        var metrics = new Dictionary<string, object> { ["method"] = request.Method, ["seed"] = request.Seed };
        SemanticIds ids;
        switch (request.Method)
        {
            case "rqvae":
            case "vq":
            {
                var estimator = request.Estimator switch
                {
                    "gumbel" => Estimator.GumbelSoftmax,
                    "rotation" => Estimator.RotationTrick,
                    _ => Estimator.StraightThrough,
                };
                var modelConfig = new RqVaeConfig
                {
                    InputDim = (int)x.shape[1],
                    Levels = request.Method == "vq" ? 1 : new RqVaeConfig().Levels,
                    Estimator = estimator,
                    Seed = request.Seed,
                };
                var trainingConfig = new RqVaeTrainingConfig { Seed = request.Seed, Device = request.Device };
                if (request.Steps is int steps) trainingConfig = trainingConfig with { Steps = steps };
                using var model = new RqVae(modelConfig);
                var result = new RqVaeTrainer(trainingConfig).Train(model, x, progress);
                ids = SemanticIds.FromModel(model, x, itemIds);
                RqVaeCheckpoint.Save(model, Path.Combine(request.OutDir, "rqvae.pt"));
                var final = result.Final;
                metrics["estimator"] = request.Estimator;
                metrics["reconstruction_loss"] = final.ReconstructionLoss;
                metrics["rqvae_loss"] = final.TotalLoss;
                metrics["held_out_reconstruction_loss"] = final.HeldOutReconstructionLoss ?? double.NaN;
                metrics["training_steps"] = result.Steps;
                metrics["model_config"] = modelConfig;
                metrics["training_config"] = trainingConfig;
                metrics["history"] = result.History;
                break;
            }
            case "rqkmeans":
            case "lsh":
            {
                int codebook = new ResidualKMeansOptions().CodebookSize;
                if (request.Method == "rqkmeans" && x.shape[0] < codebook)
                    throw new ArgumentException($"Residual k-means fits {codebook} centroids per level and needs at least {codebook} items; this catalogue has {x.shape[0]}. Use the RQ-VAE (--semantic-ids rqvae).");
                IQuantizer quantizer = request.Method == "rqkmeans"
                    ? new ResidualKMeans((int)x.shape[1], new ResidualKMeansOptions(Seed: request.Seed))
                    : new LshQuantizer((int)x.shape[1], new LshOptions(Seed: request.Seed));
                try
                {
                    quantizer.InitializeFromData(x);
                    ids = SemanticIds.FromQuantizer(quantizer, x, itemIds);
                    using var _ = no_grad();
                    using var output = quantizer.forward(x);
                    using var error = (x - output.Quantized).Squared().sum(1).mean(); // summed over dims, mean over items (Squared: no temporary Scalar)
                    metrics["reconstruction_loss"] = (double)error.item<float>();
                }
                finally { ((IDisposable)quantizer).Dispose(); }
                break;
            }
            case "random":
                // no quantizer and no reconstruction: the codes ignore the embeddings (only their item ids count)
                ids = RandomIds.Assign(itemIds, new RandomIdOptions(Seed: request.Seed));
                break;
            default: throw new ArgumentException($"Unknown method \"{request.Method}\": expected rqvae, vq, rqkmeans, lsh or random.");
        }

        int k = ids.CodebookSize;
        var collisions = ids.Collisions();
        metrics["items"] = ids.Count;
        metrics["levels"] = ids.Levels;
        metrics["codebook_size"] = k;
        metrics["codebook_usage"] = CodebookMetrics.UsagePerLevel(ids.Codes, k);
        metrics["entropy_bits"] = CodebookMetrics.EntropyBits(ids.Codes, k);
        metrics["perplexity"] = CodebookMetrics.Perplexity(ids.Codes, k);
        metrics["unique_fraction_before_dedup"] = CodebookMetrics.UniqueItemFraction(ids.Codes);
        metrics["distinct_tuple_fraction"] = CodebookMetrics.DistinctTupleFraction(ids.Codes);
        metrics["max_id_duplicates"] = CodebookMetrics.MaxDuplicateFraction(ids.Codes);
        metrics["max_id_duplicates_count"] = CodebookMetrics.MaxDuplicates(ids.Codes);
        metrics["colliding_items"] = collisions.CollidingItems;
        metrics["collision_groups"] = collisions.Groups.Count;
        metrics["dedup_levels_needed"] = ids.Dedup.Max() + 1;
        return (ids, metrics);
    }
}
