// The decoder-only variant has the tests the encoder-decoder has: a position never sees its future, padding
// is neither read nor changes a row, the cached decoding session gives exactly the logits of the plain forward
// pass (including when beams are reordered), beam search equals exhaustive scoring on a tiny model, and the
// same seed gives the same weights. Resume and determinism of training are in StageTwoTrainingTests.
using GenRec.Tiger;
using static TorchSharp.torch;

namespace GenRec.Tests.Tiger;

public class DecoderOnlyModelTests
{
    /// <summary>d_model 16, 2 heads × 8, d_ff 32, 2 layers.</summary>
    internal static DecoderOnlyConfig Config(int vocabularySize, double dropout = 0.0) =>
        new(vocabularySize, DModel: 16, NumHeads: 2, DKv: 8, DFf: 32, Layers: 2, Dropout: dropout);

    static (DecoderOnlyModel Model, SemanticIdTokenizer Tokenizer, List<int[]> Sources) Setup(long seed = 5)
    {
        var tokenizer = TinyTiger.Tokenizer(itemCount: 20, seed: 3);
        var model = new DecoderOnlyModel(Config(tokenizer.VocabularySize), seed);
        var sources = TinyTiger.RandomHistories(6, 20, maxLength: 5, seed: 9).Select(h => tokenizer.EncodeSequence(h)).ToList();
        return (model, tokenizer, sources);
    }

    static float[] LastLogits(DecoderOnlyModel model, int[] sequence)
    {
        using var scope = NewDisposeScope();
        using var logits = model.forward(tensor(sequence.Select(t => (long)t).ToArray(), [1, sequence.Length]));   // (1, T, V)
        return TinyTiger.Values(logits[0, sequence.Length - 1]);
    }

    [Fact]
    public void Decoding_runs_in_eval_mode_without_gradients_and_gives_back_the_mode_the_model_was_in_even_on_error()
    {
        var (model, _, _) = Setup();
        using var _ = model;
        IGenerativeRetriever retriever = model;
        model.train();
        var inside = retriever.InEvalMode(() => (model.training, is_grad_enabled()));
        Assert.Equal((false, false), inside);
        Assert.True(model.training);
        Assert.True(is_grad_enabled());
        Assert.Throws<InvalidOperationException>(() => retriever.InEvalMode<int>(() => throw new InvalidOperationException("boom")));
        Assert.True(model.training);
        model.eval();
        retriever.InEvalMode(() => 0);
        Assert.False(model.training);
    }

    [Fact]
    public void Forward_gives_next_token_logits_at_every_position()
    {
        var (model, tokenizer, _) = Setup();
        using var _ = model;
        using var tokens = tensor(new long[] { 2, 3, 7, 12, 0 }, [1, 5]);
        using var logits = model.forward(tokens);
        Assert.Equal([1L, 5, tokenizer.VocabularySize], logits.shape);
        Assert.Equal(ModelKinds.DecoderOnly, model.Kind);
    }

    [Fact]
    public void A_position_never_sees_its_future()
    {
        var (model, _, sources) = Setup();
        using var _ = model;
        model.eval();
        var sequence = sources.OrderByDescending(s => s.Length).First();
        using var original = model.forward(tensor(sequence.Select(t => (long)t).ToArray(), [1, sequence.Length]));
        var changed = (int[])sequence.Clone();
        for (var i = 5; i < changed.Length; i++) changed[i] = SemanticIdTokenizer.SpecialTokens + (changed[i] - SemanticIdTokenizer.SpecialTokens + 5) % 10;
        Assert.True(changed.Length > 6, $"a longer sequence is needed ({changed.Length} tokens)");
        using var altered = model.forward(tensor(changed.Select(t => (long)t).ToArray(), [1, changed.Length]));
        // positions 0..4 read only tokens 0..4, which are unchanged
        Assert.True(allclose(original[0, ..5], altered[0, ..5], rtol: 1e-5, atol: 1e-6));
        Assert.False(allclose(original[0, 5..], altered[0, 5..], rtol: 1e-3, atol: 1e-3));
    }

    [Fact]
    public void Right_padding_neither_changes_a_row_nor_is_read()
    {
        var (model, _, sources) = Setup();
        using var _ = model;
        model.eval();
        var (batch, _) = TigerBatching.PadSources(sources, CPU);                    // (6, T) right-padded
        using var logits = model.forward(batch);
        for (var i = 0; i < sources.Count; i++)
        {
            using var alone = model.forward(tensor(sources[i].Select(t => (long)t).ToArray(), [1, sources[i].Length]));
            Assert.True(allclose(alone[0], logits[i, ..sources[i].Length], rtol: 1e-4, atol: 1e-5), $"row {i}");
        }
    }

    [Fact]
    public void Cached_decoding_gives_the_logits_of_the_plain_forward_pass_even_when_beams_are_reordered()
    {
        var (model, _, sources) = Setup(seed: 11);
        using var _ = model;
        model.eval();
        using var noGrad = no_grad();
        using var session = model.BeginDecoding(sources);                          // left-padded, cached
        using var first = session.First();                                          // (B, V)
        for (var b = 0; b < sources.Count; b++)
            Assert.Equal(LastLogits(model, sources[b]), TinyTiger.Values(first[b]), new FloatTolerance(1e-4f));

        // three rows per source; row (b, w) extends a source, then a reordered previous row of the same source
        const int width = 3;
        var random = new Random(4);
        var prefixes = Enumerable.Range(0, sources.Count).Select(_ => new List<int>()).ToArray() as IList<List<int>>;
        var rowPrefix = Enumerable.Range(0, sources.Count).Select(b => (b, new List<int>())).ToList();
        for (var step = 0; step < 3; step++)
        {
            var parents = new long[sources.Count * width];
            var tokens = new long[sources.Count * width];
            var next = new List<(int Source, List<int> Prefix)>();
            for (var b = 0; b < sources.Count; b++)
                for (var w = 0; w < width; w++)
                {
                    // parent: step 0 → the source's row; later a random row of the same source (beams reorder)
                    var parent = step == 0 ? b : b * width + random.Next(width);
                    var token = SemanticIdTokenizer.SpecialTokens + random.Next(10);
                    parents[b * width + w] = parent;
                    tokens[b * width + w] = token;
                    next.Add((b, [.. rowPrefix[parent].Item2, token]));
                }
            rowPrefix = next;
            using var logits = session.Next(parents, tokens);                       // (B·W, V)
            for (var r = 0; r < rowPrefix.Count; r++)
            {
                var (b, prefix) = rowPrefix[r];
                Assert.Equal(LastLogits(model, [.. sources[b], .. prefix]), TinyTiger.Values(logits[r]), new FloatTolerance(1e-4f));
            }
        }
    }

    [Fact]
    public void With_beam_width_equal_to_the_catalogue_beam_search_reproduces_exhaustive_scoring()
    {
        var (model, tokenizer, sources) = Setup(seed: 6);
        using var _ = model;
        var items = tokenizer.Items().ToList();
        var result = new ConstrainedBeamSearch(model, tokenizer).Search(sources, new BeamSearchOptions(BeamWidth: 20, TopK: 20, BatchSize: 4));
        for (var u = 0; u < sources.Count; u++)
        {
            var scores = SequenceScorer.LogProbabilities(model, [sources[u]], items.Select(i => i.Tokens).ToList())[0];
            var expected = items.Select((item, i) => (item.ItemId, Score: scores[i], item.Tokens))
                .OrderByDescending(x => x.Score).ThenBy(x => string.Join(",", x.Tokens.Select(t => t.ToString("D4")))).ToList();
            Assert.Equal(expected.Select(e => e.ItemId), result.Users[u].ItemIds);
            for (var i = 0; i < expected.Count; i++) Assert.Equal(expected[i].Score, result.Users[u].LogProbabilities[i], 4);
        }
    }

    [Fact]
    public void Beam_search_results_do_not_depend_on_batching_though_batches_are_grouped_by_length()
    {
        var (model, tokenizer, sources) = Setup(seed: 8);
        using var _ = model;
        Assert.True(sources.Select(s => s.Length).Distinct().Count() > 2, "histories of several lengths are needed");
        var search = new ConstrainedBeamSearch(model, tokenizer);
        var alone = search.Search(sources, new BeamSearchOptions(BeamWidth: 5, TopK: 5, BatchSize: 1));
        foreach (var batchSize in new[] { 2, 64 })
        {
            var batched = search.Search(sources, new BeamSearchOptions(BeamWidth: 5, TopK: 5, BatchSize: batchSize));
            for (var u = 0; u < sources.Count; u++)
            {
                Assert.Equal(alone.Users[u].ItemIds, batched.Users[u].ItemIds);
                for (var i = 0; i < 5; i++) Assert.Equal(alone.Users[u].LogProbabilities[i], batched.Users[u].LogProbabilities[i], 1e-4);
            }
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_weights_and_the_summary_counts_every_parameter()
    {
        var tokenizer = TinyTiger.Tokenizer();
        using var a = new DecoderOnlyModel(Config(tokenizer.VocabularySize), seed: 3);
        using var b = new DecoderOnlyModel(Config(tokenizer.VocabularySize), seed: 3);
        using var c = new DecoderOnlyModel(Config(tokenizer.VocabularySize), seed: 4);
        foreach (var ((name, pa), (_, pb), (_, pc)) in a.named_parameters().Zip(b.named_parameters(), c.named_parameters()))
        {
            Assert.True(pa.allclose(pb, 0, 0), name);
            if (!name.Contains("Norm", StringComparison.Ordinal)) Assert.False(pa.allclose(pc, 0, 0), name);
        }
        // by hand: embedding V·16; per layer 2 norms (16 each) + q,k,v,o (16·16 each) + ffn 16·32·2; relative bias 32·2; final norm 16
        var v = tokenizer.VocabularySize;
        Assert.Equal(v * 16 + 2 * (2 * 16 + 4 * 16 * 16 + 2 * 16 * 32) + 32 * 2 + 16, a.ParameterCount());
        Assert.Contains($"total", a.Summary());
    }

    [Fact]
    public void The_fused_attention_kernel_equals_the_explicit_computation_in_values_and_gradients()
    {
        // dropout 0 → scaled_dot_product_attention (rescaled to T5's unscaled logits); dropout > 0 in eval mode
        // takes the same kernel, so the reference here is computed by hand: softmax(q·kᵀ + bias)·v, then o.
        using var attention = new MultiHeadAttention(dModel: 12, numHeads: 3, headDim: 4, dropoutRate: 0);
        Assert.True(attention.UsesFusedKernel);
        var generator = new Generator(7, CPU);
        using var x = randn(2, 5, 12, generator: generator);
        using var bias = randn(1, 3, 5, 5, generator: generator).requires_grad_();   // like a learned position bias
        using var fused = attention.forward(x, x, bias);
        using var fusedLoss = (fused * fused).sum();
        fusedLoss.backward();
        using var fusedGrad = bias.grad!.clone();
        bias.grad!.zero_();

        var (q, k, v, o) = attention.Projections;
        using var qh = x.matmul(q.weight!.t()).view(2, 5, 3, 4).transpose(1, 2);
        using var kh = x.matmul(k.weight!.t()).view(2, 5, 3, 4).transpose(1, 2);
        using var vh = x.matmul(v.weight!.t()).view(2, 5, 3, 4).transpose(1, 2);
        using var weights = (qh.matmul(kh.transpose(-1, -2)) + bias).softmax(-1);
        using var expected = weights.matmul(vh).transpose(1, 2).reshape(2, 5, 12).matmul(o.weight!.t());
        Assert.True(allclose(expected, fused, rtol: 1e-4, atol: 1e-5));
        using var expectedLoss = (expected * expected).sum();
        expectedLoss.backward();
        Assert.True(allclose(bias.grad!, fusedGrad, rtol: 1e-3, atol: 1e-5));
    }
}

/// <summary>Elementwise float comparison with an absolute tolerance, for Assert.Equal on arrays.</summary>
sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
{
    public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));
    public int GetHashCode(float obj) => 0;
}
