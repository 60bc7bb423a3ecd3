// Adam (Kingma & Ba, 2015) and AdamW (Loshchilov & Hutter, 2019) without temporary Scalars (see
// KeptOptimizer). One class for both, because they differ only in where weight decay enters:
//   AdamW (decoupled):  θ ← θ·(1 − lr·λ), then the Adam update from the plain gradient g;
//   Adam (L2 penalty):  g ← g + λ·θ, then the Adam update.
// The Adam update, step t (per parameter), as TorchSharp 0.107 computes it, operation for operation, so that
// both give the same numbers (KeptAdamWTests compares them over hundreds of steps):
//   m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²
//   θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
// Not supported (unused here, so not written): AMSGrad, maximize, sparse or complex parameters.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Training;

/// <summary>Adam / AdamW with parameter groups, whose Scalars are kept (see the file header).</summary>
public sealed class KeptAdamW : KeptOptimizer
{
    /// <summary>A group with its own learning rate and weight decay; β₁, β₂, ε are kept as Scalars for its life.</summary>
    public sealed class Group : KeptParamGroup
    {
        internal readonly Scalar Beta1S, OneMinusBeta1S, Beta2S, OneMinusBeta2S, EpsilonS, WeightDecayS;

        public Group(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999,
                     double epsilon = 1e-8, double weightDecay = 0) : base(parameters, learningRate)
        {
            if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β₁ must be in [0, 1).");
            if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must be in [0, 1).");
            if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be ≥ 0.");
            if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be ≥ 0.");
            (Beta1, Beta2, Epsilon, WeightDecay) = (beta1, beta2, epsilon, weightDecay);
            Beta1S = KeptScalars.Keep(beta1);
            OneMinusBeta1S = KeptScalars.Keep(1 - beta1);
            Beta2S = KeptScalars.Keep(beta2);
            OneMinusBeta2S = KeptScalars.Keep(1 - beta2);
            EpsilonS = KeptScalars.Keep(epsilon);
            WeightDecayS = KeptScalars.Keep(weightDecay);
        }

        public double Beta1 { get; }
        public double Beta2 { get; }
        public double Epsilon { get; }
        public double WeightDecay { get; }

        public override void Dispose()
        {
            foreach (var s in new[] { Beta1S, OneMinusBeta1S, Beta2S, OneMinusBeta2S, EpsilonS, WeightDecayS }) s.Dispose();
        }
    }

    sealed class State(Tensor expAvg, Tensor expAvgSq)
    {
        public long Step;
        public readonly Tensor ExpAvg = expAvg, ExpAvgSq = expAvgSq;   // m, v: shaped like the parameter
    }

    readonly Group[] groups;
    readonly int[] firstState;   // index in states of each group's first parameter
    readonly State[] states;

    /// <summary>
    /// <paramref name="decoupledWeightDecay"/>: true for AdamW, false for Adam's L2 penalty. Moments start at
    /// zero, created here (outside any dispose scope, like the model).
    /// </summary>
    public KeptAdamW(IEnumerable<Group> groups, bool decoupledWeightDecay = true) : base(decoupledWeightDecay ? "AdamW" : "Adam")
    {
        ArgumentNullException.ThrowIfNull(groups);
        this.groups = [.. groups];
        if (this.groups.Length == 0) throw new ArgumentException("No parameter groups.", nameof(groups));
        DecoupledWeightDecay = decoupledWeightDecay;
        firstState = new int[this.groups.Length];
        for (var g = 1; g < this.groups.Length; g++) firstState[g] = firstState[g - 1] + this.groups[g - 1].Parameters.Count;
        using var noGrad = no_grad();
        states = [.. this.groups.SelectMany(g => g.Parameters).Select(p => new State(zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope()))];
    }

    /// <summary>One group over <paramref name="parameters"/> (Adam when weight decay is 0 either way).</summary>
    public KeptAdamW(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999,
                     double epsilon = 1e-8, double weightDecay = 0, bool decoupledWeightDecay = true)
        : this([new Group(parameters, learningRate, beta1, beta2, epsilon, weightDecay)], decoupledWeightDecay)
    {
    }

    /// <summary>True: AdamW; false: Adam with an L2 penalty.</summary>
    public bool DecoupledWeightDecay { get; }

    public override IReadOnlyList<KeptParamGroup> Groups => groups;

    protected override void StepGroup(KeptParamGroup kept)
    {
        var group = (Group)kept;
        var first = firstState[Array.IndexOf(groups, group)];
        var lr = group.LearningRate;
        // per-step Scalars are `using` locals, alive until the end of the group; θ·(1 − lr·λ) with λ = 0 is θ·1,
        // so skipping it changes no bit
        using var decay = DecoupledWeightDecay && group.WeightDecay != 0 ? (1 - lr * group.WeightDecay).ToScalar() : null;
        for (var i = 0; i < group.Parameters.Count; i++)
        {
            var parameter = group.Parameters[i];
            var grad = parameter.grad;                                        // shaped like the parameter; null: not used
            if (grad is null) continue;
            var state = states[first + i];
            state.Step++;
            if (decay is not null) parameter.mul_(decay);
            if (!DecoupledWeightDecay && group.WeightDecay != 0) grad = grad.add(parameter, group.WeightDecayS);
            var biasCorrection1 = 1 - Math.Pow(group.Beta1, state.Step);
            var biasCorrection2 = 1 - Math.Pow(group.Beta2, state.Step);
            state.ExpAvg.mul_(group.Beta1S).add_(grad, group.OneMinusBeta1S);
            state.ExpAvgSq.mul_(group.Beta2S).addcmul_(grad, grad, group.OneMinusBeta2S);
            using var sqrtBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var minusStepSize = (-(lr / biasCorrection1)).ToScalar();
            var denominator = state.ExpAvgSq.sqrt().div_(sqrtBiasCorrection2).add_(group.EpsilonS, KeptScalars.One);
            parameter.addcdiv_(state.ExpAvg, denominator, minusStepSize);
        }
    }

    protected override void WriteOptions(BinaryWriter writer, KeptParamGroup kept)
    {
        var group = (Group)kept;
        writer.Write(group.Beta1);
        writer.Write(group.Beta2);
        writer.Write(group.Epsilon);
        writer.Write(group.WeightDecay);
        writer.Write(false);   // amsgrad
        writer.Write(false);   // maximize
    }

    protected override void ReadOptions(BinaryReader reader, KeptParamGroup kept)
    {
        var group = (Group)kept;
        Expect("β₁", reader.ReadDouble(), group.Beta1);
        Expect("β₂", reader.ReadDouble(), group.Beta2);
        Expect("ε", reader.ReadDouble(), group.Epsilon);
        Expect("weight decay", reader.ReadDouble(), group.WeightDecay);
        if (reader.ReadBoolean()) throw new InvalidDataException("Optimizer state uses AMSGrad, which KeptAdamW does not implement.");
        if (reader.ReadBoolean()) throw new InvalidDataException("Optimizer state maximizes, which KeptAdamW does not implement.");
    }

    protected override void WriteState(BinaryWriter writer, int index)
    {
        var state = states[index];
        writer.Write(state.Step);
        state.ExpAvg.Save(writer);
        state.ExpAvgSq.Save(writer);
        writer.Write(false);   // no AMSGrad maximum
    }

    protected override void ReadState(BinaryReader reader, int index)
    {
        var state = states[index];
        state.Step = reader.ReadInt64();
        state.ExpAvg.Load(reader);
        state.ExpAvgSq.Load(reader);
        if (reader.ReadBoolean()) throw new InvalidDataException("Optimizer state holds an AMSGrad maximum, which KeptAdamW does not implement.");
    }

    protected override void DisposeState()
    {
        foreach (var state in states)
        {
            state.ExpAvg.Dispose();
            state.ExpAvgSq.Dispose();
        }
    }
}
