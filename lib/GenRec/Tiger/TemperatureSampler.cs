// Temperature sampling over valid semantic IDs, for TIGER's diversity study (Rajput et al., NeurIPS 2023, §4.4:
// sampling at temperature T instead of beam search spreads the recommendations over more categories).
// Each level's token is drawn from softmax(logits / T) restricted to the tokens the PrefixTrie allows after the
// prefix drawn so far, so every sample is a real item's ID — an invalid one has probability zero, not "rarely".
// A user's recommendation list is its distinct items in the order they were first drawn: the first K distinct
// draws are a sample of K items without replacement from the model's (tempered) distribution.
// Draws come from System.Random seeded by (seed, user key, round): the same seed gives the same lists, and one
// user's draws do not depend on which other users share its batch.
using static TorchSharp.torch;

namespace GenRec.Tiger;

/// <summary>Sampling settings.</summary>
/// <param name="Temperature">Divides the logits (1: the model's distribution; larger: flatter).</param>
/// <param name="Items">Distinct items wanted per user.</param>
/// <param name="RowsPerRound">Samples drawn per user per round (one decoding pass).</param>
/// <param name="MaxRounds">Rounds before giving up on a user that has fewer than <paramref name="Items"/> distinct items (its list is then shorter).</param>
/// <param name="BatchSize">Users decoded together.</param>
/// <param name="Seed">Seed of every draw.</param>
public sealed record SamplingOptions(double Temperature = 1.0, int Items = 50, int RowsPerRound = 64, int MaxRounds = 4, int BatchSize = 64, long Seed = 0);

/// <summary>Draws valid semantic IDs from a stage-2 model at a temperature.</summary>
public sealed class TemperatureSampler
{
    readonly IGenerativeRetriever model;
    readonly SemanticIdTokenizer tokenizer;
    readonly PrefixTrie trie;

    public TemperatureSampler(IGenerativeRetriever model, SemanticIdTokenizer tokenizer, PrefixTrie? trie = null)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        this.trie = PrefixTrie.ForTokenizer(tokenizer, trie);
    }

    /// <summary>
    /// Distinct items (first-drawn first, at most <see cref="SamplingOptions.Items"/>) for every source;
    /// <paramref name="keys"/> (e.g. user ids) pick each source's random stream.
    /// </summary>
    public IReadOnlyList<int[]> Sample(IReadOnlyList<int[]> sources, IReadOnlyList<long> keys, SamplingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(keys);
        var o = options ?? new SamplingOptions();
        if (keys.Count != sources.Count) throw new ArgumentException($"{keys.Count} keys for {sources.Count} sources.", nameof(keys));
        if (!(o.Temperature > 0) || !double.IsFinite(o.Temperature)) throw new ArgumentOutOfRangeException(nameof(options), o.Temperature, "Temperature must be a positive number.");
        if (o.Items < 1 || o.RowsPerRound < 1 || o.MaxRounds < 1 || o.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), "Items, RowsPerRound, MaxRounds and BatchSize must be ≥ 1.");
        return model.InEvalMode<IReadOnlyList<int[]>>(() =>
        {
            var results = new List<int[]>(sources.Count);
            for (var start = 0; start < sources.Count; start += o.BatchSize)
            {
                var count = Math.Min(o.BatchSize, sources.Count - start);
                results.AddRange(SampleBatch([.. sources.Skip(start).Take(count)], [.. keys.Skip(start).Take(count)], o));
            }
            return results;
        });
    }

    List<int[]> SampleBatch(List<int[]> sources, List<long> keys, SamplingOptions o)
    {
        int users = sources.Count, rows = o.RowsPerRound, levels = tokenizer.Levels;
        var found = Enumerable.Range(0, users).Select(_ => new List<int>()).ToList();
        var seen = Enumerable.Range(0, users).Select(_ => new HashSet<int>()).ToList();
        for (var round = 0; round < o.MaxRounds && found.Any(f => f.Count < o.Items); round++)
        {
            using var scope = NewDisposeScope();
            var randoms = keys.Select(k => new Random(SeedMixer.DeriveInt(o.Seed, stream: 29, unchecked(k * 1_000_003L + round)))).ToArray();
            var tokens = new int[users * rows, levels];     // row b·R + r: user b's r-th sample
            var nodes = new int[users * rows];              // trie node of each row's prefix
            using var session = model.BeginDecoding(sources);
            var logits = session.First();                                                   // (B, V): one row per user
            for (var step = 0; step < levels; step++)
            {
                var offset = tokenizer.LevelOffset(step);
                var columns = tokenizer.CodebookSizes[step];
                var host = logits.to(ScalarType.Float32).narrow(1, offset, columns).contiguous().cpu().data<float>().ToArray(); // (B or B·R, K_t)
                for (var b = 0; b < users; b++)
                    for (var r = 0; r < rows; r++)
                    {
                        var row = b * rows + r;
                        var logitRow = step == 0 ? b : row;                                   // step 0: every sample of b reads b's row
                        var node = step == 0 ? PrefixTrie.Root : nodes[row];
                        var token = Draw(host.AsSpan(logitRow * columns, columns), trie.ChildTokens(node), offset, o.Temperature, randoms[b]);
                        tokens[row, step] = token;
                        nodes[row] = trie.Child(node, token);
                    }
                if (step == levels - 1) break;
                var parents = new long[users * rows];
                var next = new long[users * rows];
                for (var row = 0; row < users * rows; row++)
                {
                    parents[row] = step == 0 ? row / rows : row;
                    next[row] = tokens[row, step];
                }
                logits = session.Next(parents, next);                                       // (B·R, V)
            }
            for (var b = 0; b < users; b++)
                for (var r = 0; r < rows && found[b].Count < o.Items; r++)
                {
                    var id = new int[levels];
                    for (var l = 0; l < levels; l++) id[l] = tokens[b * rows + r, l];
                    var item = tokenizer.DecodeItem(id) ?? throw new InvalidOperationException("The sampler drew an ID outside the trie.");
                    if (seen[b].Add(item)) found[b].Add(item);
                }
        }
        return [.. found.Select(f => f.ToArray())];
    }

    /// <summary>
    /// Draws one of <paramref name="allowed"/> (token ids; entry j of <paramref name="logits"/> is token
    /// <paramref name="offset"/> + j) with probability ∝ exp(logit / T), computed in double from the largest allowed logit.
    /// </summary>
    public static int Draw(ReadOnlySpan<float> logits, ReadOnlySpan<int> allowed, int offset, double temperature, Random random)
    {
        if (allowed.Length == 0) throw new InvalidOperationException("No token continues this prefix (the trie is empty here).");
        var max = double.NegativeInfinity;
        foreach (var token in allowed) max = Math.Max(max, logits[token - offset]);
        if (double.IsNaN(max)) throw new InvalidOperationException("The model produced NaN logits.");
        Span<double> weights = allowed.Length <= 512 ? stackalloc double[allowed.Length] : new double[allowed.Length];
        var total = 0.0;
        for (var i = 0; i < allowed.Length; i++) total += weights[i] = Math.Exp((logits[allowed[i] - offset] - max) / temperature);
        var u = random.NextDouble() * total;
        for (var i = 0; i < allowed.Length; i++)
        {
            u -= weights[i];
            if (u < 0) return allowed[i];
        }
        return allowed[^1];   // rounding left u ≥ 0 after the last weight
    }
}
