// `genrec evaluate`: decodes every validation and/or test user of a trained TIGER run folder with
// constrained beam search and writes metrics.json plus predictions_valid.tsv / predictions_test.tsv
// (see GenRec.Runs.TigerEvaluation). The dataset and semantic IDs come from the run's config.json.
using System.CommandLine;
using GenRec.Data;
using GenRec.Runs;

namespace GenRec.Cli.Commands;

public static class EvaluateCommand
{
    public static Command Create()
    {
        var dataDir = CommonOptions.DataDir();
        var cacheDir = CommonOptions.CacheDir();
        var run = new Option<string>("--run") { Description = "Run folder written by `genrec train`.", Required = true };
        var split = new Option<string>("--split") { Description = "valid | test | both", DefaultValueFactory = _ => "both" };
        split.AcceptOnlyFromAmong("valid", "test", "both");
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda", DefaultValueFactory = _ => "auto" };
        var beam = new Option<int?>("--beam") { Description = "Beam width instead of the preset's (≥ 10); metrics.json records it." };
        var command = new Command("evaluate", "Recall/NDCG@5/10 of a trained TIGER run on all users (constrained beam search).")
        {
            run, split, dataDir, cacheDir, device, beam,
        };
        command.SetAction(parse =>
        {
            var console = parse.InvocationConfiguration.Output;
            var runDirectory = parse.GetValue(run)!;
            if (!Directory.Exists(runDirectory)) throw new DirectoryNotFoundException($"Run folder not found: {runDirectory}");
            var config = TigerRunConfig.Load(runDirectory);
            var data = DatasetLoading.Load(config.Dataset, parse.GetValue(dataDir), parse.GetValue(cacheDir));
            var which = parse.GetValue(split) switch { "valid" => EvaluationSplit.Valid, "test" => EvaluationSplit.Test, _ => EvaluationSplit.Both };
            var metrics = TrainCommand.WithProgress(console, report => TigerEvaluation.Run(runDirectory, data, which, report, parse.GetValue(device), parse.GetValue(beam)));
            foreach (var (name, m) in new[] { ("valid", metrics.Valid), ("test", metrics.Test) })
                if (m is not null)
                    console.WriteLine($"{name}: R@5 {m.Recall5:F4}  R@10 {m.Recall10:F4}  N@5 {m.Ndcg5:F4}  N@10 {m.Ndcg10:F4}  ({m.Users} users)");
            console.WriteLine($"{metrics.Checkpoint} (step {metrics.CheckpointStep}), beam {metrics.BeamWidth}, {metrics.EvaluateWallSeconds:F0} s → {Path.Combine(Path.GetFullPath(runDirectory), TigerMetrics.FileName)}");
            return 0;
        });
        return command;
    }
}
