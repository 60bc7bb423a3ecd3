// The "Paper experiments" part of report.html: one section per experiments/<name>.json a run folder holds (the
// four `genrec experiment` commands, PaperExperiments in the paper's §4.2–§4.4), each a table beside the paper's
// numbers and a chart. Nothing is written when the folder has none, so a plain run's report is unchanged.
using System.Globalization;

namespace GenRec.Runs.Experiments;

internal static class ExperimentSections
{
    public static void Write(HtmlPage page, RunFolder run)
    {
        var present = ExperimentFiles.Names.Where(n => File.Exists(ExperimentFiles.ResultPath(run.Root, n))).ToList();
        if (present.Count == 0) return;
        page.Element("h2", "Paper experiments");
        foreach (var name in present)
        {
            var path = ExperimentFiles.ResultPath(run.Root, name);
            page.Raw($"<section class=\"experiment\" data-experiment=\"{HtmlPage.Escape(name)}\">");
            switch (name)
            {
                case IdAblation.Name: Ids(page, RunFiles.ReadJson<IdAblationResult>(path)); break;
                case InvalidIds.Name: Invalid(page, RunFiles.ReadJson<InvalidIdsResult>(path)); break;
                case Diversity.Name: Diverse(page, RunFiles.ReadJson<DiversityResult>(path)); break;
                case ColdStart.Name: Cold(page, RunFiles.ReadJson<ColdStartResult>(path)); break;
            }
            page.Raw($"<p class=\"source\">From <code>{HtmlPage.Escape(Path.GetRelativePath(run.Root, path))}</code>.</p></section>");
        }
    }

    static string F(double? v) => v is double d ? RunReport.Format(d) : "—";
    static string Pct(double? v) => v is double d ? (100 * d).ToString("0.00", CultureInfo.InvariantCulture) + " %" : "—";

    static Cell Num(string text, string id, double? value) => value is double v
        ? new Cell(text, "num", new Dictionary<string, string> { ["metric"] = id, ["value"] = v.ToString("R", CultureInfo.InvariantCulture) })
        : new Cell(text, "num");

    static void Ids(HtmlPage page, IdAblationResult r)
    {
        page.Element("h3", "What the ID is worth (§4.3)");
        page.Raw($"<p>Stage 2 trained with one preset (<b>{HtmlPage.Escape(r.Preset)}</b>, {HtmlPage.Escape(r.Model)}, seed {r.Seed}) on each stage-1 method's IDs; test split. " +
                 $"Paper: {HtmlPage.Escape(r.PaperSource)}.</p>");
        page.Table(["IDs", .. ReportedMetrics.Keys, "paper recall@5", "paper recall@10", "colliding items", "run folder"], r.Rows.Select(row => (IReadOnlyList<Cell>)
        [
            row.Method,
            Num(F(row.Test?.Recall5), $"ids.{row.Method}.recall@5", row.Test?.Recall5),
            Num(F(row.Test?.Ndcg5), $"ids.{row.Method}.ndcg@5", row.Test?.Ndcg5),
            Num(F(row.Test?.Recall10), $"ids.{row.Method}.recall@10", row.Test?.Recall10),
            Num(F(row.Test?.Ndcg10), $"ids.{row.Method}.ndcg@10", row.Test?.Ndcg10),
            new Cell(F(row.Paper?.Recall5), "num"), new Cell(F(row.Paper?.Recall10), "num"),
            new Cell(row.CollidingItems?.ToString("N0", CultureInfo.InvariantCulture) ?? "—", "num"), row.RunDirectory,
        ]), "experiment-ids");
        var series = new Dictionary<string, double[]>();
        var measured = r.Rows.Where(row => row.Test is not null).ToList();
        if (measured.Count == 0) return;
        series["this run, recall@5"] = [.. measured.Select(row => row.Test!.Recall5)];
        series["this run, recall@10"] = [.. measured.Select(row => row.Test!.Recall10)];
        if (measured.All(row => row.Paper is not null))
        {
            series["paper, recall@5"] = [.. measured.Select(row => row.Paper!.Recall5)];
            series["paper, recall@10"] = [.. measured.Select(row => row.Paper!.Recall10)];
        }
        page.Chart(RunCharts.GroupedBars([.. measured.Select(row => row.Method)], series, "Test recall by semantic-ID method", "recall"));
    }

    static void Invalid(HtmlPage page, InvalidIdsResult r)
    {
        page.Element("h3", "Invalid IDs vs beam width (§4.4)");
        page.Raw($"<p>{r.Users:N0} test users decoded with <code>{HtmlPage.Escape(r.Checkpoint)}</code> without constraints (invalid: the ID names no item) " +
                 $"and with the prefix-trie constraint. {HtmlPage.Escape(r.Paper)}.</p>");
        page.Table(["beam", "invalid in top 10", "invalid in top 20", "unconstrained recall@10", "constrained recall@5", "constrained recall@10", "constrained ndcg@10"],
            r.Rows.Select(row => (IReadOnlyList<Cell>)
            [
                new Cell(row.BeamWidth.ToString(CultureInfo.InvariantCulture), "num"),
                Num(Pct(row.InvalidTop10), $"invalid.{row.BeamWidth}.top10", row.InvalidTop10),
                Num(Pct(row.InvalidTop20), $"invalid.{row.BeamWidth}.top20", row.InvalidTop20),
                new Cell(F(row.UnconstrainedRecall10), "num"),
                new Cell(F(row.Constrained.Recall5), "num"),
                Num(F(row.Constrained.Recall10), $"invalid.{row.BeamWidth}.constrained.recall@10", row.Constrained.Recall10),
                new Cell(F(row.Constrained.Ndcg10), "num"),
            ]), "experiment-invalid-ids");
        var widths = r.Rows.Select(row => (double)row.BeamWidth).ToArray();
        var lines = new Dictionary<string, (double[], double[])> { ["invalid in top 10"] = (widths, [.. r.Rows.Select(row => row.InvalidTop10)]) };
        var wide = r.Rows.Where(row => row.InvalidTop20 is not null).ToList();
        if (wide.Count > 0) lines["invalid in top 20"] = ([.. wide.Select(row => (double)row.BeamWidth)], [.. wide.Select(row => row.InvalidTop20!.Value)]);
        page.Chart(RunCharts.Lines(lines, "Share of invalid IDs without constraints", "beam width", "share of IDs"));
    }

    static void Diverse(HtmlPage page, DiversityResult r)
    {
        page.Element("h3", "Diversity by temperature (§4.4)");
        List<string> ks = r.Rows.Count == 0 ? [] : [.. r.Rows[0].Entropy.Keys];
        page.Raw($"<p>{r.Users:N0} test users; recommendations are the first distinct items drawn by temperature sampling over valid IDs (seed {r.Seed}). " +
                 $"Entropy in nats of the item categories at {HtmlPage.Escape(r.CategoryRule)} ({r.Categories.Count} categories). {HtmlPage.Escape(r.PaperSource)}.</p>");
        page.Table(["temperature", .. ks.Select(k => $"entropy@{k}"), .. ks.Select(k => $"paper entropy@{k}"), "recall@10", "distinct items"],
            r.Rows.Select(row => (IReadOnlyList<Cell>)
            [
                new Cell(row.Temperature.ToString("0.0##", CultureInfo.InvariantCulture), "num"),
                .. ks.Select(k => Num(F(row.Entropy[k]), $"diversity.{row.Temperature.ToString(CultureInfo.InvariantCulture)}.entropy@{k}", row.Entropy[k])),
                .. ks.Select(k => new Cell(F(row.Paper?.GetValueOrDefault(k)), "num")),
                Num(F(row.Recall10), $"diversity.{row.Temperature.ToString(CultureInfo.InvariantCulture)}.recall@10", row.Recall10),
                new Cell(row.MeanItems.ToString("0.0", CultureInfo.InvariantCulture), "num"),
            ]), "experiment-diversity");
        if (r.Rows.Count == 0) return;
        var series = r.Rows.ToDictionary(row => $"T = {row.Temperature.ToString(CultureInfo.InvariantCulture)}", row => ks.Select(k => row.Entropy[k]).ToArray());
        foreach (var row in r.Rows.Where(row => row.Paper is not null && ks.All(row.Paper.ContainsKey)))
            series[$"paper, T = {row.Temperature.ToString(CultureInfo.InvariantCulture)}"] = [.. ks.Select(k => row.Paper![k])];
        page.Chart(RunCharts.GroupedBars([.. ks.Select(k => $"entropy@{k}")], series, "Category entropy of sampled recommendations", "entropy (nats)"));
    }

    static void Cold(HtmlPage page, ColdStartResult r)
    {
        page.Element("h3", "Cold start (§4.2)");
        page.Raw($"<p>{r.ColdItems.Count:N0} items held out of training ({r.DroppedUsers:N0} users dropped with fewer than 3 items left); stage 2 retrained in " +
                 $"<code>{HtmlPage.Escape(r.TigerDirectory)}</code>; beam {r.BeamWidth}; {r.Users:N0} test users, {r.ColdTargetUsers:N0} of them with an unseen target. " +
                 $"ε caps the share of unseen items in each top K at ⌊ε·K⌋ items. {HtmlPage.Escape(r.Paper)}.</p>");
        List<string> ks = r.Rows.Count == 0 ? [] : [.. r.Rows[0].ColdTargets.Keys];
        page.Table(["method", "ε", .. ks.Select(k => $"recall@{k} (unseen targets)"), .. ks.Select(k => $"recall@{k} (all users)"), "unseen share of top list"],
            r.Rows.Select(row => (IReadOnlyList<Cell>)
            [
                row.Method, new Cell(row.Epsilon?.ToString(CultureInfo.InvariantCulture) ?? "—", "num"),
                .. ks.Select(k => Num(F(row.ColdTargets[k]), $"cold.{row.Method}.{row.Epsilon?.ToString(CultureInfo.InvariantCulture) ?? "none"}.recall@{k}", row.ColdTargets[k])),
                .. ks.Select(k => new Cell(F(row.AllUsers[k]), "num")),
                new Cell(Pct(row.ColdShare), "num"),
            ]), "experiment-cold-start");
        var xs = ks.Select(k => double.Parse(k, CultureInfo.InvariantCulture)).ToArray();
        var lines = r.Rows.Where(row => row.ColdTargets.Values.All(double.IsFinite)).ToDictionary(
            row => row.Epsilon is double e ? $"{row.Method}, ε = {e.ToString(CultureInfo.InvariantCulture)}" : row.Method,
            row => (xs, ks.Select(k => row.ColdTargets[k]).ToArray()));
        if (lines.Count > 0) page.Chart(RunCharts.Lines(lines, "Recall@K on test users whose target is unseen", "K", "recall"));
    }
}
