// Adagrad (Duchi, Hazan & Singer, 2011) without temporary Scalars (see KeptOptimizer): the RQ-VAE's optional
// optimizer (RqVaeTrainingConfig.Optimizer; TIGER's paper trains its RQ-VAE with Adagrad). Step t of a
// parameter, as TorchSharp 0.107 computes it, operation for operation:
//   g ← g + λ·θ (when λ ≠ 0);   s ← s + g·g;   θ ← θ − (lr / (1 + (t − 1)·decay)) · g / (√s + ε)
// with s starting at the initial accumulator value. Not supported (unused): sparse or complex parameters.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Training;

/// <summary>Adagrad with one parameter group whose Scalars are kept (see the file header).</summary>
public sealed class KeptAdagrad : KeptOptimizer
{
    sealed class Group : KeptParamGroup
    {
        internal readonly Scalar WeightDecayS, EpsilonS;

        public Group(IEnumerable<Parameter> parameters, double learningRate, double learningRateDecay, double weightDecay,
                     double initialAccumulator, double epsilon) : base(parameters, learningRate)
        {
            if (!(learningRateDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRateDecay), learningRateDecay, "Learning-rate decay must be ≥ 0.");
            if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be ≥ 0.");
            if (!(initialAccumulator >= 0)) throw new ArgumentOutOfRangeException(nameof(initialAccumulator), initialAccumulator, "The initial accumulator must be ≥ 0.");
            if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be ≥ 0.");
            (LearningRateDecay, WeightDecay, InitialAccumulator, Epsilon) = (learningRateDecay, weightDecay, initialAccumulator, epsilon);
            WeightDecayS = KeptScalars.Keep(weightDecay);
            EpsilonS = KeptScalars.Keep(epsilon);
        }

        public double LearningRateDecay { get; }
        public double WeightDecay { get; }
        public double InitialAccumulator { get; }
        public double Epsilon { get; }

        public override void Dispose()
        {
            WeightDecayS.Dispose();
            EpsilonS.Dispose();
        }
    }

    readonly Group group;
    readonly long[] steps;
    readonly Tensor[] sums;   // Σ g², shaped like each parameter

    public KeptAdagrad(IEnumerable<Parameter> parameters, double learningRate = 1e-2, double learningRateDecay = 0, double weightDecay = 0,
                       double initialAccumulator = 0, double epsilon = 1e-10) : base("Adagrad")
    {
        group = new Group(parameters, learningRate, learningRateDecay, weightDecay, initialAccumulator, epsilon);
        steps = new long[group.Parameters.Count];
        using var noGrad = no_grad();
        using var initial = initialAccumulator.ToScalar();
        sums = [.. group.Parameters.Select(p => full_like(p, initial).DetachFromDisposeScope())];
    }

    public override IReadOnlyList<KeptParamGroup> Groups => [group];

    protected override void StepGroup(KeptParamGroup _)
    {
        for (var i = 0; i < group.Parameters.Count; i++)
        {
            var parameter = group.Parameters[i];
            var grad = parameter.grad;                                        // shaped like the parameter; null: not used
            if (grad is null) continue;
            steps[i]++;
            if (group.WeightDecay != 0) grad = grad.add(parameter, group.WeightDecayS);
            using var minusRate = (-(group.LearningRate / (1 + (steps[i] - 1) * group.LearningRateDecay))).ToScalar();
            sums[i].addcmul_(grad, grad, KeptScalars.One);
            var std = sums[i].sqrt().add_(group.EpsilonS, KeptScalars.One);
            parameter.addcdiv_(grad, std, minusRate);
        }
    }

    protected override void WriteOptions(BinaryWriter writer, KeptParamGroup _)
    {
        writer.Write(group.LearningRateDecay);
        writer.Write(group.InitialAccumulator);
        writer.Write(group.Epsilon);
        writer.Write(group.WeightDecay);
    }

    protected override void ReadOptions(BinaryReader reader, KeptParamGroup _)
    {
        Expect("learning-rate decay", reader.ReadDouble(), group.LearningRateDecay);
        Expect("initial accumulator", reader.ReadDouble(), group.InitialAccumulator);
        Expect("ε", reader.ReadDouble(), group.Epsilon);
        Expect("weight decay", reader.ReadDouble(), group.WeightDecay);
    }

    protected override void WriteState(BinaryWriter writer, int index)
    {
        writer.Write(steps[index]);
        sums[index].Save(writer);
    }

    protected override void ReadState(BinaryReader reader, int index)
    {
        steps[index] = reader.ReadInt64();
        sums[index].Load(reader);
    }

    protected override void DisposeState()
    {
        foreach (var sum in sums) sum.Dispose();
    }
}
