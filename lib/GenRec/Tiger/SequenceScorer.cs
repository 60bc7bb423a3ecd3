// Exact scoring of given target sequences by teacher forcing: log p(c_0 … c_{L−1} | source) =
// Σ_t log softmax(logits_t)[c_t]. This is what beam search approximates; scoring every valid ID this way
// and sorting is the exhaustive reference the beam search is tested against (and a useful diagnostic in
// the notebooks). It deliberately uses each model's plain forward pass, not the decoding session, so it is
// an independent check of the session's caching:
//  * encoder-decoder: candidates are folded into the decoder batch as W "beams" per source (see DecoderLayer),
//    so the encoder runs once per source;
//  * decoder-only: every (source, candidate) pair is one right-padded sequence source ++ candidate through
//    DecoderOnlyModel.forward; the logits at the source's last position and after predict the candidate.
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>Teacher-forced log-probabilities of candidate token sequences.</summary>
public static class SequenceScorer
{
    /// <summary>
    /// result[b][c] = log p(candidates[c] | sources[b]) under the model in eval mode (no dropout), in
    /// float32 per token and summed in double. Work is chunked so that at most <paramref name="maxRows"/>
    /// decoder rows run at once.
    /// </summary>
    public static double[][] LogProbabilities(IGenerativeRetriever model, IReadOnlyList<int[]> sources, IReadOnlyList<int[]> candidates, int maxRows = 4096)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model switch
        {
            TigerModel encoderDecoder => EncoderDecoder(encoderDecoder, sources, candidates, maxRows),
            DecoderOnlyModel decoderOnly => DecoderOnly(decoderOnly, sources, candidates, maxRows),
            _ => throw new ArgumentException($"No teacher-forced scorer for {model.GetType().Name}.", nameof(model)),
        };
    }

    static double[][] DecoderOnly(DecoderOnlyModel model, IReadOnlyList<int[]> sources, IReadOnlyList<int[]> candidates, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0) throw new ArgumentException("No candidates.", nameof(candidates));
        var pairs = sources.SelectMany((source, b) => candidates.Select((candidate, c) => (b, c, Tokens: (int[])[.. source, .. candidate]))).ToList();
        var result = sources.Select(_ => new double[candidates.Count]).ToArray();
        return ((IGenerativeRetriever)model).InEvalMode(() =>
        {
            foreach (var chunk in pairs.Chunk(Math.Max(1, maxRows)))
            {
                using var scope = NewDisposeScope();
                var (tokens, _) = TigerBatching.PadSources([.. chunk.Select(p => p.Tokens)], model.Device);   // (R, T) right-padded
                var logProbs = model.forward(tokens).log_softmax(-1).to(ScalarType.Float32).cpu();           // (R, T, V)
                var host = logProbs.contiguous().data<float>().ToArray();
                long length = logProbs.shape[1], vocabulary = logProbs.shape[2];
                for (var r = 0; r < chunk.Length; r++)
                {
                    var (b, c, sequence) = chunk[r];
                    var candidate = candidates[c];
                    var before = sequence.Length - candidate.Length;    // logits at position before − 1 + t predict candidate[t]
                    double sum = 0;
                    for (var t = 0; t < candidate.Length; t++) sum += host[(r * length + before - 1 + t) * vocabulary + candidate[t]];
                    result[b][c] = sum;
                }
            }
            return result;
        });
    }

    static double[][] EncoderDecoder(TigerModel model, IReadOnlyList<int[]> sources, IReadOnlyList<int[]> candidates, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0) throw new ArgumentException("No candidates.", nameof(candidates));
        var result = sources.Select(_ => new double[candidates.Count]).ToArray();
        return ((IGenerativeRetriever)model).InEvalMode(() =>
        {
            var device = model.Device;
            var candidateChunk = Math.Max(1, Math.Min(candidates.Count, maxRows));
            var sourceChunk = Math.Max(1, maxRows / candidateChunk);
            for (var s0 = 0; s0 < sources.Count; s0 += sourceChunk)
            {
                using var scope = NewDisposeScope();
                var chunkSources = sources.Skip(s0).Take(sourceChunk).ToList();
                var (tokens, mask) = TigerBatching.PadSources(chunkSources, device);     // (B, S)
                using var memory = model.PrepareDecoding(tokens, mask);                   // encoder output + cross K/V
                for (var c0 = 0; c0 < candidates.Count; c0 += candidateChunk)
                {
                    using var inner = NewDisposeScope();
                    var chunk = candidates.Skip(c0).Take(candidateChunk).ToList();
                    var rows = new List<int[]>(chunkSources.Count * chunk.Count);        // source-major: B blocks of C rows
                    for (var b = 0; b < chunkSources.Count; b++) rows.AddRange(chunk);
                    var input = TigerBatching.DecoderInput(rows, device);                 // (B·C, L)
                    var labels = TigerBatching.Labels(rows, device);                      // (B·C, L)
                    var logProbs = model.Decode(input, memory).log_softmax(-1);            // (B·C, L, V)
                    var picked = logProbs.gather(-1, labels.unsqueeze(-1)).squeeze(-1)    // (B·C, L)
                        .to(ScalarType.Float32).cpu().data<float>().ToArray();
                    var length = chunk[0].Length;
                    for (var b = 0; b < chunkSources.Count; b++)
                        for (var c = 0; c < chunk.Count; c++)
                        {
                            double sum = 0;
                            for (var t = 0; t < length; t++) sum += picked[(b * chunk.Count + c) * length + t];
                            result[s0 + b][c0 + c] = sum;
                        }
                }
            }
            return result;
        });
    }
}
