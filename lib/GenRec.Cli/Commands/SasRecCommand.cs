// `genrec sasrec`: trains and evaluates the SASRec control (cross-entropy SASRec on TIGER's leave-one-out
// split and metrics) and writes its run folder. All the work is GenRec.Runs.SasRecRun; this file only
// reads options, loads the dataset and prints progress and the final figures.
using System.CommandLine;
using System.Text.Json;
using GenRec.Data;
using GenRec.Runs;
using GenRec.SasRec;
using GenRec.Tiger;
using TorchSharp;

namespace GenRec.Cli.Commands;

public static class SasRecCommand
{
    public static Command Create()
    {
        var dataset = CommonOptions.Dataset();
        var dataDir = CommonOptions.DataDir();
        var cacheDir = CommonOptions.CacheDir();
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation, data order and dropout (same seed → same metrics on CPU).", DefaultValueFactory = _ => 0 };
        var epochs = new Option<int?>("--epochs") { Description = $"Most training epochs (default {new SasRecTrainerConfig().MaxEpochs}; early stopping may end sooner)." };
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "LibTorch CPU threads (0: LibTorch's default, one per core). 1 is faster on a machine that other jobs keep busy.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder (config.json, training_history.json, metrics.json, predictions, checkpoints/).", Required = true };
        var command = new Command("sasrec", "Train and evaluate the SASRec baseline (full-softmax cross-entropy) on the leave-one-out split.")
        {
            dataset, dataDir, cacheDir, seed, epochs, device, threads, output,
        };
        command.SetAction(parse =>
        {
            var console = parse.InvocationConfiguration.Output;
            var trainer = new SasRecTrainerConfig();
            if (parse.GetValue(epochs) is int maxEpochs)
            {
                if (maxEpochs < 1) throw new ArgumentException($"--epochs {maxEpochs}: expected at least 1.");
                trainer = trainer with { MaxEpochs = maxEpochs };
            }
            if (parse.GetValue(threads) is var threadCount and not 0)
            {
                if (threadCount < 0) throw new ArgumentException($"--threads {threadCount}: expected 0 (default) or a positive count.");
                torch.set_num_threads(threadCount);
            }
            var data = DatasetLoading.Load(parse.GetValue(dataset)!, parse.GetValue(dataDir), parse.GetValue(cacheDir));
            var result = SasRecRun.Run(data, new SasRecRunConfig(Trainer: trainer, Device: parse.GetValue(device)!),
                parse.GetValue(seed), parse.GetValue(output)!, console.WriteLine);
            var summary = new Dictionary<string, object>
            {
                ["valid"] = SasRecRun.MetricsJson(result.Valid),
                ["test"] = SasRecRun.MetricsJson(result.Test),
                ["best_epoch"] = result.Fit.BestEpoch,
                ["train_wall_seconds"] = Math.Round(result.Fit.Seconds, 1),
                ["out"] = result.OutDir,
            };
            console.WriteLine(JsonSerializer.Serialize(summary, RunFiles.Json));
            return 0;
        });
        return command;
    }
}
