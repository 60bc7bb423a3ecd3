// Settings of TIGER's teacher-forced training (stage 2). The paper trains with batch 256 for 200k steps
// (Beauty, Sports) with an inverse-square-root learning-rate decay after a constant/warm-up phase of 10k
// steps; the optimiser here is AdamW (decoupled weight decay, on matrices only — norm gains and relative
// position biases are not decayed), with global-norm gradient clipping.
namespace GenRec.Tiger;

/// <summary>Optimisation and data settings of <see cref="TigerTrainer"/>.</summary>
/// <param name="BatchSize">Examples per update.</param>
/// <param name="LearningRate">Peak learning rate (reached at the end of warm-up).</param>
/// <param name="WarmupSteps">Linear warm-up steps, then inverse-square-root decay.</param>
/// <param name="WeightDecay">AdamW decoupled weight decay for weight matrices and embeddings.</param>
/// <param name="Beta1">AdamW β1.</param>
/// <param name="Beta2">AdamW β2.</param>
/// <param name="Epsilon">AdamW ε.</param>
/// <param name="GradientClipNorm">Global L2 norm the gradients are clipped to (≤ 0: no clipping).</param>
/// <param name="LengthBucketing">Group examples of similar history length into batches.</param>
/// <param name="MaxHistoryItems">Most recent items of a history fed to the encoder (paper: 20).</param>
/// <param name="UseUserToken">Prepend the hashed user token (needs a tokenizer with user buckets).</param>
/// <param name="Seed">Seed of data order and dropout.</param>
/// <param name="Schedule">Shape after warm-up: "inverse-sqrt" (T5, the paper), "cosine" or "constant" (<see cref="ScheduleShapes"/>).</param>
/// <param name="ScheduleSteps">Cosine only: the step at which the rate reaches its floor (normally the run's last step).</param>
/// <param name="MinLearningRateFraction">Cosine only: the floor as a fraction of the peak.</param>
public sealed record TigerTrainerConfig(
    int BatchSize = 256,
    double LearningRate = 1e-3,
    int WarmupSteps = 1000,
    double WeightDecay = 0.01,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Epsilon = 1e-8,
    double GradientClipNorm = 1.0,
    bool LengthBucketing = true,
    int MaxHistoryItems = 20,
    bool UseUserToken = false,
    long Seed = 42,
    string Schedule = ScheduleShapes.InverseSquareRoot,
    int ScheduleSteps = 0,
    double MinLearningRateFraction = 0.0)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException($"BatchSize {BatchSize}; expected ≥ 1.");
        if (!(LearningRate >= 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"LearningRate {LearningRate}; expected a finite number ≥ 0.");
        if (WarmupSteps < 0) throw new ArgumentException($"WarmupSteps {WarmupSteps}; expected ≥ 0.");
        if (!ScheduleShapes.All.Contains(Schedule)) throw new ArgumentException($"Schedule \"{Schedule}\"; expected one of {string.Join(", ", ScheduleShapes.All)}.");
        if (Schedule == ScheduleShapes.Cosine && ScheduleSteps <= WarmupSteps)
            throw new ArgumentException($"ScheduleSteps {ScheduleSteps}: a cosine schedule needs its horizon after the {WarmupSteps} warm-up steps.");
        if (MinLearningRateFraction is < 0 or > 1) throw new ArgumentException($"MinLearningRateFraction {MinLearningRateFraction}; expected in [0, 1].");
    }
}

/// <summary>Options of <see cref="TigerTrainer.Fit"/>.</summary>
/// <param name="MaxSteps">Stop after this many updates in total (a resumed run counts its earlier steps).</param>
/// <param name="EvalEvery">Validate every this many steps (needs validation examples).</param>
/// <param name="Patience">Stop after this many validations in a row without a better Recall@10.</param>
/// <param name="CheckpointDirectory">Where best.ckpt and last.ckpt go; null keeps the best state in memory only.</param>
/// <param name="EvalBeamWidth">Beam width of validation decoding.</param>
/// <param name="EvalBatchSize">Users decoded together during validation.</param>
/// <param name="RestoreBest">At the end, load the best validated state into the model.</param>
public sealed record TigerFitOptions(
    int MaxSteps,
    int EvalEvery = 1000,
    int Patience = 5,
    string? CheckpointDirectory = null,
    int EvalBeamWidth = 20,
    int EvalBatchSize = 256,
    bool RestoreBest = true);

/// <summary>A validation during training.</summary>
public sealed record ValidationPoint(int Step, Evaluation.EvaluationResult Metrics);

/// <summary>What <see cref="TigerTrainer.Fit"/> did.</summary>
/// <param name="Steps">Total updates done (including steps before a resume).</param>
/// <param name="Losses">(step, loss) of every update done by this call.</param>
/// <param name="Validations">Validations done by this call.</param>
/// <param name="BestStep">Step of the best Recall@10 so far (0: none).</param>
/// <param name="BestRecall10">Best validation Recall@10 so far (−1: none).</param>
/// <param name="StoppedEarly">True when patience ran out.</param>
public sealed record TigerFitResult(
    int Steps,
    IReadOnlyList<(int Step, double Loss)> Losses,
    IReadOnlyList<ValidationPoint> Validations,
    int BestStep,
    double BestRecall10,
    bool StoppedEarly);

/// <summary>Training produced a non-finite loss or gradient; the model keeps its last good parameters.</summary>
public sealed class TigerTrainingDivergedException(string message) : Exception(message);
