// The contract TIGER's two stage-2 models share — the paper's encoder-decoder (TigerModel) and the
// decoder-only variant (DecoderOnlyModel): how a user's history becomes the model's source tokens, and a
// decoding session that hands out next-token logits for a growing set of beams. Beam search (constrained,
// unconstrained), validation, evaluation, notebooks and the report take either model through it, so they
// never ask which one they have.
//
// A session decodes a batch of B sources. First() gives the logits of every source's first ID token, one row
// per source; every later call gives one row per beam, where row r extends row parents[r] of the previous call
// by token tokens[r]. Models keep whatever per-row state they need (a key/value cache, or the prefixes to
// re-run) and reorder it by `parents`, so beam search never has to know how a model remembers.
using GenRec.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>The two stage-2 model kinds, as named on the command line and in presets.</summary>
public static class ModelKinds
{
    /// <summary>TIGER's T5-style encoder-decoder (the paper's model).</summary>
    public const string EncoderDecoder = "encoder-decoder";
    /// <summary>A causal transformer over the flattened semantic-ID sequence, trained at every position.</summary>
    public const string DecoderOnly = "decoder-only";

    /// <summary>Both kinds.</summary>
    public static IReadOnlyList<string> All { get; } = [EncoderDecoder, DecoderOnly];

    /// <summary>Throws naming the known kinds unless <paramref name="kind"/> is one.</summary>
    public static string Check(string kind) => All.Contains(kind) ? kind
        : throw new ArgumentException($"Unknown model \"{kind}\": expected {string.Join(" or ", All)}.", nameof(kind));
}

/// <summary>A stage-2 model that generates semantic IDs token by token.</summary>
public interface IGenerativeRetriever : IDisposable
{
    /// <summary><see cref="ModelKinds.EncoderDecoder"/> or <see cref="ModelKinds.DecoderOnly"/>.</summary>
    string Kind { get; }
    /// <summary>Token count of the model's vocabulary (the tokenizer's).</summary>
    int VocabularySize { get; }
    /// <summary>Device of the parameters.</summary>
    Device Device { get; }
    /// <summary>The model as a module (parameters, train/eval mode, save/load).</summary>
    nn.Module Module { get; }
    /// <summary>Seed stream of every dropout in the model (the trainer reseeds it at each step).</summary>
    DropoutRandomness DropoutRandomness { get; }
    /// <summary>Source tokens of a history (item ids, oldest first; the last <paramref name="maxItems"/> are kept).</summary>
    int[] EncodeSource(SemanticIdTokenizer tokenizer, IReadOnlyList<int> history, int maxItems, int? userId);
    /// <summary>Starts decoding <paramref name="sources"/> (from <see cref="EncodeSource"/>); call in eval mode under no_grad.</summary>
    IDecodingSession BeginDecoding(IReadOnlyList<int[]> sources);
}

/// <summary>Next-token logits for beams that grow one token per call (see the file header).</summary>
public interface IDecodingSession : IDisposable
{
    /// <summary>Logits (B, V) of each source's first semantic-ID token.</summary>
    Tensor First();

    /// <summary>
    /// Logits (N, V) of the token after each of N rows; row r continues row <paramref name="parents"/>[r] of the
    /// previous call (First's rows are the sources) with token <paramref name="tokens"/>[r]. Rows of one source
    /// must stay contiguous and every source must have the same number of rows.
    /// </summary>
    Tensor Next(long[] parents, long[] tokens);
}

/// <summary>What every decoder of an <see cref="IGenerativeRetriever"/> does around its decoding.</summary>
public static class GenerativeRetrieverDecoding
{
    /// <summary>
    /// Runs <paramref name="decode"/> with the model in eval mode (no dropout) under no_grad, then puts the model back
    /// in the mode it was in — decoding in the middle of training (validation) must not leave it in eval mode.
    /// </summary>
    public static T InEvalMode<T>(this IGenerativeRetriever model, Func<T> decode)
    {
        ArgumentNullException.ThrowIfNull(model);
        return EvalMode.Run(model.Module, decode);
    }
}
