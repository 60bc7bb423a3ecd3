// Kill safety of `genrec run` (issue 13, part 3): the real command line runs as a child process on the generated
// 30-item dataset and is killed with SIGKILL (Process.Kill) at one point of every stage — while loading and
// embedding, a third of the way through the RQ-VAE, in TIGER training after its step-10 checkpoint, between the valid and
// test evaluations, in the SASRec control, while the summary is written — then restarted each time, and finally
// run to completion. After every kill no stage marker may claim a stage whose outputs are not exactly those of an
// uninterrupted run; at the end metrics.json, every predictions file, the semantic IDs and the TIGER checkpoints
// must be byte-identical to the uninterrupted run's (same seed, CPU). Kill points are chosen from the child's
// progress lines (GENREC_PROGRESS_SECONDS=0 prints every step), not from sleeps, so each lands in its stage — except
// that the last stages take milliseconds on this data, and on busy cores the child's lines reach this process late:
// a kill meant for the test split may land after the SASRec control has finished. A later kill point whose stage is
// already complete when its attempt starts is then reported as overtaken and skipped (the late kill was still checked
// like any other); the slow stages' kill points (embedding, RQ-VAE, training) are never skipped.
using System.Diagnostics;
using System.Text.Json.Nodes;
using GenRec.Tests.Runs;
using GenRec.Tests.TestSupport;

namespace GenRec.Tests.Cli;

public sealed class KillResumeTests(ITestOutputHelper output)
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);   // per attempt; a few seconds each on free cores

    /// <summary>The command line built beside this test assembly (GenRec.Tests references its project): same configuration and framework.</summary>
    static string CliPath()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));   // …/bin/Debug/net10.0
        var path = Path.Combine(TestPaths.RepoRoot, "lib", "GenRec.Cli", "bin", framework.Parent!.Name, framework.Name, "GenRec.Cli.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Command line not built: {path}.", path);
    }

    static string[] Arguments(TempDirectory temp, string runDir, string cacheDir) =>
    [
        "run", "--dataset", "tiny", "--data-dir", temp.Path, "--cache-dir", cacheDir, "--out", runDir, "--seed", "3", "--device", "cpu",
        "--semantic-ids", "rqvae", "--rqvae-steps", "60", "--tiger-steps", "30", "--tiger-eval-every", "10", "--sasrec-epochs", "2",
    ];

    /// <summary>A `genrec run` child; stdout lines are collected as they come.</summary>
    sealed class Child : IDisposable
    {
        readonly Process process;
        readonly List<string> lines = [];
        readonly System.Text.StringBuilder errors = new();

        public Child(string[] arguments)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            start.ArgumentList.Add(CliPath());
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            start.Environment["GENREC_PROGRESS_SECONDS"] = "0";
            start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
            process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (lines) lines.Add(line); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (errors) errors.AppendLine(line); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public IReadOnlyList<string> Lines { get { lock (lines) return [.. lines]; } }
        public string Output => string.Join("\n", Lines) + "\n" + Errors;
        public string Errors { get { lock (errors) return errors.ToString(); } }

        /// <summary>Waits until <paramref name="trigger"/> holds (true) or the child exits (false).</summary>
        public bool WaitUntil(Func<Child, bool> trigger)
        {
            var clock = Stopwatch.StartNew();
            while (!process.HasExited)
            {
                if (trigger(this)) return true;
                if (clock.Elapsed > Timeout) throw new TimeoutException($"No kill point within {Timeout}:\n{Output}");
                Thread.Sleep(5);
            }
            return false;
        }

        /// <summary>SIGKILL (Process.Kill on Unix), then waits for the exit.</summary>
        public void Kill()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        public int WaitForExit()
        {
            if (!process.WaitForExit(Timeout)) { process.Kill(entireProcessTree: true); throw new TimeoutException($"run did not finish within {Timeout}:\n{Output}"); }
            process.WaitForExit();   // drains the output events
            return process.ExitCode;
        }

        public void Dispose() { if (!process.HasExited) process.Kill(entireProcessTree: true); process.Dispose(); }
    }

    /// <summary>A kill point: a name for the report and the condition on the child's output or files.</summary>
    /// <param name="DoneMarker">The stage's completion marker in the run folder: present before the attempt, the point is overtaken.</param>
    sealed record KillPoint(string Name, Func<Child, bool> Trigger, bool MayFinishFirst = false, string? DoneMarker = null);

    static Func<Child, bool> LineMatching(Func<string, bool> match) => child => child.Lines.Any(match);

    static bool Progress(string line, string label, int atLeast) =>
        line.StartsWith(label + ": ", StringComparison.Ordinal) && int.TryParse(line[(label.Length + 2)..].Split('/')[0].Replace(",", ""), out var done) && done >= atLeast;

    [Fact]
    public void A_run_killed_in_every_stage_and_restarted_ends_with_the_files_of_an_uninterrupted_run()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp);
        var reference = temp.Combine("reference");
        var referenceCache = temp.Combine("reference-cache");
        var killed = temp.Combine("killed");
        var killedCache = temp.Combine("killed-cache");

        using (var child = new Child(Arguments(temp, reference, referenceCache)))
            Assert.True(child.WaitForExit() == 0, child.Output);

        KillPoint[] points =
        [
            new("data and embeddings (run folder announced)", LineMatching(l => l.StartsWith("run folder:", StringComparison.Ordinal))),
            new("semantic IDs, RQ-VAE step ≥ 20 of 60", LineMatching(l => Progress(l, "semantic IDs (rqvae)", 20))),
            new("TIGER training, step ≥ 15 of 30 (checkpoint at 10)", LineMatching(l => Progress(l, "training", 15))),
            new("TIGER evaluation, test split started (valid written)", LineMatching(l => l.StartsWith("evaluate test:", StringComparison.Ordinal)),
                DoneMarker: Path.Combine("tiger", "evaluate.stage.json")),
            new("SASRec control, after its first epoch", LineMatching(l => l.StartsWith("sasrec: epoch", StringComparison.Ordinal)),
                DoneMarker: Path.Combine("sasrec", "stage.json")),
            new("summary (metrics.json at the top written)", _ => File.Exists(Path.Combine(killed, "metrics.json")), MayFinishFirst: true),
        ];
        var resumedTraining = false;
        for (var i = 0; i < points.Length; i++)
        {
            if (points[i].DoneMarker is { } marker && File.Exists(Path.Combine(killed, marker)))
            {
                output.WriteLine($"kill {i + 1}: overtaken at \"{points[i].Name}\": {marker} was written before kill {i} landed");
                continue;
            }
            using var child = new Child(Arguments(temp, killed, killedCache));
            var fired = child.WaitUntil(points[i].Trigger);
            if (fired) child.Kill();
            else Assert.True(points[i].MayFinishFirst, $"kill {i + 1} ({points[i].Name}): the run finished before its kill point:\n{child.Output}");
            var exit = child.WaitForExit();
            resumedTraining |= child.Lines.Any(l => l.StartsWith("resumed from step ", StringComparison.Ordinal));
            var last = child.Lines.LastOrDefault(l => l.Length > 0) ?? "";
            output.WriteLine($"kill {i + 1}: {(fired ? "killed" : $"finished first (exit {exit})")} at \"{points[i].Name}\"; last line: {last}");
            AssertMarkersClaimOnlyFinishedStages(reference, referenceCache, killed, killedCache, $"after kill {i + 1} ({points[i].Name})");
        }

        using (var final = new Child(Arguments(temp, killed, killedCache)))
        {
            Assert.True(final.WaitForExit() == 0, final.Output);
            resumedTraining |= final.Lines.Any(l => l.StartsWith("resumed from step ", StringComparison.Ordinal));
        }
        Assert.True(resumedTraining, "TIGER training never resumed from a checkpoint: the training kill point missed its checkpoint");
        foreach (var file in new[]
                 {
                     "metrics.json", "predictions_test.tsv", "semantic-ids/semantic_ids.parquet",
                     "tiger/predictions_valid.tsv", "tiger/predictions_test.tsv", "tiger/checkpoints/last.pt", "tiger/checkpoints/best.pt",
                     "sasrec/predictions_valid.tsv", "sasrec/predictions_test.tsv",
                 })
            AssertSameBytes(Path.Combine(reference, file), Path.Combine(killed, file), "after the last restart");
        output.WriteLine($"metrics.json, predictions, semantic IDs and checkpoints equal the uninterrupted run's: {File.ReadAllText(Path.Combine(killed, "metrics.json")).Length} bytes of metrics");
    }

    /// <summary>Every stage marker present names a stage whose outputs are the uninterrupted run's.</summary>
    static void AssertMarkersClaimOnlyFinishedStages(string reference, string referenceCache, string killed, string killedCache, string when)
    {
        var shared = Path.Combine(killedCache, "semantic-ids");
        if (Directory.Exists(shared))
            foreach (var folder in Directory.GetDirectories(shared).Where(d => File.Exists(Path.Combine(d, "stage.json"))))
                AssertSameBytes(Path.Combine(referenceCache, "semantic-ids", Path.GetFileName(folder), "semantic_ids.parquet"), Path.Combine(folder, "semantic_ids.parquet"), when);
        if (File.Exists(Path.Combine(killed, "semantic-ids", "stage.json")))
            AssertSameBytes(Path.Combine(reference, "semantic-ids", "semantic_ids.parquet"), Path.Combine(killed, "semantic-ids", "semantic_ids.parquet"), when);
        if (File.Exists(Path.Combine(killed, "tiger", "train.stage.json")))
            AssertSameBytes(Path.Combine(reference, "tiger", "checkpoints", "last.pt"), Path.Combine(killed, "tiger", "checkpoints", "last.pt"), when);
        foreach (var (stage, marker) in new[] { ("tiger", "evaluate.stage.json"), ("sasrec", "stage.json") })
        {
            if (!File.Exists(Path.Combine(killed, stage, marker))) continue;
            foreach (var file in new[] { "predictions_valid.tsv", "predictions_test.tsv" })
                AssertSameBytes(Path.Combine(reference, stage, file), Path.Combine(killed, stage, file), when);
            var (expected, actual) = (ReadJson(Path.Combine(reference, stage, "metrics.json")), ReadJson(Path.Combine(killed, stage, "metrics.json")));
            foreach (var split in new[] { "valid", "test" })
                Assert.True(JsonNode.DeepEquals(expected[split], actual[split]), $"{when}: {stage}/metrics.json {split} differs from the uninterrupted run's");
        }
    }

    static void AssertSameBytes(string expected, string actual, string when)
    {
        Assert.True(File.Exists(actual), $"{when}: {actual} is missing");
        Assert.True(File.ReadAllBytes(expected).AsSpan().SequenceEqual(File.ReadAllBytes(actual)), $"{when}: {actual} differs from the uninterrupted run's {expected}");
    }

    static JsonNode ReadJson(string path) => JsonNode.Parse(File.ReadAllText(path))!;
}
