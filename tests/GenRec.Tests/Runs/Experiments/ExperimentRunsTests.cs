// The four paper experiments end to end on the generated 30-item dataset (items with two-level categories), every
// stage shortened: each writes experiments/<name>.json into the run folder, the report shows it, and the numbers
// agree with what they can be checked against — the run's own test metrics, a cap of 0 that admits no unseen
// item, entropies bounded by the number of categories — and `genrec experiment` reuses the finished run.
using System.Text.Json.Nodes;
using GenRec.Runs;
using GenRec.Runs.Experiments;
using GenRec.Tests.Runs;
using GenRec.Tests.TestSupport;

namespace GenRec.Tests.Runs.Experiments;

public sealed class ExperimentRunsTests
{
    static PipelineOptions Short(TempDirectory temp, string runDir) => new("tiny")
    {
        DataDir = temp.Path, CacheDir = temp.Combine("cache"), OutDir = runDir, Seed = 3, Device = "cpu",
        SemanticIdMethod = "rqvae", RqVaeSteps = 30, TigerSteps = 2, SasRec = false,   // residual k-means needs ≥ 256 items
    };

    [Fact]
    public void Every_experiment_writes_its_json_into_the_run_folder_and_the_report_shows_it()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp, "tiny", titles: false);   // categories [["Outdoors", "Kind i % 3"]]
        var runDir = temp.Combine("runs", "tiny");
        var options = Short(temp, runDir);
        var lines = new List<string>();

        // ids: the run's own method is the run folder; the others get their own pipeline runs (by default all four methods)
        Assert.Equal(["random", "lsh", "rqkmeans", "rqvae"], new IdAblationConfig().ResolvedMethods);
        var ids = IdAblation.Run(options, new IdAblationConfig(["random", "lsh", "rqvae"]));
        Assert.Equal(["random", "lsh", "rqvae"], ids.Rows.Select(r => r.Method));
        Assert.Equal(["experiments/ids/random", "experiments/ids/lsh", "."], ids.Rows.Select(r => r.RunDirectory.Replace('\\', '/')));
        var own = RunFiles.ReadJson<TigerMetrics>(Path.Combine(runDir, "tiger", "metrics.json"));
        Assert.Equal(own.Test, ids.Rows[2].Test);
        Assert.All(ids.Rows, r => Assert.Null(r.Paper));   // the paper's Table 4 is Beauty's
        Assert.Equal("random", RunFiles.ReadJson<PipelineConfig>(Path.Combine(runDir, "experiments", "ids", "random", "config.json")).SemanticIds.Method);

        // invalid IDs: at the run's evaluation beam (20) the constrained metrics are the run's test metrics
        var invalid = InvalidIds.Run(options, new InvalidIdsConfig([10, 20]), log: lines.Add);
        Assert.Null(invalid.Rows[0].InvalidTop20);
        Assert.All(invalid.Rows, r => Assert.InRange(r.InvalidTop10, 0, 1));
        Assert.Equal(own.Test, invalid.Rows[1].Constrained);
        Assert.Equal(TinyTigerRun.Users, invalid.Users);

        // diversity: 3 categories at depth 1 → every entropy in [0, ln 3]
        var diversity = Diversity.Run(options, new DiversityConfig([1.0, 2.0], [5, 10], Users: 12, RowsPerRound: 8), log: lines.Add);
        Assert.Equal(["Kind 0", "Kind 1", "Kind 2"], diversity.Categories);
        Assert.All(diversity.Rows, r => Assert.All(r.Entropy.Values, e => Assert.InRange(e, 0, Math.Log(3) + 1e-12)));
        Assert.All(diversity.Rows, r => Assert.Null(r.Paper));
        Assert.Equal(12, diversity.Users);

        // cold start: ε = 0 admits no unseen item, so unseen targets are never hit; Semantic-KNN reaches them
        var cold = ColdStart.Run(options, new ColdStartConfig(0.2, [0.0, 0.5], [1, 5, 10], BeamWidth: 10), log: lines.Add);
        Assert.True(File.Exists(Path.Combine(runDir, "experiments", "cold-start", "tiger", "checkpoints", "last.pt")));
        var zero = cold.Rows.Single(r => r.Epsilon == 0.0);
        Assert.Equal(0, zero.ColdShare);
        if (cold.ColdTargetUsers > 0) Assert.All(zero.ColdTargets.Values, v => Assert.Equal(0, v));
        Assert.Equal(["TIGER", "TIGER", "Semantic-KNN"], cold.Rows.Select(r => r.Method));
        Assert.All(cold.Rows.Single(r => r.Epsilon == 0.5).AllUsers.Values, v => Assert.InRange(v, 0, 1));

        var html = File.ReadAllText(Path.Combine(runDir, "report.html"));
        foreach (var name in ExperimentFiles.Names)
        {
            Assert.True(File.Exists(Path.Combine(runDir, "experiments", name + ".json")), name);
            Assert.Contains($"data-experiment=\"{name}\"", html);
        }
        Assert.Contains($"data-metric=\"ids.rqvae.recall@10\" data-value=\"{own.Test!.Recall10:R}\"", html);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "experiments", "invalid-ids.json")))!;
        Assert.Equal(10, json["rows"]![0]!["beam_width"]!.GetValue<int>());
        Assert.Contains(lines, l => l.StartsWith("T = 2: Entropy@5", StringComparison.Ordinal));
    }

    [Fact]
    public void The_command_reuses_the_finished_run_and_writes_the_experiment()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp, "tiny", titles: false);
        var runDir = temp.Combine("runs", "tiny");
        string[] run = ["--dataset", "tiny", "--data-dir", temp.Path, "--cache-dir", temp.Combine("cache"), "--out", runDir, "--seed", "3",
            "--semantic-ids", "rqvae", "--rqvae-steps", "30", "--tiger-steps", "2", "--no-sasrec", "--device", "cpu"];
        var (code, output, error) = CliRunner.Run(["run", .. run]);
        Assert.True(code == 0, error + output);

        (code, output, error) = CliRunner.Run(["experiment", "invalid-ids", .. run, "--beams", "10", "--users", "7"]);
        Assert.True(code == 0, error + output);
        Assert.DoesNotContain("==", output);   // no stage ran again
        Assert.Contains("beam 10: invalid top-10", output);
        var result = RunFiles.ReadJson<InvalidIdsResult>(Path.Combine(runDir, "experiments", "invalid-ids.json"));
        Assert.Equal((7, 10), (result.Users, result.Rows.Single().BeamWidth));

        (code, _, error) = CliRunner.Run(["experiment", "ids", .. run, "--methods", "random,nonsense"]);
        Assert.NotEqual(0, code);
        Assert.Contains("nonsense", error);
    }
}
