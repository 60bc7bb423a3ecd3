// `genrec train`: TIGER stage 2 — trains the sequence-to-sequence model on a dataset's leave-one-out
// examples, tokenized with the semantic IDs of `genrec semantic-ids`, into a run folder (config.json,
// checkpoints/, training_history.json; see GenRec.Runs.TigerTraining). Rerunning into the same folder
// resumes from checkpoints/last.pt. Progress bars when the terminal is interactive, one line per
// validation otherwise.
using System.CommandLine;
using GenRec.Data;
using GenRec.Runs;
using Spectre.Console;

namespace GenRec.Cli.Commands;

public static class TrainCommand
{
    public static Command Create()
    {
        var dataset = CommonOptions.Dataset();
        var dataDir = CommonOptions.DataDir();
        var cacheDir = CommonOptions.CacheDir();
        var preset = CommonOptions.Preset();
        var model = CommonOptions.Model();
        var semanticIds = new Option<string>("--semantic-ids") { Description = "Folder written by `genrec semantic-ids` (or its semantic_ids.parquet).", Required = true };
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation, data order and dropout (same seed → same run on CPU).", DefaultValueFactory = _ => 0 };
        var steps = new Option<int?>("--steps") { Description = "Training steps instead of the preset's (a larger number continues a finished run)." };
        var tuning = TuningOptions.Create();
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda", DefaultValueFactory = _ => "auto" };
        var output = new Option<string>("--out") { Description = "Run folder (config.json, checkpoints/, training_history.json).", Required = true };
        var command = new Command("train", "Train stage 2 (TIGER's encoder-decoder or the decoder-only variant) on semantic-ID sequences; resumes an interrupted run.")
        {
            dataset, dataDir, cacheDir, preset, model, semanticIds, seed, steps, device, output,
        };
        command.SetAction(parse =>
        {
            var console = parse.InvocationConfiguration.Output;
            var chosen = TigerPresets.Get(parse.GetValue(preset)!, parse.GetValue(model)).With(tuning.Read(parse) with { Steps = parse.GetValue(steps) });
            var idsFile = TigerTraining.SemanticIdsFile(parse.GetValue(semanticIds)!);   // fail before loading the dataset
            var data = DatasetLoading.Load(parse.GetValue(dataset)!, parse.GetValue(dataDir), parse.GetValue(cacheDir));
            var result = WithProgress(console, report =>
                TigerTraining.Run(data, idsFile, chosen, parse.GetValue(seed), parse.GetValue(output)!, report, parse.GetValue(device)));
            var best = result.Best is { } b ? $"best validation R@10 {b.Recall10:F4} at step {b.Step} ({b.Users} users)" : "no validation";
            console.WriteLine($"{result.Config.Preset}: {result.Steps} steps" +
                              (result.ResumedFromStep > 0 ? $" (resumed from {result.ResumedFromStep})" : "") +
                              (result.StoppedEarly ? ", stopped early" : "") +
                              $"; {best}; {result.History.Seconds:F0} s training → {result.RunDirectory}");
            return 0;
        });
        foreach (var option in tuning.All) command.Options.Add(option);
        return command;
    }

    /// <summary>
    /// Runs stage-2 work under progress bars (one per phase) on an interactive terminal; elsewhere writes
    /// the resume note, one line per validation and periodic plain progress lines (<see cref="PlainProgress"/>)
    /// to <paramref name="console"/>.
    /// </summary>
    public static T WithProgress<T>(TextWriter console, Func<Action<TigerProgress>, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive) return work(new PlainTigerProgress(console).Report);
        T result = default!;
        AnsiConsole.Progress().AutoClear(false).Start(context => result = work(new SpectreTigerProgress(context).Report));
        return result;
    }
}
