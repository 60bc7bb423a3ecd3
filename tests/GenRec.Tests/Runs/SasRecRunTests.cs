using System.Text.Json;
using GenRec.Cli.Commands;
using GenRec.Data;
using GenRec.Evaluation;
using GenRec.Runs;
using GenRec.SasRec;
using GenRec.Tests.Data;
using GenRec.Tests.SasRec;
using GenRec.Tests.TestSupport;

namespace GenRec.Tests.Runs;

public class SasRecRunTests
{
    static AmazonDataset Cycles() => TinySasRec.Dataset(TinySasRec.CycleSequences(40, TinySasRec.Cycle(12, seed: 9), seed: 10), itemCount: 12);

    static SasRecRunConfig Config(int epochs) => new(
        TinySasRec.Config(itemCount: 0, dropout: 0.1),                                 // ItemCount filled from the dataset
        new SasRecTrainerConfig(BatchSize: 8, LearningRate: 1e-2, MaxEpochs: epochs, Patience: 3),
        Device: "cpu");

    [Fact]
    public void Writes_the_run_folder_and_metrics_json_equals_metrics_recomputed_from_the_predictions()
    {
        using var temp = new TempDirectory();
        var dataset = Cycles();
        var result = SasRecRun.Run(dataset, Config(epochs: 4), seed: 3, temp.Path);
        foreach (var file in new[] { "config.json", "training_history.json", "metrics.json", "predictions_valid.tsv", "predictions_test.tsv", "checkpoints/best.pt", "checkpoints/last.pt" })
            Assert.True(File.Exists(temp.Combine(file)), file);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));

        using var metrics = JsonDocument.Parse(File.ReadAllText(temp.Combine("metrics.json")));
        Assert.Equal("sasrec", metrics.RootElement.GetProperty("model").GetString());
        var split = LeaveOneOutSplit.Create(dataset);                                  // targets, independent of the run
        foreach (var (name, examples, returned) in new[] { ("valid", split.Validation, result.Valid), ("test", split.Test, result.Test) })
        {
            var targets = examples.ToDictionary(e => e.UserId, e => e.Target);
            var predictions = PredictionsTsv.Read(temp.Combine($"predictions_{name}.tsv"));
            Assert.Equal(examples.Select(e => e.UserId), predictions.Select(p => p.UserId));
            Assert.All(predictions, p => Assert.Equal(10, p.Items.Length));
            var recomputed = Evaluator.Evaluate(predictions.Select(p => (p.UserId, (IReadOnlyList<int>)p.Items, targets[p.UserId])));
            var json = metrics.RootElement.GetProperty(name);
            Assert.Equal(recomputed.Recall5, json.GetProperty("recall@5").GetDouble(), 12);
            Assert.Equal(recomputed.Recall10, json.GetProperty("recall@10").GetDouble(), 12);
            Assert.Equal(recomputed.Ndcg5, json.GetProperty("ndcg@5").GetDouble(), 12);
            Assert.Equal(recomputed.Ndcg10, json.GetProperty("ndcg@10").GetDouble(), 12);
            Assert.Equal(40, json.GetProperty("users").GetInt32());
            Assert.Equal(recomputed, returned);
        }

        using var history = JsonDocument.Parse(File.ReadAllText(temp.Combine("training_history.json")));
        var epochs = metrics.RootElement.GetProperty("epochs_trained").GetInt32();
        Assert.Equal(epochs, history.RootElement.GetProperty("train").GetArrayLength());
        Assert.Equal(epochs, history.RootElement.GetProperty("validation").GetArrayLength());
        Assert.True(history.RootElement.GetProperty("validation")[0].TryGetProperty("recall@10", out _));
        using var config = JsonDocument.Parse(File.ReadAllText(temp.Combine("config.json")));
        Assert.Equal(12, config.RootElement.GetProperty("model_config").GetProperty("item_count").GetInt32());
        Assert.Equal(3, config.RootElement.GetProperty("trainer_config").GetProperty("seed").GetInt64());

        // the best checkpoint is the evaluated model: it reproduces the written test predictions
        using var best = SasRecCheckpoint.Load(temp.Combine("checkpoints", "best.pt"));
        var (_, again) = SasRecRanking.Evaluate(best, split.Test);
        Assert.Equal(PredictionsTsv.Read(temp.Combine("predictions_test.tsv")).Select(p => p.Items), again.Select(p => p.Items.ToArray()));
    }

    [Fact]
    public void Same_seed_same_metrics_file()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        SasRecRun.Run(Cycles(), Config(epochs: 2), seed: 5, a.Path);
        SasRecRun.Run(Cycles(), Config(epochs: 2), seed: 5, b.Path);
        static string Metrics(string dir)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")));
            return json.RootElement.GetProperty("valid").GetRawText() + json.RootElement.GetProperty("test").GetRawText();
        }
        Assert.Equal(Metrics(a.Path), Metrics(b.Path));
        Assert.Equal(File.ReadAllText(a.Combine("predictions_test.tsv")), File.ReadAllText(b.Combine("predictions_test.tsv")));
    }

    [Fact]
    public void Item_count_that_disagrees_with_the_dataset_is_refused()
    {
        using var temp = new TempDirectory();
        var config = Config(1) with { Model = TinySasRec.Config(itemCount: 99) };
        var error = Assert.Throws<ArgumentException>(() => SasRecRun.Run(Cycles(), config, 0, temp.Path));
        Assert.Contains("ItemCount 99", error.Message);
    }

    [Fact]
    public void Cli_sasrec_writes_metrics_and_rejects_zero_epochs()
    {
        using var temp = new TempDirectory();
        TinyPreparedDataset.Write(temp);
        string[] common = ["sasrec", "--dataset", "tiny", "--data-dir", temp.Path, "--cache-dir", temp.Combine("cache"), "--seed", "1", "--out", temp.Combine("out")];
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, CliApp.Run([.. common, "--epochs", "2"], stdout, stderr));
        using var metrics = JsonDocument.Parse(File.ReadAllText(temp.Combine("out", "metrics.json")));
        Assert.Equal(3, metrics.RootElement.GetProperty("test").GetProperty("users").GetInt32());
        Assert.Contains("\"recall@10\"", stdout.ToString());

        stderr = new StringWriter();
        Assert.Equal(1, CliApp.Run([.. common, "--epochs", "0"], new StringWriter(), stderr));
        Assert.StartsWith("error: --epochs 0", stderr.ToString());
    }
}
