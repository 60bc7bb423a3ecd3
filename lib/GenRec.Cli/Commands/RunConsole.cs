// What `genrec run` shows while the library's pipeline (GenRec.Runs.Pipeline) works, and after: the run
// folder, a line as each stage starts real work, progress — Spectre bars on a terminal, PlainProgress lines
// every 30 s without one (CI logs, nohup, a pipe) — and at the end a table of the stages and one of the
// metrics beside the paper's row for the run's dataset, with a caveat where items have no titles (Sports).
using System.Diagnostics;
using GenRec.Runs;
using Spectre.Console;

namespace GenRec.Cli.Commands;

public static class RunConsole
{
    /// <summary>Runs the pipeline, drawing its progress, then prints the summary to <paramref name="output"/>.</summary>
    public static PipelineResult Execute(PipelineOptions options, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        PipelineResult result;
        if (!AnsiConsole.Profile.Capabilities.Interactive) result = Pipeline.Run(options, new PlainView(output));
        else
        {
            result = null!;
            AnsiConsole.Progress().AutoClear(false).Start(context => result = Pipeline.Run(options, new SpectreView(context)));
        }
        PrintSummary(output, result, clock.Elapsed);
        return result;
    }

    /// <summary>Plain-line progress of one or more pipelines (the experiments run several, one after another).</summary>
    public static IProgress<PipelineProgress> Plain(TextWriter output) => new PlainView(output);

    /// <summary>Without a terminal: plain lines, each counted step rate-limited by its own <see cref="PlainProgress"/>.</summary>
    sealed class PlainView(TextWriter output) : IProgress<PipelineProgress>
    {
        readonly PlainTigerProgress tiger = new(output);
        readonly Dictionary<string, PlainProgress> steps = [];

        public void Report(PipelineProgress value)
        {
            switch (value)
            {
                case StageSteps s:
                    if (!steps.TryGetValue(s.Label, out var plain)) steps[s.Label] = plain = new PlainProgress(output, s.Label);
                    plain.Report(s.Done, s.Total);
                    break;
                case StageTigerProgress t: tiger.Report(t.Report); break;
                default: if (Line(value) is { } line) output.WriteLine(line); break;
            }
        }
    }

    /// <summary>On a terminal: one bar per counted step and TIGER phase inside one live display, lines above it.</summary>
    sealed class SpectreView(ProgressContext context) : IProgress<PipelineProgress>
    {
        readonly SpectreTigerProgress tiger = new(context);
        readonly Dictionary<string, ProgressTask> steps = [];

        public void Report(PipelineProgress value)
        {
            switch (value)
            {
                case StageSteps s:
                    if (!steps.TryGetValue(s.Label, out var task)) steps[s.Label] = task = context.AddTask(Markup.Escape(s.Label), maxValue: Math.Max(1, s.Total));
                    task.Value = s.Done;
                    break;
                case StageTigerProgress t: tiger.Report(t.Report); break;
                default: if (Line(value) is { } line) AnsiConsole.WriteLine(line); break;
            }
        }
    }

    /// <summary>The line a report prints, if any (a finished stage prints nothing: the summary table lists it).</summary>
    static string? Line(PipelineProgress value) => value switch
    {
        PipelineStarted s => $"run folder: {s.RunDirectory}",
        StageStarted s => $"== {s.Description}",
        StageMessage { Stage: PipelineStage.SasRec } m => $"sasrec: {m.Text}",
        StageMessage m => m.Text,
        _ => null,
    };

    static void PrintSummary(TextWriter output, PipelineResult result, TimeSpan total)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Detect });
        // Without a terminal Spectre assumes 80 columns and would wrap the paper row's label; a log has no width.
        if (!AnsiConsole.Profile.Capabilities.Interactive) console.Profile.Width = Math.Max(console.Profile.Width, 120);
        var stageTable = new Table().AddColumns("stage", "status", "wall s");
        foreach (var stage in result.Stages) stageTable.AddRow(Markup.Escape(stage.Name), Markup.Escape(stage.Status), stage.Seconds.ToString("F1"));
        console.Write(stageTable);

        var metrics = result.Metrics;
        var table = new Table().AddColumns("model", "split", "Recall@5", "NDCG@5", "Recall@10", "NDCG@10");
        foreach (var (model, splits) in new[] { ("tiger", metrics.Tiger), ("sasrec", metrics.SasRec) })
            foreach (var (split, values) in new[] { ("valid", splits?.Valid), ("test", splits?.Test) })
                if (values is not null) table.AddRow(model, split, F(values.Recall5), F(values.Ndcg5), F(values.Recall10), F(values.Ndcg10));
        if (metrics.Paper is { } paper) table.AddRow(Markup.Escape(paper.Label), "test", F(paper.Recall5), F(paper.Ndcg5), F(paper.Recall10), F(paper.Ndcg10));
        console.Write(table);
        if (metrics.Paper is null)
            output.WriteLine($"The TIGER paper has no row for dataset {metrics.Dataset} ({TigerPaper.Source} covers {string.Join(", ", TigerPaper.Table2.Select(r => r.Category))}).");
        if (metrics.ItemText?.Caveat is { } caveat) output.WriteLine($"{metrics.Dataset}: {caveat}");
        output.WriteLine($"done in {total.TotalMinutes:F1} min → {result.ReportPath}");

        static string F(double value) => value.ToString("F4");
    }
}
