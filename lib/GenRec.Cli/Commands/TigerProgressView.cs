// How the command line draws TIGER's progress reports (GenRec.Runs.TigerProgress), in one place for `train`,
// `evaluate` and `run`: on a terminal, one Spectre bar per phase with the loss and the latest validation in
// its description; without one (CI logs, nohup, a pipe), the resume note, one line per validation and
// rate-limited PlainProgress lines for training and each evaluated split.
using GenRec.Runs;
using Spectre.Console;

namespace GenRec.Cli.Commands;

/// <summary>Plain lines for TIGER progress, written to <paramref name="console"/>.</summary>
public sealed class PlainTigerProgress(TextWriter console)
{
    readonly Dictionary<string, PlainProgress> phases = [];

    public void Report(TigerProgress p)
    {
        if (p.Validation is { } v) console.WriteLine($"step {v.Step}: validation R@5 {v.Recall5:F4}  R@10 {v.Recall10:F4}  N@10 {v.Ndcg10:F4} ({v.Users} users)");
        else if (p.Phase == TigerPhase.Loading) { if (p.Message is { } m && p.Done == 1) console.WriteLine(m); }
        else if (p.Phase is TigerPhase.Training or TigerPhase.Evaluating)
        {
            var label = p.Phase == TigerPhase.Training ? "training" : $"evaluate {p.Message}";
            if (!phases.TryGetValue(label, out var plain)) phases[label] = plain = new PlainProgress(console, label);
            plain.Report(p.Done, p.Total, p.Loss is double loss ? $"loss {loss:F4}" : null);
        }
    }
}

/// <summary>Spectre bars for TIGER progress inside a live progress display.</summary>
public sealed class SpectreTigerProgress(ProgressContext context)
{
    readonly Dictionary<string, ProgressTask> tasks = [];

    public void Report(TigerProgress p)
    {
        if (p.Phase == TigerPhase.Loading) { if (p.Message is { } m) AnsiConsole.MarkupLine(Markup.Escape(m)); return; }
        var key = p.Phase == TigerPhase.Evaluating ? $"evaluate {p.Message}" : p.Phase.ToString().ToLowerInvariant();
        if (!tasks.TryGetValue(key, out var task)) tasks[key] = task = context.AddTask(Markup.Escape(key), maxValue: Math.Max(1, p.Total));
        task.MaxValue = Math.Max(1, p.Total);
        task.Value = p.Done;
        if (p.Loss is double loss) task.Description = Markup.Escape($"training  loss {loss:F3}");
        if (p.Validation is { } v)
        {
            task.Description = Markup.Escape($"validation  R@10 {v.Recall10:F4} @ step {v.Step}");
            AnsiConsole.MarkupLine(Markup.Escape($"step {v.Step}: R@5 {v.Recall5:F4}  R@10 {v.Recall10:F4}  N@10 {v.Ndcg10:F4}"));
        }
    }
}
