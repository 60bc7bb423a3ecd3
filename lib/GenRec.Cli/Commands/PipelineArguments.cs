// `genrec run`'s options — dataset, preset, model, seed, run folder and the stage overrides — in one place, because
// `run` and every `genrec experiment` accept exactly them (an experiment names, and when needed builds, its run
// folder the way `run` would). Read turns them into the library's PipelineOptions.
using System.CommandLine;
using GenRec.Runs;

namespace GenRec.Cli.Commands;

/// <summary>The options of `genrec run`, added to a command and read back as <see cref="PipelineOptions"/>.</summary>
public sealed class PipelineArguments
{
    readonly Option<string> dataset = CommonOptions.Dataset();
    readonly Option<string?> dataDir = CommonOptions.DataDir();
    readonly Option<string?> cacheDir = CommonOptions.CacheDir();
    readonly Option<string> preset = CommonOptions.Preset();
    readonly Option<string?> model = CommonOptions.Model();
    readonly Option<long> seed = new("--seed") { Description = "Seed of every stage (same seed → same semantic IDs and metrics on CPU).", DefaultValueFactory = _ => 0 };
    readonly Option<string?> output = new("--out") { Description = "Run folder (default runs/<dataset>-<preset>-seed<seed>)." };
    readonly Option<string> device = new("--device") { Description = "auto | cpu | cuda", DefaultValueFactory = _ => "auto" };
    readonly Option<string?> method = new("--semantic-ids") { Description = "Stage-1 method: rqvae | rqkmeans | lsh | random (default: the one the preset was tuned on, see `genrec presets`)." };
    readonly Option<int?> rqvaeSteps = new("--rqvae-steps") { Description = "Override the RQ-VAE training steps." };
    readonly Option<int?> tigerSteps = new("--tiger-steps") { Description = "Override the preset's TIGER training steps." };
    readonly Option<int?> tigerEvalEvery = new("--tiger-eval-every") { Description = "Validate (and write checkpoints/last.pt) every N TIGER steps instead of the preset's interval." };
    readonly Option<int?> sasrecEpochs = new("--sasrec-epochs") { Description = "Override the SASRec control's epochs." };
    readonly Option<bool> noSasRec = new("--no-sasrec") { Description = "Skip the SASRec control." };

    public PipelineArguments() => method.AcceptOnlyFromAmong([.. PipelineConfig.SemanticIdMethods]);

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { dataset, dataDir, cacheDir, preset, model, seed, output, device, method, rqvaeSteps, tigerSteps, tigerEvalEvery, sasrecEpochs, noSasRec })
            command.Options.Add(option);
    }

    /// <summary>The pipeline request these options make.</summary>
    public PipelineOptions Read(ParseResult parse) => new(parse.GetValue(dataset)!)
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
}
