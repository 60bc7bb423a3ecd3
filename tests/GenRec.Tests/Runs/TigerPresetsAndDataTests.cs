// The presets carry the paper's numbers (paper) and valid settings (cpu); the stage-2 data helpers build
// the tokenizer from stored semantic IDs, refuse IDs of another dataset, and draw a seeded subset.
using GenRec.Quantization;
using GenRec.Runs;
using GenRec.Tests.TestSupport;
using GenRec.Tiger;

namespace GenRec.Tests.Runs;

public sealed class TigerPresetsAndDataTests
{
    [Fact]
    public void Paper_preset_has_the_papers_sizes_and_schedule()
    {
        var p = TigerPresets.Get("paper");
        Assert.Equal(ModelKinds.EncoderDecoder, p.Model);
        var m = p.EncoderDecoder!;
        Assert.Equal((128, 6, 64, 1024, 4, 4, 0.1), (m.DModel, m.NumHeads, m.DKv, m.DFf, m.EncoderLayers, m.DecoderLayers, m.Dropout));
        Assert.Equal((256, 0.01, 10_000), (p.Trainer.BatchSize, p.Trainer.LearningRate, p.Trainer.WarmupSteps));
        Assert.Equal(200_000, p.Fit.MaxSteps);
        Assert.Equal(20, p.EvalBeamWidth);
    }

    [Fact]
    public void Cpu_large_is_the_cpu_decoder_only_preset_with_four_layers_of_the_papers_width()
    {
        var cpu = TigerPresets.Get("cpu");
        var large = TigerPresets.Get("cpu-large");
        Assert.Equal(ModelKinds.DecoderOnly, large.Model);
        Assert.Equal(cpu with { Name = "cpu-large", DecoderOnly = cpu.DecoderOnly! with { Layers = 4, DFf = 1024 }, Cost = large.Cost }, large);
        Assert.NotEqual(cpu.Cost, large.Cost);
        Assert.Contains("has no encoder-decoder setting", Assert.Throws<ArgumentException>(() => TigerPresets.Get("cpu-large", ModelKinds.EncoderDecoder)).Message);
        Assert.Equal(Path.Combine("runs", "beauty-cpu-large-seed0"), new PipelineOptions { Preset = "cpu-large" }.RunDirectory);
    }

    [Fact]
    public void Every_preset_resolves_to_a_valid_model_and_WithSteps_changes_only_the_steps_and_their_schedule()
    {
        var tokenizer = new SemanticIdTokenizer([null, [0, 1], [1, 0]], [2, 2]);
        foreach (var preset in TigerPresets.List)
        {
            preset.Validate();
            var config = TigerRunConfig.Resolve(preset, seed: 1, "beauty", "ids.parquet", tokenizer);
            using var model = config.CreateModel(seed: 1);
            Assert.Equal(preset.Model, model.Kind);
            Assert.Equal(tokenizer.VocabularySize, model.VocabularySize);
            Assert.True(config.Describes(model));
            var short3 = preset.WithSteps(3);
            Assert.Equal(3, short3.Fit.MaxSteps);
            // nothing else changes (a cosine schedule anneals over the new step count), so a run can be continued
            var trainer = preset.Trainer.Schedule == ScheduleShapes.Cosine
                ? preset.Trainer with { ScheduleSteps = 3, WarmupSteps = Math.Min(preset.Trainer.WarmupSteps, 2) } : preset.Trainer;
            Assert.Equal(preset with { Fit = preset.Fit with { MaxSteps = 3 }, Trainer = trainer }, short3);
        }
        Assert.Equal(TigerPresets.DefaultModel("cpu"), TigerPresets.Get("cpu").Model);
        Assert.Equal(ModelKinds.EncoderDecoder, TigerPresets.Get("cpu", ModelKinds.EncoderDecoder).Model);
        Assert.Contains("has no decoder-only setting", Assert.Throws<ArgumentException>(() => TigerPresets.Get("paper", ModelKinds.DecoderOnly)).Message);
    }

    [Fact]
    public void Overrides_replace_exactly_the_named_settings()
    {
        var preset = TigerPresets.Get("cpu", ModelKinds.DecoderOnly);
        var tuned = preset.With(new TigerPresetOverrides(LearningRate: 0.004, BatchSize: 64, Dropout: 0.3, Schedule: ScheduleShapes.Constant, UserToken: true));
        Assert.Equal(preset with
        {
            DecoderOnly = preset.DecoderOnly! with { Dropout = 0.3 },
            Trainer = preset.Trainer with { LearningRate = 0.004, BatchSize = 64, Schedule = ScheduleShapes.Constant, ScheduleSteps = 0, UseUserToken = true },
            UserBuckets = 2_000,
        }, tuned);
        Assert.Equal(preset, preset.With(new TigerPresetOverrides()));
        var cosine = TigerPresets.Get("cpu", ModelKinds.EncoderDecoder).With(new TigerPresetOverrides(Schedule: ScheduleShapes.Cosine, Steps: 900));
        Assert.Equal((900, 900), (cosine.Fit.MaxSteps, cosine.Trainer.ScheduleSteps));
    }

    [Fact]
    public void Shape_overrides_resize_the_model_of_either_kind_and_refuse_impossible_sizes()
    {
        var overrides = new TigerPresetOverrides(Layers: 4, FeedForward: 1024, WeightDecay: 0.1);
        var decoderOnly = TigerPresets.Get("cpu", ModelKinds.DecoderOnly);
        Assert.Equal(decoderOnly with
        {
            DecoderOnly = decoderOnly.DecoderOnly! with { Layers = 4, DFf = 1024 },
            Trainer = decoderOnly.Trainer with { WeightDecay = 0.1 },
        }, decoderOnly.With(overrides));
        var encoderDecoder = TigerPresets.Get("cpu", ModelKinds.EncoderDecoder);
        Assert.Equal(encoderDecoder with
        {
            EncoderDecoder = encoderDecoder.EncoderDecoder! with { EncoderLayers = 4, DecoderLayers = 4, DFf = 1024 },
            Trainer = encoderDecoder.Trainer with { WeightDecay = 0.1 },
        }, encoderDecoder.With(overrides));
        Assert.Throws<ArgumentOutOfRangeException>(() => decoderOnly.With(new TigerPresetOverrides(Layers: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => decoderOnly.With(new TigerPresetOverrides(FeedForward: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => decoderOnly.With(new TigerPresetOverrides(WeightDecay: -0.1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => decoderOnly.With(new TigerPresetOverrides(WeightDecay: double.NaN)));
    }

    [Fact]
    public void WithLearningRate_changes_only_the_peak_learning_rate_and_refuses_non_positive_values()
    {
        var preset = TigerPresets.Get("cpu");
        var tuned = preset.WithLearningRate(0.002);
        Assert.Equal(preset with { Trainer = preset.Trainer with { LearningRate = 0.002 } }, tuned);
        Assert.Equal(preset.Trainer.WarmupSteps, tuned.Trainer.WarmupSteps);
        foreach (var bad in new[] { 0.0, -0.01, double.NaN, double.PositiveInfinity })
            Assert.Throws<ArgumentOutOfRangeException>(() => preset.WithLearningRate(bad));
    }

    [Fact]
    public void Tokenizer_from_stored_ids_appends_the_dedup_level_and_rejects_ids_of_another_dataset()
    {
        var ids = SemanticIds.FromCodes([1, 2, 3], new[,] { { 0, 1 }, { 0, 1 }, { 2, 0 } }, codebookSize: 3);
        var tokenizer = TigerData.BuildTokenizer(ids, itemCount: 3);
        Assert.Equal([3, 3, 2], tokenizer.CodebookSizes);   // K, K, de-dup positions 0..1
        // item 2 shares (0, 1) with item 1: de-dup 1 → tokens 3+0, 6+1, 9+1
        Assert.Equal([3, 7, 10], tokenizer.EncodeItem(2));
        Assert.Contains("outside the dataset's 1..2", Assert.Throws<InvalidDataException>(() => TigerData.BuildTokenizer(ids, itemCount: 2)).Message);
        Assert.Contains("first: item 4", Assert.Throws<InvalidDataException>(() => TigerData.BuildTokenizer(ids, itemCount: 5)).Message);
    }

    [Fact]
    public void Subset_is_seeded_ordered_and_the_requested_size()
    {
        var examples = Enumerable.Range(1, 50).Select(u => new TigerExample(u, [1], 2)).ToList();
        var a = TigerData.Subset(examples, 10, seed: 3);
        Assert.Equal(10, a.Count);
        Assert.Equal(a.Select(e => e.UserId), TigerData.Subset(examples, 10, seed: 3).Select(e => e.UserId));
        Assert.Equal(a.Select(e => e.UserId).Order(), a.Select(e => e.UserId));
        Assert.NotEqual(a.Select(e => e.UserId), TigerData.Subset(examples, 10, seed: 4).Select(e => e.UserId));
        Assert.Same(examples, TigerData.Subset(examples, 0, seed: 3));
    }
}
