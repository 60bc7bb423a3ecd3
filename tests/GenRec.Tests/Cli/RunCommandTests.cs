// `genrec run` end to end on a generated 30-item dataset with every stage shortened: the run folder holds
// the files the README lists, the top-level metrics equal the stages' own metrics.json and the numbers on
// report.html, a second run reuses every stage and gives the same metrics, and bad arguments are one line.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenRec.Cli.Commands;
using GenRec.Tests.Runs;
using GenRec.Tests.TestSupport;
using static GenRec.Tests.TestSupport.CliRunner;

namespace GenRec.Tests.Cli;

public sealed class RunCommandTests
{
    static string[] ShortRun(TempDirectory temp, string runDir, long seed = 3) =>
    [
        "run", "--dataset", "tiny", "--data-dir", temp.Path, "--cache-dir", temp.Combine("cache"), "--out", runDir,
        "--seed", seed.ToString(), "--semantic-ids", "rqvae", "--rqvae-steps", "30", "--tiger-steps", "2", "--sasrec-epochs", "1", "--device", "cpu",
    ];

    [Fact]
    public void A_short_run_writes_every_file_and_a_rerun_reuses_all_stages_with_identical_metrics()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp);
        var runDir = temp.Combine("runs", "tiny");

        var (code, output, error) = Run(ShortRun(temp, runDir));
        Assert.True(code == 0, error + output);
        foreach (var file in new[]
                 {
                     "config.json", "metrics.json", "predictions_test.tsv", "report.html",
                     "semantic-ids/semantic_ids.parquet", "semantic-ids/metrics.json", "semantic-ids/rqvae.pt",
                     "tiger/config.json", "tiger/checkpoints/last.pt", "tiger/training_history.json", "tiger/metrics.json",
                     "tiger/predictions_valid.tsv", "tiger/predictions_test.tsv",
                     "sasrec/metrics.json", "sasrec/predictions_test.tsv",
                 })
            Assert.True(File.Exists(Path.Combine(runDir, file)), $"missing {file}");

        var metrics = ReadJson(Path.Combine(runDir, "metrics.json"));
        foreach (var model in new[] { "tiger", "sasrec" })
        {
            var stage = ReadJson(Path.Combine(runDir, model, "metrics.json"));
            foreach (var split in new[] { "valid", "test" })
                Assert.True(JsonNode.DeepEquals(stage[split], metrics[model]![split]), $"{model} {split}");
        }
        // "tiny" is no dataset of the paper: no paper row (it used to be Beauty's row whatever the dataset).
        Assert.Null(metrics["paper"]);
        Assert.Contains("The TIGER paper has no row for dataset tiny", output);
        Assert.Equal(File.ReadAllText(Path.Combine(runDir, "tiger", "predictions_test.tsv")), File.ReadAllText(Path.Combine(runDir, "predictions_test.tsv")));

        // Every TIGER test metric appears on the page with the value metrics.json holds (4 decimals).
        var html = File.ReadAllText(Path.Combine(runDir, "report.html"));
        foreach (var key in new[] { "recall@5", "ndcg@5", "recall@10", "ndcg@10" })
            Assert.Contains(metrics["tiger"]!["test"]![key]!.GetValue<double>().ToString("F4"), html);
        Assert.DoesNotMatch(new Regex("<script[^>]+src=\"http", RegexOptions.IgnoreCase), html);

        var (again, secondOutput, secondError) = Run(ShortRun(temp, runDir));
        Assert.True(again == 0, secondError);
        // embeddings, semantic IDs, TIGER training, TIGER evaluation, SASRec: nothing recomputed
        Assert.True(Regex.Matches(secondOutput, "cached").Count == 5, secondOutput);
        Assert.DoesNotContain("==", secondOutput);                     // no stage announced itself as starting
        Assert.True(JsonNode.DeepEquals(metrics, ReadJson(Path.Combine(runDir, "metrics.json"))));
    }

    [Fact]
    public void A_sports_run_shows_sports_paper_row_and_says_its_item_text_has_no_titles()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp, "sports", titles: false);
        var runDir = temp.Combine("runs", "sports");
        string[] args = [.. ShortRun(temp, runDir).Select(a => a == "tiny" ? "sports" : a), "--no-sasrec"];

        var (code, output, error) = Run(args);
        Assert.True(code == 0, error + output);
        Assert.Matches(@"TIGER \(paper, Sports and Outdoors\)\W+test\W+0\.0264\W+0\.0181\W+0\.0400\W+0\.0225", output);
        Assert.Contains("sports: Item text is brand + categories + keywords: this dataset has no titles", output);

        var metrics = ReadJson(Path.Combine(runDir, "metrics.json"));
        Assert.Equal("sports", metrics["paper"]!["dataset"]!.GetValue<string>());
        Assert.Equal(0.0400, metrics["paper"]!["recall@10"]!.GetValue<double>());
        Assert.Equal(0, metrics["item_text"]!["with_title"]!.GetValue<int>());
        Assert.Equal("brand + categories + keywords", metrics["item_text"]!["fields"]!.GetValue<string>());

        var html = File.ReadAllText(Path.Combine(runDir, "report.html"));
        Assert.Contains("TIGER (paper, Sports and Outdoors)", html);
        Assert.Contains("<p class=\"item-text-note\"><b>sports</b>: Item text is brand + categories + keywords", html);
    }

    [Fact]
    public void Without_a_terminal_a_run_prints_plain_progress_lines_during_training_and_evaluation()
    {
        // The test host's output is not a terminal, like `run … | cat`; interval 0 prints every report.
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp);
        var previous = Environment.GetEnvironmentVariable("GENREC_PROGRESS_SECONDS");
        Environment.SetEnvironmentVariable("GENREC_PROGRESS_SECONDS", "0");
        try
        {
            var (code, output, error) = Run([.. ShortRun(temp, temp.Combine("runs", "plain")), "--no-sasrec"]);
            Assert.True(code == 0, error + output);
            Assert.Matches(@"training: 1/2 \(50 %\), loss \d+\.\d{4}, 0:\d\d elapsed", output);
            Assert.Contains("training: 2/2 (100 %)", output);
            Assert.Matches(@"evaluate valid: \d+/\d+ \(100 %\)", output);
            Assert.Matches(@"evaluate test: \d+/\d+ \(100 %\)", output);
            Assert.Matches(@"semantic IDs \(rqvae\): 30/30 \(100 %\)", output);
        }
        finally { Environment.SetEnvironmentVariable("GENREC_PROGRESS_SECONDS", previous); }
    }

    [Fact]
    public void Plain_progress_prints_at_its_interval_and_always_the_last_unit_with_time_left()
    {
        var quiet = new StringWriter();
        var hourly = new PlainProgress(quiet, "training", intervalSeconds: 3600);
        for (var i = 1; i <= 100; i++) hourly.Report(i, 100);
        // the first report prints (nothing printed yet), then nothing until the last unit
        Assert.Equal(["training: 1/100 (1 %), 0:00 elapsed", "training: 100/100 (100 %), 0:00 elapsed"],
            quiet.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToArray());

        var every = new StringWriter();
        var each = new PlainProgress(every, "evaluate test", intervalSeconds: 0);
        each.Report(256, 1024, "x");
        each.Report(512, 1024);
        Assert.Equal(2, every.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("evaluate test: 256/1,024 (25 %), x, 0:00 elapsed", every.ToString());
    }

    [Fact]
    public void The_same_seed_in_a_fresh_folder_gives_the_same_metrics()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp);
        var first = temp.Combine("runs", "a");
        var second = temp.Combine("runs", "b");
        Assert.Equal(0, Run([.. ShortRun(temp, first), "--no-sasrec"]).Code);
        Assert.Equal(0, Run([.. ShortRun(temp, second), "--no-sasrec"]).Code);
        Assert.True(JsonNode.DeepEquals(ReadJson(Path.Combine(first, "tiger", "metrics.json"))["test"],
                                        ReadJson(Path.Combine(second, "tiger", "metrics.json"))["test"]));
    }

    [Fact]
    public void A_folder_of_another_configuration_is_refused_with_the_differing_keys()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp);
        var runDir = temp.Combine("runs", "tiny");
        Directory.CreateDirectory(runDir);
        File.WriteAllText(Path.Combine(runDir, "config.json"), "{\"dataset\": \"tiny\", \"seed\": 99}");
        var (code, _, error) = Run(ShortRun(temp, runDir));
        Assert.Equal(1, code);
        Assert.Contains("different configuration", error);
        Assert.Contains("seed", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Bad_arguments_give_one_line_and_exit_code_1()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp);
        var blocker = temp.Write("a-file", "not a folder");

        var unwritable = Run([.. ShortRun(temp, Path.Combine(blocker, "run"))]);
        Assert.Equal(1, unwritable.Code);
        Assert.StartsWith("error: Cannot write to the output folder", unwritable.Err);

        var unknown = Run("run", "--dataset", "nope", "--data-dir", temp.Path, "--out", temp.Combine("runs", "x"));
        Assert.Equal(1, unknown.Code);
        Assert.StartsWith("error: Unknown dataset \"nope\"", unknown.Err);

        var missingData = Run("run", "--data-dir", temp.Combine("no-such-folder"), "--out", temp.Combine("runs", "y"));
        Assert.Equal(1, missingData.Code);
        Assert.Single(missingData.Err.TrimEnd().Split('\n'));

        foreach (var result in new[] { unwritable, unknown, missingData }) Assert.Single(result.Err.TrimEnd().Split('\n'));
    }

    static JsonObject ReadJson(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();
}
