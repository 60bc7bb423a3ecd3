// `genrec run`: the whole TIGER pipeline in one command — data → embeddings → semantic IDs → TIGER training →
// evaluation → SASRec control → report.html — into one run folder. The pipeline itself is the library's
// (GenRec.Runs.Pipeline: stages, caching, resume, config.json, metrics.json); this file only turns the
// arguments into PipelineOptions, and RunConsole draws the progress and the summary.
using System.CommandLine;
using GenRec.Runs;

namespace GenRec.Cli.Commands;

public static class RunCommand
{
    public static Command Create()
    {
        var dataset = CommonOptions.Dataset();
        var dataDir = CommonOptions.DataDir();
        var cacheDir = CommonOptions.CacheDir();
        var preset = CommonOptions.Preset();
        var model = CommonOptions.Model();
        var seed = new Option<long>("--seed") { Description = "Seed of every stage (same seed → same semantic IDs and metrics on CPU).", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Run folder (default runs/<dataset>-<preset>-seed<seed>)." };
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda", DefaultValueFactory = _ => "auto" };
        var method = new Option<string?>("--semantic-ids") { Description = "Stage-1 method: rqvae | rqkmeans | lsh | random (default: the one the preset was tuned on, see `genrec presets`)." };
        method.AcceptOnlyFromAmong([.. PipelineConfig.SemanticIdMethods]);
        var rqvaeSteps = new Option<int?>("--rqvae-steps") { Description = "Override the RQ-VAE training steps." };
        var tigerSteps = new Option<int?>("--tiger-steps") { Description = "Override the preset's TIGER training steps." };
        var tigerEvalEvery = new Option<int?>("--tiger-eval-every") { Description = "Validate (and write checkpoints/last.pt) every N TIGER steps instead of the preset's interval." };
        var sasrecEpochs = new Option<int?>("--sasrec-epochs") { Description = "Override the SASRec control's epochs." };
        var noSasRec = new Option<bool>("--no-sasrec") { Description = "Skip the SASRec control." };
        var command = new Command("run", "Run the whole pipeline (embeddings → semantic IDs → TIGER → evaluation → report) into one folder.")
        {
            dataset, dataDir, cacheDir, preset, model, seed, output, device, method, rqvaeSteps, tigerSteps, tigerEvalEvery, sasrecEpochs, noSasRec,
        };
        command.SetAction(parse =>
        {
            var options = new PipelineOptions(parse.GetValue(dataset)!)
            {
                DataDir = parse.GetValue(dataDir),
                CacheDir = parse.GetValue(cacheDir),
                Preset = parse.GetValue(preset)!,
                Model = parse.GetValue(model),
                Seed = parse.GetValue(seed),
                OutDir = parse.GetValue(output),
                Device = parse.GetValue(device)!,
                SemanticIdMethod = parse.GetValue(method),
                RqVaeSteps = parse.GetValue(rqvaeSteps),
                TigerSteps = parse.GetValue(tigerSteps),
                TigerEvalEvery = parse.GetValue(tigerEvalEvery),
                SasRecEpochs = parse.GetValue(sasrecEpochs),
                SasRec = !parse.GetValue(noSasRec),
            };
            RunConsole.Execute(options, parse.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }
}
