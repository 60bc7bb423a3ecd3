// Beam search over a stage-2 model (Rajput et al., 2023, §3.2) — the encoder-decoder or the decoder-only
// variant, through their shared decoding session (IGenerativeRetriever) — batched over users, optionally
// constrained to valid semantic IDs with a PrefixTrie.
//
// Per step t (L steps, one per semantic-ID level):
//   1. the model gives next-token logits for every live beam: step 0 one row per user (First), later W rows
//      per user, each continuing the row of the beam it extends (Next: the model reorders its own state —
//      the decoder-only model's key/value cache, the encoder-decoder's prefixes);
//   2. log-probabilities are normalised over the FULL vocabulary (log_softmax), then — constrained mode —
//      only the tokens the trie allows after the beam's prefix are candidates. Scores are therefore true
//      model log-probabilities log p(ID | history), not renormalised over allowed tokens, and match
//      SequenceScorer's teacher-forced scores; the constraint only removes candidates;
//   3. each user keeps the W best (beam, token) extensions.
// Ordering and ties: candidates are ordered by total log-probability (double sum of float32 step scores),
// descending; equal scores are ordered by their token sequence, lexicographically ascending. This rule is
// applied both when pruning to W beams and in the final ranking, so results never depend on the order in
// which a sort or a device kernel happens to visit equal values.
// With W ≥ the number of valid IDs nothing is ever pruned, so the result is exactly the exhaustive ranking.
// Unconstrained mode (for the invalid-ID comparison of TIGER §4.4) searches all V tokens at every step and
// reports the beams that map to no item.
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>Beam-search settings.</summary>
/// <param name="BeamWidth">Beams kept per user (the paper evaluates with 20); must be ≥ TopK.</param>
/// <param name="TopK">Items returned per user.</param>
/// <param name="Constrained">Mask tokens that lead to no valid semantic ID.</param>
/// <param name="BatchSize">Users decoded together.</param>
public sealed record BeamSearchOptions(int BeamWidth = 20, int TopK = 10, bool Constrained = true, int BatchSize = 256);

/// <summary>One finished beam: its L tokens, total log-probability and the item it names (null: none).</summary>
public sealed record BeamHypothesis(int[] Tokens, double LogProbability, int? ItemId);

/// <summary>A user's result: all final beams best first, and the first TopK of them that are items.</summary>
public sealed record UserRecommendations(IReadOnlyList<BeamHypothesis> Beams, int[] ItemIds, double[] LogProbabilities);

/// <summary>Results of one search, one entry per source in input order.</summary>
public sealed record BeamSearchResult(IReadOnlyList<UserRecommendations> Users)
{
    /// <summary>Among each user's best <paramref name="k"/> beams, how many map to no item (summed over users).</summary>
    public int InvalidBeams(int k) => Users.Sum(u => u.Beams.Take(k).Count(b => b.ItemId is null));

    /// <summary>Beams considered by <see cref="InvalidBeams"/>.</summary>
    public int ConsideredBeams(int k) => Users.Sum(u => Math.Min(k, u.Beams.Count));

    /// <summary>Fraction of invalid IDs among the top-<paramref name="k"/> beams (0 in constrained mode).</summary>
    public double InvalidRate(int k) => ConsideredBeams(k) == 0 ? 0 : InvalidBeams(k) / (double)ConsideredBeams(k);
}

/// <summary>Batched beam search over a <see cref="TigerModel"/>, constrained to valid IDs or not.</summary>
public sealed class ConstrainedBeamSearch
{
    readonly IGenerativeRetriever model;
    readonly SemanticIdTokenizer tokenizer;
    readonly PrefixTrie trie;

    public ConstrainedBeamSearch(IGenerativeRetriever model, SemanticIdTokenizer tokenizer, PrefixTrie? trie = null)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        if (model.VocabularySize != tokenizer.VocabularySize)
            throw new ArgumentException($"Model vocabulary ({model.VocabularySize}) ≠ tokenizer vocabulary ({tokenizer.VocabularySize}).");
        this.trie = PrefixTrie.ForTokenizer(tokenizer, trie);
    }

    /// <summary>
    /// Searches for every source (token arrays from the model's <see cref="IGenerativeRetriever.EncodeSource"/>).
    /// Pass ALL sources at once: batches are formed here from sources of similar length, which a caller that
    /// cuts its own chunks in input order would defeat (every random chunk of 256 Beauty histories is padded to
    /// the longest, ~80 tokens, against ~30 on average). <paramref name="progress"/> receives the number of
    /// sources done after each batch.
    /// </summary>
    public BeamSearchResult Search(IReadOnlyList<int[]> sources, BeamSearchOptions? options = null, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var o = options ?? new BeamSearchOptions();
        if (o.TopK < 1) throw new ArgumentOutOfRangeException(nameof(options), o.TopK, "TopK must be ≥ 1.");
        if (o.BeamWidth < o.TopK) throw new ArgumentException($"Beam width {o.BeamWidth} is smaller than TopK {o.TopK}.", nameof(options));
        if (o.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), o.BatchSize, "BatchSize must be ≥ 1.");
        return model.InEvalMode(() =>
        {
            var results = new UserRecommendations[sources.Count];
            var done = 0;
            foreach (var batch in TigerBatching.ByLength(sources, o.BatchSize))            // similar lengths: little padding
            {
                var found = SearchBatch([.. batch.Select(i => sources[i])], o);
                for (var j = 0; j < batch.Length; j++) results[batch[j]] = found[j];       // back in input order
                progress?.Invoke(done += batch.Length);
            }
            return new BeamSearchResult(results);
        });
    }

    sealed class Beam(int[] tokens, double score, int node, int row)
    {
        public readonly int[] Tokens = tokens;
        public readonly double Score = score;
        public readonly int Node = node;   // trie node of the prefix (−1 in unconstrained mode once off-trie)
        public int Row = row;              // the session row whose logits continue this beam
    }

    List<UserRecommendations> SearchBatch(List<int[]> sources, BeamSearchOptions o)
    {
        using var scope = NewDisposeScope();
        int users = sources.Count, width = o.BeamWidth, levels = tokenizer.Levels;
        using var session = model.BeginDecoding(sources);
        var beams = Enumerable.Range(0, users).Select(b => new List<Beam> { new([], 0, PrefixTrie.Root, row: b) }).ToList();
        var logits = session.First();                                                    // (B, V): row b = user b

        for (var step = 0; step < levels; step++)
        {
            using var stepScope = NewDisposeScope();
            var logProbs = logits.to(ScalarType.Float32).log_softmax(-1);                  // (B·W, V), full-vocab normalisation
            var firstToken = o.Constrained ? tokenizer.LevelOffset(step) : 0;
            var columns = o.Constrained ? tokenizer.CodebookSizes[step] : tokenizer.VocabularySize;
            if (o.Constrained) logProbs = logProbs.narrow(1, firstToken, columns);         // (B·W, K_t): level t's tokens
            var host = logProbs.contiguous().cpu().data<float>().ToArray();

            for (var b = 0; b < users; b++)
            {
                var candidates = new List<(double Score, Beam Parent, int Token)>(beams[b].Count * width);
                for (var w = 0; w < beams[b].Count; w++)
                {
                    var parent = beams[b][w];
                    var row = host.AsSpan(parent.Row * columns, columns);
                    // constrained: only the trie's children of the prefix are candidates (after level 0 a few
                    // dozen of 256), the same set masking every other column to −∞ would leave
                    var best = o.Constrained ? BestColumns(row, width, trie.ChildTokens(parent.Node), firstToken) : BestColumns(row, width);
                    foreach (var j in best)
                        candidates.Add((parent.Score + row[j], parent, firstToken + j));
                }
                candidates.Sort(CompareCandidates);
                var next = new List<Beam>(width);
                foreach (var (score, parent, token) in candidates.Take(width))
                {
                    var node = parent.Node < 0 ? -1 : trie.Child(parent.Node, token);
                    next.Add(new Beam([.. parent.Tokens, token], score, node, row: parent.Row));   // its row is assigned below
                }
                if (next.Count == 0)
                    throw new InvalidOperationException($"Beam search for source {b} of the batch found no continuation at step {step}.");
                beams[b] = next;
            }
            if (step == levels - 1) break;
            // next rows: W per user; row b·W + w continues beam w (missing beams repeat beam 0, ignored)
            var parents = new long[users * width];
            var tokens = new long[users * width];
            for (var b = 0; b < users; b++)
                for (var w = 0; w < width; w++)
                {
                    var beam = beams[b][w < beams[b].Count ? w : 0];
                    parents[b * width + w] = beam.Row;
                    tokens[b * width + w] = beam.Tokens[^1];
                }
            for (var b = 0; b < users; b++)
                for (var w = 0; w < beams[b].Count; w++) beams[b][w].Row = b * width + w;
            logits.Dispose();
            logits = session.Next(parents, tokens).MoveToOuterDisposeScope();            // (B·W, V), kept past this step
        }
        logits.Dispose();

        var result = new List<UserRecommendations>(users);
        foreach (var userBeams in beams)
        {
            var hypotheses = userBeams.Select(beam => new BeamHypothesis(beam.Tokens, beam.Score, tokenizer.DecodeItem(beam.Tokens))).ToList();
            var valid = hypotheses.Where(h => h.ItemId is not null).Take(o.TopK).ToList();
            result.Add(new UserRecommendations(hypotheses, [.. valid.Select(h => h.ItemId!.Value)], [.. valid.Select(h => h.LogProbability)]));
        }
        return result;
    }

    // Descending score; equal scores by token sequence ascending (parent prefix, then the new token).
    static int CompareCandidates((double Score, Beam Parent, int Token) x, (double Score, Beam Parent, int Token) y)
    {
        var byScore = y.Score.CompareTo(x.Score);
        if (byScore != 0) return byScore;
        var a = x.Parent.Tokens;
        var b = y.Parent.Tokens;
        for (var i = 0; i < a.Length; i++)
        {
            var c = a[i].CompareTo(b[i]);
            if (c != 0) return c;
        }
        return x.Token.CompareTo(y.Token);
    }

    // Up to `count` column indices with the largest finite values, ordered by value descending then index
    // ascending (= token ascending). Keeping the best W per row suffices: the W best extensions of a user
    // can contain at most W from any one beam, and within one beam the order is the same as the global one.
    static List<int> BestColumns(ReadOnlySpan<float> row, int count)
    {
        var best = new List<int>(count + 1);
        for (var j = 0; j < row.Length; j++) Offer(best, row, j, count);
        return best;
    }

    // The same over the columns of `allowedTokens` only (sorted ascending; column = token − tokenOffset).
    static List<int> BestColumns(ReadOnlySpan<float> row, int count, ReadOnlySpan<int> allowedTokens, int tokenOffset)
    {
        var best = new List<int>(count + 1);
        foreach (var token in allowedTokens) Offer(best, row, token - tokenOffset, count);
        return best;
    }

    // Inserts column j into `best` (kept sorted as above, at most `count` long) if its value earns a place.
    // Columns must be offered in ascending order for ties to keep the lower index first.
    static void Offer(List<int> best, ReadOnlySpan<float> row, int j, int count)
    {
        var value = row[j];
        if (float.IsNaN(value)) throw new InvalidOperationException("The model produced NaN log-probabilities.");
        if (float.IsNegativeInfinity(value)) return;
        if (best.Count == count && value <= row[best[^1]]) return;  // ties keep the lower index already there
        var at = best.Count;
        while (at > 0 && row[best[at - 1]] < value) at--;          // after equal values: lower index first
        best.Insert(at, j);
        if (best.Count > count) best.RemoveAt(best.Count - 1);
    }
}
