// training_history.json of a TIGER run (CONTRACT.md): one entry per training step (loss, learning rate,
// cumulative training seconds) and one per periodic validation (metrics on the validation subset). It is
// rewritten, atomically, together with checkpoints/last.pt, so a resumed run continues the same history.
using System.Text.Json.Serialization;
using GenRec.Evaluation;

namespace GenRec.Runs;

/// <summary>One training step: its loss and rate, cumulative training seconds (validations excluded) and the target tokens it trained.</summary>
public sealed record TrainPoint(int Step, int Epoch, double Loss, double LearningRate, double Seconds, long TargetTokens = 0);

/// <summary>One periodic validation (metrics on the validation subset) and the training seconds spent until it.</summary>
public sealed record ValidationRecord(
    int Step,
    [property: JsonPropertyName("recall@5")] double Recall5,
    [property: JsonPropertyName("recall@10")] double Recall10,
    [property: JsonPropertyName("ndcg@5")] double Ndcg5,
    [property: JsonPropertyName("ndcg@10")] double Ndcg10,
    int Users,
    double Seconds = 0)
{
    public static ValidationRecord From(int step, EvaluationResult r, double seconds = 0) => new(step, r.Recall5, r.Recall10, r.Ndcg5, r.Ndcg10, r.Users, seconds);
}

/// <summary>The training and validation curves of a run.</summary>
public sealed record TigerHistory(List<TrainPoint> Train, List<ValidationRecord> Validation)
{
    /// <summary>File name inside the run folder.</summary>
    public const string FileName = "training_history.json";

    public static TigerHistory Empty() => new([], []);

    /// <summary>The history of <paramref name="runDirectory"/>, or an empty one when there is none yet.</summary>
    public static TigerHistory LoadOrEmpty(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        return File.Exists(path) ? RunFiles.ReadJson<TigerHistory>(path) : Empty();
    }

    public void Save(string runDirectory) => RunFiles.WriteJson(Path.Combine(runDirectory, FileName), this);

    /// <summary>Drops entries after <paramref name="step"/> (written after the checkpoint a run resumes from).</summary>
    public TigerHistory UpTo(int step) => new([.. Train.Where(p => p.Step <= step)], [.. Validation.Where(v => v.Step <= step)]);

    /// <summary>The validation with the highest Recall@10 (earliest on ties), or null.</summary>
    [JsonIgnore]
    public ValidationRecord? Best => Validation.Count == 0 ? null
        : Validation.Aggregate((best, v) => v.Recall10 > best.Recall10 ? v : best);

    /// <summary>Validations after the best one (what patience counts).</summary>
    [JsonIgnore]
    public int ValidationsSinceBest => Best is { } best ? Validation.Count(v => v.Step > best.Step) : 0;

    /// <summary>Cumulative training seconds so far.</summary>
    [JsonIgnore]
    public double Seconds => Train.Count == 0 ? 0 : Train[^1].Seconds;
}
