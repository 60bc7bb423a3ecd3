// `genrec experiment ids|invalid-ids|diversity|cold-start`: the paper's experiments (Rajput et al., NeurIPS 2023,
// §4.2–§4.4; GenRec.Runs.Experiments) on a pipeline run folder. Each first runs — or, when finished, reuses — the
// pipeline with `genrec run`'s options (so it can point at an existing run folder), then writes
// experiments/<name>.json into the run folder and rewrites report.html, which shows it. The experiments live in
// the library; this file only turns arguments into their configs.
using System.CommandLine;
using System.Globalization;
using GenRec.Runs;
using GenRec.Runs.Experiments;

namespace GenRec.Cli.Commands;

public static class ExperimentCommand
{
    public static Command Create() => new("experiment", "The paper's experiments on a run folder: ID ablation, invalid IDs, diversity, cold start.")
    {
        Ids(), Invalid(), Diverse(), Cold(),
    };

    static Option<int> Users() => new("--users") { Description = "Test users to use (seeded subset; 0: all).", DefaultValueFactory = _ => 0 };

    static T[]? ParseList<T>(string? text, Func<string, T> parse) =>
        string.IsNullOrWhiteSpace(text) ? null : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse)];

    static int ParseInt(string s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
        : throw new ArgumentException($"\"{s}\" is not a whole number.");
    static double ParseDouble(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
        : throw new ArgumentException($"\"{s}\" is not a number.");

    static void Finish(ParseResult parse, string name, string runDirectory)
    {
        var output = parse.InvocationConfiguration.Output;
        output.WriteLine($"{name}: {ExperimentFiles.ResultPath(runDirectory, name)}");
        output.WriteLine($"report: {Path.Combine(Path.GetFullPath(runDirectory), "report.html")}");
    }

    static Command Ids()
    {
        var run = new PipelineArguments();
        var methods = new Option<string?>("--methods") { Description = $"Comma-separated stage-1 methods (default random,lsh,rqkmeans,rqvae; any of {string.Join(", ", PipelineConfig.SemanticIdMethods)})." };
        var command = new Command(IdAblation.Name, "§4.3: the run's preset trained on random, LSH, residual k-means and RQ-VAE IDs (each method its own run under experiments/ids/).") { methods };
        run.AddTo(command);
        command.SetAction(parse =>
        {
            var options = run.Read(parse);
            var output = parse.InvocationConfiguration.Output;
            var result = IdAblation.Run(options, new IdAblationConfig(ParseList(parse.GetValue(methods), s => s)), RunConsole.Plain(output));
            foreach (var row in result.Rows)
                output.WriteLine($"{row.Method,-9} test R@5 {row.Test?.Recall5:F4}  R@10 {row.Test?.Recall10:F4}" +
                                 (row.Paper is { } p ? $"   (paper R@5 {p.Recall5:F4}  R@10 {p.Recall10:F4})" : ""));
            Finish(parse, IdAblation.Name, options.RunDirectory);
            return 0;
        });
        return command;
    }

    static Command Invalid()
    {
        var run = new PipelineArguments();
        var beams = new Option<string?>("--beams") { Description = "Comma-separated beam widths (default 10,20,40)." };
        var users = Users();
        var command = new Command(InvalidIds.Name, "§4.4: share of invalid IDs in unconstrained top-10/top-20 per beam width, beside constrained recall.") { beams, users };
        run.AddTo(command);
        command.SetAction(parse =>
        {
            var options = run.Read(parse);
            var output = parse.InvocationConfiguration.Output;
            InvalidIds.Run(options, new InvalidIdsConfig(ParseList(parse.GetValue(beams), ParseInt), parse.GetValue(users)), RunConsole.Plain(output), output.WriteLine);
            Finish(parse, InvalidIds.Name, options.RunDirectory);
            return 0;
        });
        return command;
    }

    static Command Diverse()
    {
        var run = new PipelineArguments();
        var temperatures = new Option<string?>("--temperatures") { Description = "Comma-separated sampling temperatures (default 1.0,1.5,2.0)." };
        var level = new Option<int>("--category-level") { Description = "Depth of the category in the item's first category path (0-based; 1 = under the top level).", DefaultValueFactory = _ => 1 };
        var users = Users();
        var command = new Command(Diversity.Name, "§4.4: Entropy@10/20/50 of item categories and Recall@10 under seeded temperature sampling over valid IDs.") { temperatures, level, users };
        run.AddTo(command);
        command.SetAction(parse =>
        {
            var options = run.Read(parse);
            var output = parse.InvocationConfiguration.Output;
            Diversity.Run(options, new DiversityConfig(ParseList(parse.GetValue(temperatures), ParseDouble), CategoryLevel: parse.GetValue(level), Users: parse.GetValue(users)),
                RunConsole.Plain(output), output.WriteLine);
            Finish(parse, Diversity.Name, options.RunDirectory);
            return 0;
        });
        return command;
    }

    static Command Cold()
    {
        var run = new PipelineArguments();
        var fraction = new Option<double>("--cold-fraction") { Description = "Share of the test items held out of training.", DefaultValueFactory = _ => 0.05 };
        var epsilons = new Option<string?>("--epsilons") { Description = "Comma-separated caps ε on the unseen share of a top K (default 0,0.1,0.2,0.5)." };
        var ks = new Option<string?>("--ks") { Description = "Comma-separated K of Recall@K (default 1,5,10,20; each ≤ --beam)." };
        var beam = new Option<int>("--beam") { Description = "Beam width.", DefaultValueFactory = _ => 20 };
        var users = Users();
        var command = new Command(ColdStart.Name, "§4.2: retrain without 5 % of the test items, recommend them through their semantic IDs (cap ε) vs Semantic-KNN.")
        {
            fraction, epsilons, ks, beam, users,
        };
        run.AddTo(command);
        command.SetAction(parse =>
        {
            var options = run.Read(parse);
            var output = parse.InvocationConfiguration.Output;
            ColdStart.Run(options, new ColdStartConfig(parse.GetValue(fraction), ParseList(parse.GetValue(epsilons), ParseDouble), ParseList(parse.GetValue(ks), ParseInt),
                parse.GetValue(beam), parse.GetValue(users)), RunConsole.Plain(output), output.WriteLine);
            Finish(parse, ColdStart.Name, options.RunDirectory);
            return 0;
        });
        return command;
    }
}
