// What the whole pipeline is asked for — the arguments of `genrec run`, or what a notebook writes:
//   var result = Pipeline.Run(new PipelineOptions("beauty") { Seed = 1, OutDir = "runs/beauty-seed1" }, progress);
// Every setting has the CLI's default. These are requests: PipelineConfig holds what they resolve to
// (preset values, the device actually picked, the embedding file), which is what config.json records.
using GenRec.SasRec;

namespace GenRec.Runs;

/// <summary>The pipeline's settings before the stages resolve them; each default is `genrec run`'s.</summary>
/// <param name="Dataset">Dataset folder name under the data folder (beauty, sports, toys, or any prepared folder).</param>
public sealed record PipelineOptions(string Dataset = "beauty")
{
    /// <summary>Folder holding the dataset folders; null: $GENREC_DATA_DIR, else data/ in the repository.</summary>
    public string? DataDir { get; init; }

    /// <summary>Root of every cache (Parquet, embeddings, shared semantic IDs); null: artifacts/cache in the repository.</summary>
    public string? CacheDir { get; init; }

    /// <summary>Stage-2 preset name (<see cref="TigerPresets.Names"/>).</summary>
    public string Preset { get; init; } = "cpu";

    /// <summary>Stage-2 model kind; null: the preset's default kind.</summary>
    public string? Model { get; init; }

    /// <summary>Seed of every stage (same seed → same semantic IDs and metrics on the CPU).</summary>
    public long Seed { get; init; }

    /// <summary>Run folder; null: runs/&lt;dataset&gt;-&lt;preset&gt;[-&lt;model&gt;]-seed&lt;seed&gt; under the current folder.</summary>
    public string? OutDir { get; init; }

    /// <summary>auto | cpu | cuda.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Stage-1 method: rqvae | rqkmeans | lsh | random; null: the TIGER preset's (<see cref="TigerPreset.SemanticIds"/>).</summary>
    public string? SemanticIdMethod { get; init; }

    /// <summary>The stage-1 method that runs: <see cref="SemanticIdMethod"/>, else the one the preset was tuned on.</summary>
    public string ResolvedSemanticIdMethod => SemanticIdMethod ?? TigerPresets.Get(Preset, ResolvedModel).SemanticIds;

    /// <summary>RQ-VAE training steps instead of <see cref="GenRec.Quantization.RqVaeTrainingConfig"/>'s default.</summary>
    public int? RqVaeSteps { get; init; }

    /// <summary>TIGER training steps instead of the preset's.</summary>
    public int? TigerSteps { get; init; }

    /// <summary>Steps between TIGER's periodic validations (each also writes checkpoints/last.pt) instead of the preset's.</summary>
    public int? TigerEvalEvery { get; init; }

    /// <summary>SASRec epochs instead of <see cref="SasRecTrainerConfig"/>'s default.</summary>
    public int? SasRecEpochs { get; init; }

    /// <summary>Whether the SASRec control runs.</summary>
    public bool SasRec { get; init; } = true;

    /// <summary>The stage-2 model kind that runs: <see cref="Model"/>, else the preset's default (an unknown preset throws).</summary>
    public string ResolvedModel => Model ?? TigerPresets.DefaultModel(Preset);

    /// <summary>The run folder: <see cref="OutDir"/>, else the default name (the model appears only when it is not the preset's default).</summary>
    public string RunDirectory
    {
        get
        {
            if (OutDir is not null) return OutDir;
            var model = ResolvedModel == TigerPresets.DefaultModel(Preset) ? "" : "-" + ResolvedModel;
            return Path.Combine("runs", $"{Dataset}-{Preset}{model}-seed{Seed}");
        }
    }

    /// <summary>The TIGER preset these options resolve to (preset, model kind, step and validation-interval overrides).</summary>
    public TigerPreset ResolveTigerPreset()
    {
        var preset = TigerPresets.Get(Preset, ResolvedModel);
        if (TigerSteps is int steps) preset = preset.WithSteps(steps);
        if (TigerEvalEvery is int every)
            preset = every >= 1 ? preset with { Fit = preset.Fit with { EvalEvery = every } }
                : throw new ArgumentException($"--tiger-eval-every {every}: expected at least 1.");
        return preset;
    }

    /// <summary>The SASRec settings these options resolve to.</summary>
    public SasRecStageConfig ResolveSasRec() =>
        new(new SasRecConfig(), SasRecEpochs is int epochs ? new SasRecTrainerConfig(MaxEpochs: epochs) : new SasRecTrainerConfig());
}
