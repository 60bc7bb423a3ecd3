// The command line end to end on the tiny prepared dataset: JSON statistics, and one clear error line
// with a non-zero exit code for bad input.
using System.Text.Json;
using GenRec.Cli.Commands;
using GenRec.Tests.Data;
using GenRec.Tests.TestSupport;
using static GenRec.Tests.TestSupport.CliRunner;

namespace GenRec.Tests.Cli;

public sealed class CliTests
{
    [Fact]
    public void Data_stats_json_reports_users_items_and_interactions()
    {
        using var temp = new TempDirectory();
        TinyPreparedDataset.Write(temp);
        var (code, output, error) = Run("data", "stats", "--dataset", "tiny", "--data-dir", temp.Path, "--cache-dir", temp.Combine("cache"), "--json");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(3, json.RootElement.GetProperty("users").GetInt32());
        Assert.Equal(4, json.RootElement.GetProperty("items").GetInt32());
        Assert.Equal(12, json.RootElement.GetProperty("interactions").GetInt32()); // 4 + 3 + 5
    }

    [Fact]
    public void Unknown_dataset_gives_one_line_and_exit_code_1()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = Run("data", "stats", "--dataset", "nope", "--data-dir", temp.Path);
        Assert.Equal(1, code);
        Assert.StartsWith("error: Unknown dataset \"nope\"", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Malformed_line_names_file_and_line()
    {
        using var temp = new TempDirectory();
        TinyPreparedDataset.Write(temp, sequences: "1 1 2 3\n2 4 x 1\n3 2 1 4\n");
        var (code, _, error) = Run("data", "stats", "--dataset", "tiny", "--data-dir", temp.Path, "--cache-dir", temp.Combine("cache"));
        Assert.Equal(1, code);
        Assert.Contains("sequences.txt line 2", error);
    }

    [Fact]
    public void Unknown_method_is_a_usage_error()
    {
        var (code, _, _) = Run("semantic-ids", "--method", "pca", "--out", Path.GetTempPath());
        Assert.NotEqual(0, code);
    }
}
