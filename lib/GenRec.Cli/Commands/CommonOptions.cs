// Options shared by several commands, defined once so their names and help read the same everywhere.
using System.CommandLine;
using System.Globalization;
using GenRec.Runs;
using GenRec.Tiger;

namespace GenRec.Cli.Commands;

public static class CommonOptions
{
    public static Option<string> Dataset() => new("--dataset")
    {
        Description = "Dataset folder name under the data directory (beauty, sports, toys).",
        DefaultValueFactory = _ => "beauty",
    };

    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = "Folder holding the dataset folders; else $GENREC_DATA_DIR, else data/ in the repository.",
    };

    public static Option<string?> CacheDir() => new("--cache-dir")
    {
        Description = "Where caches (Parquet, embeddings) are written; default artifacts/cache in the repository.",
    };

    /// <summary>--preset, its help listing every preset with what it measured.</summary>
    public static Option<string> Preset()
    {
        var option = new Option<string>("--preset")
        {
            Description = "Stage-2 preset: " + string.Join("; ", TigerPresets.List.Select(p => $"{p.Name} ({p.Model}): {p.Cost}")) +
                          ". Without --model a name runs its first kind listed.",
            DefaultValueFactory = _ => "cpu",
        };
        return option;   // an unknown name is refused by TigerPresets.Get, naming the known ones
    }

    /// <summary>--model: which stage-2 model (default: the preset's).</summary>
    public static Option<string?> Model()
    {
        var option = new Option<string?>("--model") { Description = $"Stage-2 model: {string.Join(" | ", ModelKinds.All)} (default: the preset's)." };
        option.AcceptOnlyFromAmong([.. ModelKinds.All]);
        return option;
    }
}

/// <summary>Stage-2 settings that replace a preset's, for tuning on the validation split (`evaluate --split valid`).</summary>
public sealed class TuningOptions
{
    public required Option<double?> LearningRate { get; init; }
    public required Option<int?> BatchSize { get; init; }
    public required Option<double?> Dropout { get; init; }
    public required Option<string?> Schedule { get; init; }
    public required Option<string?> UserToken { get; init; }
    public required Option<int?> Layers { get; init; }
    public required Option<int?> FeedForward { get; init; }
    public required Option<double?> WeightDecay { get; init; }

    public IEnumerable<Option> All => [LearningRate, BatchSize, Dropout, Schedule, UserToken, Layers, FeedForward, WeightDecay];

    public static TuningOptions Create()
    {
        var schedule = new Option<string?>("--schedule") { Description = $"Learning-rate shape after warm-up: {string.Join(" | ", ScheduleShapes.All)} (cosine anneals to 0 at the last step)." };
        schedule.AcceptOnlyFromAmong([.. ScheduleShapes.All]);
        var userToken = new Option<string?>("--user-token") { Description = "on | off: prepend the user's hashed token (2,000 buckets, as the paper)." };
        userToken.AcceptOnlyFromAmong("on", "off");
        return new TuningOptions
        {
            LearningRate = new Option<double?>("--learning-rate") { Description = "Peak learning rate instead of the preset's (tune on the validation split: evaluate --split valid)." },
            BatchSize = new Option<int?>("--batch-size") { Description = "Examples per step instead of the preset's (decoder-only: user windows)." },
            Dropout = new Option<double?>("--dropout") { Description = "Dropout rate instead of the preset's." },
            Schedule = schedule,
            UserToken = userToken,
            Layers = new Option<int?>("--layers") { Description = "Transformer layers instead of the preset's (decoder-only: the causal stack; encoder-decoder: each stack)." },
            FeedForward = new Option<int?>("--d-ff") { Description = "Feed-forward hidden width instead of the preset's." },
            WeightDecay = new Option<double?>("--weight-decay") { Description = "AdamW weight decay instead of the preset's." },
        };
    }

    public TigerPresetOverrides Read(ParseResult parse) => new(
        LearningRate: parse.GetValue(LearningRate),
        BatchSize: parse.GetValue(BatchSize),
        Dropout: parse.GetValue(Dropout),
        Schedule: parse.GetValue(Schedule),
        UserToken: parse.GetValue(UserToken) is { } u ? u == "on" : null,
        Layers: parse.GetValue(Layers),
        FeedForward: parse.GetValue(FeedForward),
        WeightDecay: parse.GetValue(WeightDecay));
}
