// Stage-2 part of the report: TIGER's (and SASRec's, when run) training curves from training_history.json —
// training loss and learning rate per step, and the validation Recall/NDCG measured during training — and one
// chart that puts both models' validation Recall@10 on the same time axis (training seconds), because on a CPU
// "how good after how many seconds" is the comparison that matters.

namespace GenRec.Runs;

internal static class StageTwoSections
{
    public static void Write(HtmlPage page, RunFolder run, List<string> notRun)
    {
        foreach (var (dir, name) in new[] { (RunFolder.TigerDir, "TIGER"), (RunFolder.SasRecDir, "SASRec") })
        {
            page.Element("h2", $"Stage 2: {name} training");
            var source = run.PathOf(dir, "training_history.json");
            var history = run.ReadJsonOrNull(dir, "training_history.json");
            if (history is null) { RunReport.NotRun(page, notRun, dir, $"no {dir}/training_history.json"); continue; }

            var train = RunFolder.Objects(history, "train", source);
            var trainSteps = Steps(train, source + " train");
            var loss = new Dictionary<string, (double[], double[])>();
            StageOneSections.AddSeries(loss, "training loss", trainSteps, train.Select((t, i) => RunFolder.Number(t, "loss", $"{source} train[{i}]")));
            if (loss.Count > 0) RunCharts.LinesOrConstants(page, loss, $"{name} training loss", "step", "loss");
            var rate = new Dictionary<string, (double[], double[])>();
            StageOneSections.AddSeries(rate, "learning rate", trainSteps, train.Select((t, i) => RunFolder.Number(t, "learning_rate", $"{source} train[{i}]")));
            if (rate.Count > 0) RunCharts.LinesOrConstants(page, rate, $"{name} learning rate", "step", "learning rate");

            var validation = RunFolder.Objects(history, "validation", source);
            var validationSteps = Steps(validation, source + " validation");
            var metrics = new Dictionary<string, (double[], double[])>();
            foreach (var key in ReportedMetrics.Keys)
                StageOneSections.AddSeries(metrics, key, validationSteps, validation.Select((v, i) => RunFolder.Number(v, key, $"{source} validation[{i}]")));
            if (metrics.Count > 0) RunCharts.LinesOrConstants(page, metrics, $"{name} validation during training", "step", "metric");
            if (loss.Count == 0 && metrics.Count == 0) page.Raw("<p class=\"not-run\">training_history.json has no entries yet.</p>");
        }
        TimeAxis(page, run);
    }

    /// <summary>Validation Recall@10 of every model that logged seconds, against training seconds.</summary>
    static void TimeAxis(HtmlPage page, RunFolder run)
    {
        var curves = new Dictionary<string, (double[], double[])>();
        foreach (var (dir, name) in new[] { (RunFolder.TigerDir, "TIGER"), (RunFolder.SasRecDir, "SASRec") })
        {
            var source = run.PathOf(dir, "training_history.json");
            var validation = RunFolder.Objects(run.ReadJsonOrNull(dir, "training_history.json"), "validation", source);
            var points = validation.Select((v, i) => (Seconds: RunFolder.Number(v, "seconds", $"{source} validation[{i}]"),
                                                      Recall: RunFolder.Number(v, "recall@10", $"{source} validation[{i}]")))
                                   .Where(p => p.Seconds is > 0 && p.Recall is not null).ToList();
            if (points.Count > 0) curves[name] = ([.. points.Select(p => p.Seconds!.Value)], [.. points.Select(p => p.Recall!.Value)]);
        }
        if (curves.Count == 0) return;
        page.Element("h2", "Stage 2: learning per second");
        page.Raw("<p>Validation Recall@10 measured during training against the training seconds spent until then (TIGER: on its " +
                 "seeded validation subset, validation time excluded; SASRec: on all validation users, its own validations included).</p>");
        page.Chart(RunCharts.Lines(curves, "Validation Recall@10 against training seconds", "training seconds", "Recall@10"));
    }

    static double[] Steps(IReadOnlyList<System.Text.Json.Nodes.JsonObject> entries, string source) =>
        entries.Select((e, i) => RunFolder.Number(e, "step", $"{source}[{i}]") ?? i).ToArray();
}
