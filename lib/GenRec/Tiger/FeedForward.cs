// T5's position-wise feed-forward block: d_model → d_ff → d_model, no biases, activation (TIGER: ReLU)
// and dropout in between. The residual connection and the pre-norm live in the layer that owns it.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>wo(dropout(act(wi(x)))), (…, D) → (…, D).</summary>
public sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    readonly Linear wi, wo;
    readonly SeededDropout dropout;
    readonly bool gelu;

    public FeedForward(int dModel, int dFf, double dropoutRate, string activation = "relu", DropoutRandomness? randomness = null)
        : base(nameof(FeedForward))
    {
        gelu = activation switch
        {
            "relu" => false,
            "gelu" => true,
            _ => throw new ArgumentException($"Activation '{activation}' is not supported; expected 'relu' or 'gelu'.", nameof(activation)),
        };
        wi = nn.Linear(dModel, dFf, hasBias: false);
        wo = nn.Linear(dFf, dModel, hasBias: false);
        dropout = new SeededDropout(dropoutRate, randomness ?? new DropoutRandomness());
        RegisterComponents();
    }

    /// <summary>Input and output projections, for initialisation.</summary>
    public (Linear In, Linear Out) Projections => (wi, wo);

    public override Tensor forward(Tensor x)                      // (…, D)
    {
        using var scope = NewDisposeScope();
        var hidden = wi.forward(x);                                // (…, F)
        hidden = gelu ? nn.functional.gelu(hidden) : nn.functional.relu(hidden);
        return wo.forward(dropout.forward(hidden)).MoveToOuterDisposeScope();   // (…, D)
    }
}
