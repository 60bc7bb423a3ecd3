// Base of our optimizers (KeptAdamW, KeptAdagrad), which exist because TorchSharp 0.107's own optimizers make
// temporary Scalars in every step (AdamW.step about eight per parameter; TOOLCHAIN.md, "TorchSharp Scalars and
// the GC"): a garbage collection that finalizes one while LibTorch reads it aborts training. Here every Scalar
// a step hands LibTorch is either kept by its parameter group for the optimizer's life (betas, ε) or a `using`
// local of the step (what changes with the learning rate or the step count), so nothing is collectable mid-call.
//
// Parameter groups carry their own learning rate (set by the trainer's schedule before each step) and weight
// decay. The state is saved in the byte layout of TorchSharp's OptimizerHelper.save_state_dict (type name,
// LEB128 group and state counts, each group's options, then each parameter's state in group order), so
// checkpoints written with TorchSharp's Adam/AdamW/Adagrad load here and the other way round.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Training;

/// <summary>A parameter group: its parameters and learning rate (the schedule sets <see cref="LearningRate"/>).</summary>
public abstract class KeptParamGroup : IDisposable
{
    protected KeptParamGroup(IEnumerable<Parameter> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be ≥ 0.");
        Parameters = [.. parameters];
        LearningRate = InitialLearningRate = learningRate;
    }

    /// <summary>The parameters this group updates, in state order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The rate of the next step.</summary>
    public double LearningRate { get; set; }

    /// <summary>The rate given at construction (saved with the state, as TorchSharp does).</summary>
    public double InitialLearningRate { get; internal set; }

    /// <summary>Disposes the group's kept Scalars.</summary>
    public abstract void Dispose();
}

/// <summary>Optimizer state and stepping without temporary Scalars (see the file header).</summary>
public abstract class KeptOptimizer : IDisposable
{
    readonly string typeName;
    bool disposed;

    /// <param name="typeName">The name TorchSharp's optimizer of the same algorithm writes first in its state ("AdamW", "Adam", "Adagrad").</param>
    protected KeptOptimizer(string typeName) => this.typeName = typeName;

    /// <summary>The parameter groups, in the order their state is saved.</summary>
    public abstract IReadOnlyList<KeptParamGroup> Groups { get; }

    /// <summary>All parameters, group by group.</summary>
    public IEnumerable<Parameter> Parameters => Groups.SelectMany(g => g.Parameters);

    /// <summary>Zeroes every parameter's gradient in place (parameters without one are skipped).</summary>
    public void ZeroGrad()
    {
        foreach (var parameter in Parameters)
        {
            using var grad = parameter.grad;
            grad?.zero_();
        }
    }

    /// <summary>One update of every parameter that has a gradient, under no_grad and a dispose scope.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var group in Groups) StepGroup(group);
    }

    /// <summary>Updates the parameters of one group (called inside <see cref="Step"/>'s no_grad and scope).</summary>
    protected abstract void StepGroup(KeptParamGroup group);

    /// <summary>Writes the state in TorchSharp's save_state_dict layout.</summary>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(typeName);
        writer.Write7BitEncodedInt64(Groups.Count);               // TorchSharp's LEB128 counts are this encoding
        writer.Write7BitEncodedInt64(Groups.Sum(g => g.Parameters.Count));
        foreach (var group in Groups)
        {
            writer.Write(group.InitialLearningRate);
            writer.Write(group.LearningRate);
            WriteOptions(writer, group);
        }
        var index = 0;
        foreach (var group in Groups)
            foreach (var _ in group.Parameters) WriteState(writer, index++);
    }

    /// <summary>
    /// Reads a state written by <see cref="SaveState"/> or by TorchSharp's optimizer of the same algorithm, for the
    /// same groups and parameter shapes. The groups' learning rates are restored; other hyperparameters must
    /// equal this optimizer's (a different configuration is an error, not something to adopt silently).
    /// </summary>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var name = reader.ReadString();
        if (name != typeName) throw new InvalidDataException($"Optimizer state of '{name}', expected '{typeName}'.");
        var groups = reader.Read7BitEncodedInt64();
        var states = reader.Read7BitEncodedInt64();
        var expectedStates = Groups.Sum(g => g.Parameters.Count);
        if (groups != Groups.Count || states != expectedStates)
            throw new InvalidDataException($"Optimizer state for {groups} groups of {states} parameters; this optimizer has {Groups.Count} groups of {expectedStates}.");
        foreach (var group in Groups)
        {
            group.InitialLearningRate = reader.ReadDouble();
            group.LearningRate = reader.ReadDouble();
            ReadOptions(reader, group);
        }
        for (var i = 0; i < expectedStates; i++) ReadState(reader, i);
    }

    /// <summary>Writes a group's options after its two learning rates.</summary>
    protected abstract void WriteOptions(BinaryWriter writer, KeptParamGroup group);
    /// <summary>Reads and checks a group's options after its two learning rates.</summary>
    protected abstract void ReadOptions(BinaryReader reader, KeptParamGroup group);
    /// <summary>Writes the state of parameter <paramref name="index"/> (group by group).</summary>
    protected abstract void WriteState(BinaryWriter writer, int index);
    /// <summary>Reads the state of parameter <paramref name="index"/> into its existing tensors.</summary>
    protected abstract void ReadState(BinaryReader reader, int index);

    /// <summary>Throws when a saved hyperparameter differs from this optimizer's.</summary>
    protected static void Expect(string what, double saved, double mine)
    {
        if (saved != mine && !(double.IsNaN(saved) && double.IsNaN(mine)))
            throw new InvalidDataException($"Optimizer state was saved with {what} = {saved:R}; this optimizer has {mine:R}.");
    }

    /// <summary>Disposes the state tensors.</summary>
    protected abstract void DisposeState();

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        DisposeState();
        foreach (var group in Groups) group.Dispose();
        GC.SuppressFinalize(this);
    }
}
