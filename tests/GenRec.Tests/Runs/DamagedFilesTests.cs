// Damaged files (issue 13, part 4), one test per kind: a truncated or corrupted TIGER checkpoint,
// semantic_ids.parquet (run folder and shared cache), embedding cache, Parquet data cache and stage marker. Caches
// are recomputed by themselves (with a warning); results a run cannot recompute cheaply (checkpoints) are one
// InvalidDataException naming the file and what to do, which the command line prints as one line. Never a native
// crash, a hang, or a damaged file read as if it were intact. "Damaged" means: cut to half its length, or one byte
// changed at one of several places spread over the file.
using GenRec.Data;
using GenRec.IO;
using GenRec.Quantization;
using GenRec.Runs;
using GenRec.Tests.Data;
using GenRec.Tests.TestSupport;
using GenRec.Tests.Text;
using GenRec.Text;

namespace GenRec.Tests.Runs;

public sealed class DamagedFilesTests(ITestOutputHelper output)
{
    /// <summary>The file cut to half its length, then the file with one byte changed at 10 %, 30 %, 50 %, 70 %, 90 % and the last byte.</summary>
    static IEnumerable<(string What, byte[] Bytes)> Damaged(byte[] intact)
    {
        yield return ($"cut to {intact.Length / 2} of {intact.Length} bytes", intact[..(intact.Length / 2)]);
        foreach (var at in new[] { 0.1, 0.3, 0.5, 0.7, 0.9 }.Select(f => (int)(intact.Length * f)).Append(intact.Length - 1))
        {
            var bytes = (byte[])intact.Clone();
            bytes[at] ^= 0x5A;
            yield return ($"byte {at} of {intact.Length} changed", bytes);
        }
    }

    static void FlipByte(string path, double where = 0.5)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[(int)(bytes.Length * where)] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
    }

    static PipelineOptions Short(TempDirectory temp, string runDir) => new("tiny")
    {
        DataDir = temp.Path, CacheDir = temp.Combine("cache"), OutDir = runDir, Seed = 3, Device = "cpu",
        SemanticIdMethod = "rqvae", RqVaeSteps = 30, TigerSteps = 2, SasRecEpochs = 1,   // residual k-means needs ≥ 256 items
    };

    sealed class Recorder : IProgress<PipelineProgress>
    {
        public List<PipelineProgress> Reports { get; } = [];
        public void Report(PipelineProgress value) => Reports.Add(value);
        public string Status(PipelineStage stage) => Reports.OfType<StageFinished>().Single(f => f.Timing.Stage == stage).Timing.Status;
        public IEnumerable<string> Warnings(PipelineStage stage) =>
            Reports.OfType<StageMessage>().Where(m => m.Stage == stage && m.Text.StartsWith("warning:", StringComparison.Ordinal)).Select(m => m.Text);
    }

    [Fact]
    public void A_damaged_TIGER_checkpoint_is_one_error_naming_the_file_and_what_to_do()
    {
        using var temp = new TempDirectory();
        var data = TinyTigerRun.Dataset(temp);
        var ids = TinyTigerRun.WriteSemanticIds(temp);
        var run = temp.Combine("run");
        var preset = TinyTigerRun.DecoderOnlyPreset(4);
        TigerTraining.Run(data, ids, preset, 1, run);
        var expected = TigerEvaluation.Run(run, data);
        var last = Path.Combine(run, TigerTraining.CheckpointFolder, TigerTraining.LastCheckpoint);
        var best = Path.Combine(run, TigerTraining.CheckpointFolder, TigerTraining.BestCheckpoint);

        // last.pt, read to resume: an error that says to delete it (training again from step 0 gives the same
        // result) rather than an automatic restart that would silently throw hours of training away.
        var intact = File.ReadAllBytes(last);
        foreach (var (what, bytes) in Damaged(intact))
        {
            File.WriteAllBytes(last, bytes);
            var e = Assert.Throws<InvalidDataException>(() => TigerTraining.Run(data, ids, preset, 1, run));
            output.WriteLine($"last.pt {what}: {e.Message}");
            Assert.StartsWith(last + ":", e.Message);
            Assert.Contains($"Delete {last} to train this run again from step 0", e.Message);
        }
        File.WriteAllBytes(last, intact);
        Assert.Equal(4, TigerTraining.Run(data, ids, preset, 1, run).ResumedFromStep);   // intact again: resumes

        // best.pt, read to evaluate: an error, never a fall-back to last.pt (another model, other metrics).
        var bestIntact = File.ReadAllBytes(best);
        foreach (var (what, bytes) in Damaged(bestIntact))
        {
            File.WriteAllBytes(best, bytes);
            var e = Assert.Throws<InvalidDataException>(() => TigerEvaluation.Run(run, data));
            output.WriteLine($"best.pt {what}: {e.Message}");
            Assert.StartsWith(best + ":", e.Message);
            Assert.Contains("train this run again", e.Message);
        }

        // the command line prints it as one line and exits with 1 (InvalidDataException was a stack trace before)
        var (code, _, error) = CliRunner.Run("evaluate", "--run", run, "--data-dir", temp.Path, "--cache-dir", temp.Combine("cache"), "--device", "cpu");
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {best}: ", error);
        Assert.Single(error.TrimEnd().Split('\n'));

        File.WriteAllBytes(best, bestIntact);
        Assert.Equal(expected.Test, TigerEvaluation.Run(run, data).Test);
    }

    [Fact]
    public void A_damaged_semantic_ids_file_is_an_error_when_read_and_recomputed_or_copied_again_by_the_pipeline()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp);

        // Read directly: one error naming the file and what to do. A changed byte that leaves every value intact
        // (Parquet metadata such as the writer's name) may load — but only with the same IDs.
        var file = Path.Combine(TinyTigerRun.WriteSemanticIds(temp), "semantic_ids.parquet");
        var original = SemanticIdsParquet.Load(file);
        var intact = File.ReadAllBytes(file);
        var errors = 0;
        foreach (var (what, bytes) in Damaged(intact))
        {
            File.WriteAllBytes(file, bytes);
            try
            {
                var loaded = SemanticIdsParquet.Load(file);
                output.WriteLine($"semantic_ids.parquet {what}: loaded, same values");
                Assert.Equal(original.ItemIds, loaded.ItemIds);
                Assert.Equal(original.Codes, loaded.Codes);
                Assert.Equal(original.Dedup, loaded.Dedup);
            }
            catch (InvalidDataException e)
            {
                errors++;
                output.WriteLine($"semantic_ids.parquet {what}: {e.Message}");
                Assert.StartsWith(file + ":", e.Message);
                Assert.Contains("compute the semantic IDs again", e.Message);
            }
        }
        Assert.True(errors >= 4, $"only {errors} of the damaged files were refused");

        // In the pipeline: the stage marker's SHA-256 notices any changed byte. The run folder's copy comes again
        // from the shared cache; a damaged shared copy is recomputed. Either way the same IDs and the same metrics.
        var runDir = temp.Combine("runs", "tiny");
        var options = Short(temp, runDir) with { SasRec = false };
        Pipeline.Run(options);
        var runIds = Path.Combine(runDir, RunFolder.SemanticIdsDir, "semantic_ids.parquet");
        var sharedIds = Path.Combine(Directory.GetDirectories(temp.Combine("cache", "semantic-ids")).Single(), "semantic_ids.parquet");
        var expectedIds = File.ReadAllBytes(runIds);
        var expectedMetrics = File.ReadAllText(Path.Combine(runDir, PipelineMetrics.FileName));

        FlipByte(runIds);
        var again = new Recorder();
        Pipeline.Run(options, again);
        Assert.Equal("cached (shared cache)", again.Status(PipelineStage.SemanticIds));
        Assert.Contains(again.Warnings(PipelineStage.SemanticIds), w => w.Contains(runIds) && w.Contains("damaged"));
        Assert.Equal(expectedIds, File.ReadAllBytes(runIds));

        FlipByte(runIds, 0.3);
        FlipByte(sharedIds, 0.7);
        var recomputed = new Recorder();
        Pipeline.Run(options, recomputed);
        Assert.Equal("computed", recomputed.Status(PipelineStage.SemanticIds));
        Assert.Contains(recomputed.Warnings(PipelineStage.SemanticIds), w => w.Contains(sharedIds) && w.Contains("damaged"));
        Assert.Equal(expectedIds, File.ReadAllBytes(runIds));
        Assert.Equal(expectedIds, File.ReadAllBytes(sharedIds));
        Assert.Equal("cached", recomputed.Status(PipelineStage.TigerTraining));   // same IDs: training is still valid
        Assert.Equal(expectedMetrics, File.ReadAllText(Path.Combine(runDir, PipelineMetrics.FileName)));
    }

    [Fact]
    public void A_damaged_embedding_cache_is_recomputed_even_when_the_unit_norm_check_cannot_see_it()
    {
        using var temp = new TempDirectory();
        var items = new[] { new Item(1, "A1", "Red soap", null, [], null), new Item(2, "A2", "Blue soap", null, [], null), new Item(3, "A3", "Lipstick", null, [], null) };
        var warnings = new List<string>();
        EmbeddingCacheResult Get(FakeEmbedder embedder) =>
            EmbeddingCache.GetOrCompute("beauty", items, new ItemTextTemplate(), embedder, temp.Path, warn: warnings.Add);
        var fake = new FakeEmbedder();
        var first = Get(fake);
        Assert.True(File.Exists(EmbeddingCache.HashFileFor(first.FilePath)));

        var intact = File.ReadAllBytes(first.FilePath);
        foreach (var (what, bytes) in Damaged(intact).Append(("lowest mantissa bit of the last value changed", LowestBitFlipped(intact))))
        {
            File.WriteAllBytes(first.FilePath, bytes);
            var calls = fake.Calls;
            var again = Get(fake);
            output.WriteLine($"embeddings {what}: {again.Warning}");
            Assert.False(again.CacheHit);
            Assert.Equal(calls + 1, fake.Calls);
            Assert.Contains(first.FilePath, again.Warning);
            Assert.Equal(first.Embeddings.Vectors, again.Embeddings.Vectors);
            Assert.Equal(intact, File.ReadAllBytes(first.FilePath));   // rewritten
            Assert.True(Get(fake).CacheHit);
        }
        Assert.Contains("SHA-256", warnings[^1]);   // the last one: only the hash sees a changed low bit

        // a cache file from before the hash existed is checked as before, then gets its hash
        File.Delete(EmbeddingCache.HashFileFor(first.FilePath));
        Assert.True(Get(fake).CacheHit);
        Assert.Equal(FileHash.Sha256(first.FilePath), File.ReadAllText(EmbeddingCache.HashFileFor(first.FilePath)).Trim());

        static byte[] LowestBitFlipped(byte[] intact)
        {
            var bytes = (byte[])intact.Clone();
            bytes[^4] ^= 0x01;   // little-endian float32: the last value's lowest mantissa bit; its norm stays 1 ± 1e-7
            return bytes;
        }
    }

    [Fact]
    public async Task A_damaged_Parquet_data_cache_is_rebuilt_from_the_text_files()
    {
        using var temp = new TempDirectory();
        var folder = TinyTigerRun.WriteDataset(temp);
        var cache = temp.Combine("cache", "tiny");
        var text = AmazonDataset.Load(folder, "tiny");
        await ParquetCache.LoadAsync(folder, cache, "tiny");
        Assert.True((await ParquetCache.LoadAsync(folder, cache, "tiny")).FromCache);

        foreach (var name in new[] { ParquetCache.InteractionsFile, ParquetCache.ItemsFile, ParquetCache.UsersFile })
        {
            var path = Path.Combine(cache, name);
            var intact = File.ReadAllBytes(path);
            foreach (var (what, bytes) in Damaged(intact))
            {
                File.WriteAllBytes(path, bytes);
                var result = await ParquetCache.LoadAsync(folder, cache, "tiny");
                Assert.False(result.FromCache);
                Assert.Contains(path, result.Note);
                DatasetAssert.Same(text, result.Dataset);
                Assert.Equal(intact, File.ReadAllBytes(path));   // rewritten
                Assert.True((await ParquetCache.LoadAsync(folder, cache, "tiny")).FromCache);
            }
            output.WriteLine($"{name}: every damage rebuilt from text");
        }

        // a cache written before manifests existed (or whose manifest write was killed) counts as stale: rebuilt
        File.Delete(Path.Combine(cache, ParquetCache.ManifestFile));
        Assert.False((await ParquetCache.LoadAsync(folder, cache, "tiny")).FromCache);
        Assert.True((await ParquetCache.LoadAsync(folder, cache, "tiny")).FromCache);

        // a damaged manifest is a damaged cache too
        File.WriteAllText(Path.Combine(cache, ParquetCache.ManifestFile), "{\"source_key\": ");
        var fromDamagedManifest = await ParquetCache.LoadAsync(folder, cache, "tiny");
        Assert.False(fromDamagedManifest.FromCache);
        Assert.Contains(ParquetCache.ManifestFile, fromDamagedManifest.Note);
    }

    [Fact]
    public void A_damaged_stage_marker_or_stage_output_runs_the_stage_again_with_the_same_result()
    {
        using var temp = new TempDirectory();
        TinyTigerRun.WriteDataset(temp);
        var runDir = temp.Combine("runs", "tiny");
        var options = Short(temp, runDir);
        Pipeline.Run(options);
        var expectedMetrics = File.ReadAllText(Path.Combine(runDir, PipelineMetrics.FileName));
        var expectedPredictions = File.ReadAllText(Path.Combine(runDir, "predictions_test.tsv"));

        var idsMarker = Path.Combine(runDir, RunFolder.SemanticIdsDir, "stage.json");
        var trainMarker = Path.Combine(runDir, RunFolder.TigerDir, "train.stage.json");
        var evaluateMarker = Path.Combine(runDir, RunFolder.TigerDir, "evaluate.stage.json");
        var sasrecMarker = Path.Combine(runDir, RunFolder.SasRecDir, "stage.json");
        var markerText = File.ReadAllText(idsMarker);
        File.WriteAllText(idsMarker, markerText[..(markerText.Length / 2)]);   // truncated
        File.WriteAllText(trainMarker, "[1, 2]");                               // valid JSON, not a marker
        File.WriteAllText(evaluateMarker, "{\"fingerprint\": 7}");              // no fingerprint string
        File.Delete(Path.Combine(runDir, RunFolder.SasRecDir, "predictions_valid.tsv"));   // an output the marker lists

        var again = new Recorder();
        Pipeline.Run(options, again);
        Assert.Equal("cached (shared cache)", again.Status(PipelineStage.SemanticIds));
        Assert.StartsWith("2 steps (resumed from 2)", again.Status(PipelineStage.TigerTraining));   // nothing left to train
        Assert.Equal("valid + test", again.Status(PipelineStage.TigerEvaluation));
        Assert.Equal("1 epochs", again.Status(PipelineStage.SasRec));
        foreach (var (stage, marker) in new[] { (PipelineStage.SemanticIds, idsMarker), (PipelineStage.TigerTraining, trainMarker), (PipelineStage.TigerEvaluation, evaluateMarker) })
            Assert.Contains(again.Warnings(stage), w => w.Contains(marker) && w.Contains("damaged"));
        Assert.Contains(again.Warnings(PipelineStage.SasRec), w => w.Contains("predictions_valid.tsv is missing"));
        Assert.Equal(expectedMetrics, File.ReadAllText(Path.Combine(runDir, PipelineMetrics.FileName)));
        Assert.Equal(expectedPredictions, File.ReadAllText(Path.Combine(runDir, "predictions_test.tsv")));

        // the markers are whole again: a third run reuses every stage
        var third = new Recorder();
        Pipeline.Run(options, third);
        Assert.All(new[] { PipelineStage.TigerTraining, PipelineStage.TigerEvaluation, PipelineStage.SasRec }, s => Assert.Equal("cached", third.Status(s)));
        Assert.Equal("cached (run folder)", third.Status(PipelineStage.SemanticIds));
        Assert.DoesNotContain(third.Reports.OfType<StageMessage>(), m => m.Text.StartsWith("warning:", StringComparison.Ordinal));

        // a damaged config.json of the run folder: one error naming it and what to do
        File.WriteAllText(Path.Combine(runDir, PipelineConfig.FileName), "{\"dataset\": ");
        var e = Assert.Throws<InvalidDataException>(() => Pipeline.Run(options));
        Assert.StartsWith(Path.Combine(Path.GetFullPath(runDir), PipelineConfig.FileName) + " is damaged", e.Message);
        Assert.Contains("delete it", e.Message);
    }
}
