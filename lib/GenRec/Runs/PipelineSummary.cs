// The files the pipeline writes at the top of a run folder once every stage is done, typed:
//   metrics.json  — each model's valid/test metrics as its stage wrote them, the paper's row for the run's
//                   dataset (none for a dataset the paper did not evaluate) and which fields the item texts
//                   held (Sports: no titles). Identical for the same seed: no wall times in it.
//   timings.json  — wall seconds of the invocation and of each stage (a reused stage is named, not re-timed).
using System.Text.Json.Serialization;
using GenRec.Text;

namespace GenRec.Runs;

/// <summary>Validation and test metrics of one model.</summary>
public sealed record ModelSplits(SplitMetrics? Valid, SplitMetrics? Test);

/// <summary>metrics.json at the top of a run folder.</summary>
/// <param name="Dataset">Dataset name.</param>
/// <param name="Preset">TIGER preset name.</param>
/// <param name="Seed">Seed of every stage.</param>
/// <param name="Tiger">TIGER's metrics (from tiger/metrics.json).</param>
/// <param name="SasRec">The SASRec control's metrics (from sasrec/metrics.json); absent when it did not run.</param>
/// <param name="Paper">The paper's row for <paramref name="Dataset"/>; absent when the paper has none.</param>
/// <param name="ItemText">Which fields the item texts held; absent in files written before it existed.</param>
public sealed record PipelineMetrics(
    string Dataset,
    string Preset,
    long Seed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ModelSplits? Tiger,
    [property: JsonPropertyName("sasrec"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ModelSplits? SasRec,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PaperRow? Paper,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ItemTextCoverage? ItemText)
{
    /// <summary>File name inside the run folder.</summary>
    public const string FileName = "metrics.json";

    /// <summary>
    /// Collects the metrics of the finished stages of <paramref name="runDirectory"/> (a stage without a
    /// metrics.json is left out) beside the paper's row for <paramref name="dataset"/>.
    /// </summary>
    public static PipelineMetrics Collect(string runDirectory, string dataset, string preset, long seed, ItemTextCoverage? itemText)
    {
        return new PipelineMetrics(dataset, preset, seed, Read(RunFolder.TigerDir), Read(RunFolder.SasRecDir), TigerPaper.For(dataset), itemText);

        ModelSplits? Read(string stageDir)
        {
            var path = Path.Combine(runDirectory, stageDir, FileName);
            return File.Exists(path) ? RunFiles.ReadJson<ModelSplits>(path) : null;
        }
    }

    /// <summary>Reads metrics.json of <paramref name="runDirectory"/>.</summary>
    public static PipelineMetrics Load(string runDirectory) => RunFiles.ReadJson<PipelineMetrics>(Path.Combine(runDirectory, FileName));

    /// <summary>Writes metrics.json into <paramref name="runDirectory"/> (atomically).</summary>
    public void Save(string runDirectory) => RunFiles.WriteJson(Path.Combine(runDirectory, FileName), this);
}

/// <summary>timings.json at the top of a run folder.</summary>
/// <param name="WallSeconds">Wall time of the invocation up to the report.</param>
/// <param name="Stages">Each stage's status and wall seconds in this invocation.</param>
public sealed record RunTimings(double WallSeconds, IReadOnlyList<RunTimings.Row> Stages)
{
    /// <summary>File name inside the run folder.</summary>
    public const string FileName = "timings.json";

    /// <summary>One stage: its name (<see cref="StageTiming.Name"/>), status and seconds.</summary>
    public sealed record Row(string Stage, string Status, double Seconds);

    /// <summary>The timings of <paramref name="stages"/>, rounded to 0.1 s.</summary>
    public static RunTimings From(double wallSeconds, IEnumerable<StageTiming> stages) =>
        new(Math.Round(wallSeconds, 1), [.. stages.Select(s => new Row(s.Name, s.Status, Math.Round(s.Seconds, 1)))]);

    /// <summary>Writes timings.json into <paramref name="runDirectory"/> (atomically).</summary>
    public void Save(string runDirectory) => RunFiles.WriteJson(Path.Combine(runDirectory, FileName), this);
}
