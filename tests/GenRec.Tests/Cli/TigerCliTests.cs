// `genrec train` and `genrec evaluate` end to end on the generated tiny dataset (cpu preset cut to 2
// steps), and one clear error line with exit code 1 for a missing semantic-ID folder, an unknown preset
// and a missing run folder.
using System.Text.Json;
using GenRec.Cli.Commands;
using GenRec.Tests.Runs;
using GenRec.Runs;
using GenRec.Tests.TestSupport;
using static GenRec.Tests.TestSupport.CliRunner;

namespace GenRec.Tests.Cli;

public sealed class TigerCliTests
{
    static string[] TrainArgs(TempDirectory temp, string semanticIds, string preset = "cpu", string model = "encoder-decoder") =>
        ["train", "--dataset", "tiny", "--data-dir", temp.Path, "--cache-dir", temp.Combine("cache"), "--preset", preset, "--model", model,
         "--semantic-ids", semanticIds, "--seed", "1", "--steps", "2", "--out", temp.Combine("run")];

    [Fact]
    public void Train_then_evaluate_fill_the_run_folder()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp);
        var (code, output, error) = Run(TrainArgs(temp, TinyTigerRun.WriteSemanticIds(temp)));
        Assert.True(code == 0, error);
        Assert.Contains("cpu: 2 steps", output);
        foreach (var file in new[] { "config.json", "training_history.json", "checkpoints/last.pt", "checkpoints/best.pt" })
            Assert.True(File.Exists(temp.Combine("run", file)), file);

        (code, output, error) = Run("evaluate", "--run", temp.Combine("run"), "--data-dir", temp.Path, "--cache-dir", temp.Combine("cache"));
        Assert.True(code == 0, error);
        Assert.Contains("test: R@5", output);
        using var metrics = JsonDocument.Parse(File.ReadAllText(temp.Combine("run", "metrics.json")));
        Assert.Equal(TinyTigerRun.Users, metrics.RootElement.GetProperty("valid").GetProperty("users").GetInt32());
        Assert.Equal(TinyTigerRun.Users, metrics.RootElement.GetProperty("test").GetProperty("users").GetInt32());
        Assert.Equal(TinyTigerRun.Users, File.ReadAllLines(temp.Combine("run", "predictions_test.tsv")).Length);

        // more --steps continues the same run from checkpoints/last.pt
        var more = TrainArgs(temp, temp.Combine("ids"));
        more[Array.IndexOf(more, "--steps") + 1] = "3";
        (code, output, error) = Run(more);
        Assert.True(code == 0, error);
        Assert.Contains("cpu: 3 steps (resumed from 2)", output);
    }

    [Fact]
    public void Decoder_only_trains_and_evaluates_and_a_cosine_run_is_not_continued_with_more_steps()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp);
        var args = TrainArgs(temp, TinyTigerRun.WriteSemanticIds(temp), model: "decoder-only");
        var (code, output, error) = Run(args);
        Assert.True(code == 0, error);
        Assert.Contains("cpu: 2 steps", output);
        Assert.Contains("\"model\": \"decoder-only\"", File.ReadAllText(temp.Combine("run", "config.json")));

        (code, output, error) = Run("evaluate", "--run", temp.Combine("run"), "--data-dir", temp.Path, "--cache-dir", temp.Combine("cache"));
        Assert.True(code == 0, error);
        using (var metrics = JsonDocument.Parse(File.ReadAllText(temp.Combine("run", "metrics.json"))))
        {
            Assert.Equal("decoder-only", metrics.RootElement.GetProperty("model_kind").GetString());
            Assert.Equal(TinyTigerRun.Users, metrics.RootElement.GetProperty("test").GetProperty("users").GetInt32());
        }

        // the cosine schedule annealed over 2 steps: 3 steps is another schedule, refused with the reason
        args[Array.IndexOf(args, "--steps") + 1] = "3";
        (code, _, error) = Run(args);
        Assert.Equal(1, code);
        Assert.Contains("cosine schedule", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Learning_rate_option_is_recorded_and_a_different_one_is_refused_in_the_same_folder()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp);
        var args = TrainArgs(temp, TinyTigerRun.WriteSemanticIds(temp));
        var (code, _, error) = Run([.. args, "--learning-rate", "0.002"]);
        Assert.True(code == 0, error);
        Assert.Contains("\"learning_rate\": 0.002", File.ReadAllText(temp.Combine("run", "config.json")));

        (code, _, error) = Run([.. args, "--learning-rate", "0.003"]);
        Assert.Equal(1, code);
        Assert.Contains("learning_rate", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Presets_lists_every_preset_with_its_kind_and_cost_default_first()
    {
        var (code, output, error) = Run("presets");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(TigerPresets.List.Count, lines.Length);
        foreach (var (preset, line) in TigerPresets.List.Zip(lines))
        {
            Assert.StartsWith($"{preset.Name} --model {preset.Model}", line);
            Assert.EndsWith(preset.Cost, line.TrimEnd());
        }
        Assert.Contains($"cpu --model {TigerPresets.DefaultModel("cpu")} (default)", output);
    }

    [Fact]
    public void Missing_semantic_ids_folder_gives_one_line_and_exit_code_1()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp);
        var (code, _, error) = Run(TrainArgs(temp, temp.Combine("no-ids")));
        Assert.Equal(1, code);
        Assert.StartsWith("error: Semantic-ID folder not found", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Unknown_preset_gives_one_line_and_exit_code_1()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp);
        var (code, _, error) = Run(TrainArgs(temp, TinyTigerRun.WriteSemanticIds(temp), preset: "gpu"));
        Assert.Equal(1, code);
        Assert.Equal("error: Unknown preset \"gpu\": expected one of cpu, cpu-large, paper.", error.TrimEnd());
    }

    [Fact]
    public void Evaluate_without_a_trained_run_gives_one_line_and_exit_code_1()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = Run("evaluate", "--run", temp.Combine("missing"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: Run folder not found", error);
        Directory.CreateDirectory(temp.Combine("empty"));
        (code, _, error) = Run("evaluate", "--run", temp.Combine("empty"));
        Assert.Equal(1, code);
        Assert.Contains("config.json not found", error);
    }
}
