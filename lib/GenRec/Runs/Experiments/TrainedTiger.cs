// What the paper's experiments (§4.3–§4.4, §4.2; PaperExperiments) share: a trained TIGER run folder opened for
// inference — its config, tokenizer, leave-one-out examples and best checkpoint — and the experiments/ folder of
// a pipeline run folder, where each experiment writes <name>.json for report.html to pick up.
using GenRec.Data;
using GenRec.Tiger;
using TorchSharp;

namespace GenRec.Runs.Experiments;

/// <summary>A trained stage-2 run (a tiger/ folder) loaded for decoding.</summary>
public sealed class TrainedTiger : IDisposable
{
    TrainedTiger(string directory, TigerRunConfig config, TigerData data, IGenerativeRetriever model, string checkpoint)
    {
        Directory = directory;
        Config = config;
        Data = data;
        Model = model;
        Checkpoint = checkpoint;
    }

    /// <summary>Full path of the tiger/ folder.</summary>
    public string Directory { get; }
    /// <summary>Its config.json.</summary>
    public TigerRunConfig Config { get; }
    /// <summary>Tokenizer and examples, as the run trained on them.</summary>
    public TigerData Data { get; }
    /// <summary>The model of <see cref="Checkpoint"/>.</summary>
    public IGenerativeRetriever Model { get; }
    /// <summary>checkpoints/best.pt, else checkpoints/last.pt.</summary>
    public string Checkpoint { get; }

    /// <summary>
    /// Opens <paramref name="tigerDirectory"/> (trained on <paramref name="dataset"/>) with its best checkpoint
    /// (last.pt when there is no best) on <paramref name="device"/> ("auto", "cpu", "cuda").
    /// </summary>
    public static TrainedTiger Load(string tigerDirectory, AmazonDataset dataset, string? device = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var directory = Path.GetFullPath(tigerDirectory);
        var config = TigerRunConfig.Load(directory);
        if (config.Dataset != dataset.Name)
            throw new ArgumentException($"{directory} was trained on dataset \"{config.Dataset}\", not \"{dataset.Name}\".");
        var checkpoints = Path.Combine(directory, TigerTraining.CheckpointFolder);
        var checkpoint = new[] { TigerTraining.BestCheckpoint, TigerTraining.LastCheckpoint }.Select(f => Path.Combine(checkpoints, f)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{checkpoints} has no checkpoint: train first.");
        var data = TigerTraining.LoadData(dataset, config.SemanticIds, config.UserBuckets, config.Trainer.MaxHistoryItems);
        var model = TigerCheckpoint.LoadModel(checkpoint);
        model.Module.to(TorchDevice.Pick(device));
        return new TrainedTiger(directory, config, data, model, checkpoint);
    }

    /// <summary>The model's source tokens of each example's history (with the user token when the run uses one).</summary>
    public List<int[]> Sources(IEnumerable<TigerExample> examples) =>
        [.. examples.Select(e => Model.EncodeSource(Data.Tokenizer, e.History, Config.Trainer.MaxHistoryItems, Config.Trainer.UseUserToken ? e.UserId : null))];

    /// <summary>
    /// What an experiment on the run's own model does around its measurement: runs (or reuses) the pipeline of
    /// <paramref name="options"/>, calls <paramref name="measure"/> with its tiger/ folder and dataset, writes the
    /// result as experiments/<paramref name="name"/>.json and rewrites report.html to show it.
    /// </summary>
    public static T MeasurePipelineRun<T>(PipelineOptions options, string name, IProgress<PipelineProgress>? progress, Func<string, AmazonDataset, T> measure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(measure);
        var main = Pipeline.Run(options, progress);
        var dataset = DatasetLoading.Load(options.Dataset, options.DataDir, options.CacheDir);
        var result = measure(Path.Combine(main.RunDirectory, RunFolder.TigerDir), dataset);
        ExperimentFiles.Save(main.RunDirectory, name, result);
        RunReport.Write(main.RunDirectory, dataset);
        return result;
    }

    public void Dispose() => Model.Dispose();
}

/// <summary>The experiments/ folder of a run folder.</summary>
public static class ExperimentFiles
{
    /// <summary>Sub-folder of a run folder holding the experiments' JSON and their own runs.</summary>
    public const string Folder = "experiments";

    /// <summary>The experiment names, in the paper's order of presentation here (also the JSON file names).</summary>
    public static IReadOnlyList<string> Names { get; } = ["ids", "invalid-ids", "diversity", "cold-start"];

    /// <summary>Full path of experiments/<paramref name="name"/>.json in <paramref name="runDirectory"/>.</summary>
    public static string ResultPath(string runDirectory, string name) => Path.Combine(Path.GetFullPath(runDirectory), Folder, name + ".json");

    /// <summary>Writes <paramref name="result"/> as experiments/<paramref name="name"/>.json (atomically).</summary>
    public static string Save<T>(string runDirectory, string name, T result)
    {
        var path = ResultPath(runDirectory, name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        RunFiles.WriteJson(path, result);
        return path;
    }

    /// <summary>A seeded subset of <paramref name="users"/> examples (≤ 0: all), in their original order.</summary>
    public static IReadOnlyList<TigerExample> Users(IReadOnlyList<TigerExample> examples, int users, long seed) =>
        TigerData.Subset(examples, users, seed);
}
