// `genrec train`: TIGER stage 2 — trains the sequence-to-sequence model on a dataset's leave-one-out
// examples, tokenized with the semantic IDs of `genrec semantic-ids`, into a run folder (config.json,
// checkpoints/, training_history.json; see GenRec.Runs.TigerTraining). Rerunning into the same folder
// resumes from checkpoints/last.pt. Progress bars when the terminal is interactive, one line per
// validation otherwise.
using System.CommandLine;
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
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            var phases = new Dictionary<string, PlainProgress>();
            return work(p =>
            {
                if (p.Validation is { } v) console.WriteLine($"step {v.Step}: validation R@5 {v.Recall5:F4}  R@10 {v.Recall10:F4}  N@10 {v.Ndcg10:F4} ({v.Users} users)");
                else if (p.Phase == TigerPhase.Loading) { if (p.Message is { } m && p.Done == 1) console.WriteLine(m); }
                else if (p.Phase is TigerPhase.Training or TigerPhase.Evaluating)
                {
                    var label = p.Phase == TigerPhase.Training ? "training" : $"evaluate {p.Message}";
                    if (!phases.TryGetValue(label, out var plain)) phases[label] = plain = new PlainProgress(console, label);
                    plain.Report(p.Done, p.Total, p.Loss is double loss ? $"loss {loss:F4}" : null);
                }
            });
        }
        T result = default!;
        AnsiConsole.Progress().AutoClear(false).Start(context =>
        {
            var tasks = new Dictionary<string, ProgressTask>();
            result = work(p =>
            {
                if (p.Phase == TigerPhase.Loading) { if (p.Message is { } m) AnsiConsole.MarkupLine(Markup.Escape(m)); return; }
                var key = p.Phase == TigerPhase.Evaluating ? $"evaluate {p.Message}" : p.Phase.ToString().ToLowerInvariant();
                if (!tasks.TryGetValue(key, out var task)) tasks[key] = task = context.AddTask(Markup.Escape(key), maxValue: Math.Max(1, p.Total));
                task.MaxValue = Math.Max(1, p.Total);
                task.Value = p.Done;
                if (p.Loss is double loss) task.Description = Markup.Escape($"training  loss {loss:F3}");
                if (p.Validation is { } v)
                {
                    task.Description = Markup.Escape($"validation  R@10 {v.Recall10:F4} @ step {v.Step}");
                    AnsiConsole.MarkupLine(Markup.Escape($"step {v.Step}: R@5 {v.Recall5:F4}  R@10 {v.Recall10:F4}  N@10 {v.Ndcg10:F4}"));
                }
            });
        });
        return result;
    }
}
