using GenRec.Tiger;
using TorchSharp;
using static TorchSharp.torch;

namespace GenRec.Tests.Tiger;

public class TigerModelTests
{
    static TigerModel TinyModel(out SemanticIdTokenizer tokenizer, long seed = 7)
    {
        tokenizer = TinyTiger.Tokenizer();
        var model = new TigerModel(TinyTiger.Config(tokenizer.VocabularySize), seed);
        model.eval();
        return model;
    }

    [Fact]
    public void Forward_gives_logits_over_the_vocabulary_for_every_decoder_position()
    {
        using var model = TinyModel(out var tokenizer);
        var (source, mask) = TigerBatching.PadSources([tokenizer.EncodeHistory([1, 2, 3]), tokenizer.EncodeHistory([4])], CPU);
        using var decoderInput = TigerBatching.DecoderInput([tokenizer.EncodeItem(5), tokenizer.EncodeItem(6)], CPU);
        using var logits = model.forward(source, mask, decoderInput);
        Assert.Equal([2L, 3, tokenizer.VocabularySize], logits.shape);
        Assert.Equal([2L, 3 * 3 + 1], source.shape);
        Assert.Equal([SemanticIdTokenizer.Bos, .. tokenizer.EncodeItem(5)[..2]], TinyTiger.Values(decoderInput[0]).Select(v => (int)v));
    }

    [Fact]
    public void Causal_decoder_output_at_t_ignores_later_decoder_tokens()
    {
        using var model = TinyModel(out var tokenizer);
        var (source, mask) = TigerBatching.PadSources([tokenizer.EncodeHistory([3, 1])], CPU);
        using var a = tensor(new long[] { SemanticIdTokenizer.Bos, 3, 7, 9 }).reshape(1, 4);
        using var b = tensor(new long[] { SemanticIdTokenizer.Bos, 3, 12, 4 }).reshape(1, 4);   // differs from position 2 on
        using var la = model.forward(source, mask, a);
        using var lb = model.forward(source, mask, b);
        Assert.True(la.narrow(1, 0, 2).eq(lb.narrow(1, 0, 2)).all().item<bool>());            // positions 0, 1 unchanged
        Assert.False(allclose(la.narrow(1, 2, 1), lb.narrow(1, 2, 1)));                     // position 2 sees its own token
    }

    [Fact]
    public void Padding_neither_changes_a_sequence_nor_is_read()
    {
        using var model = TinyModel(out var tokenizer);
        var shortSource = tokenizer.EncodeHistory([2]);
        var longSource = tokenizer.EncodeHistory([1, 2, 3, 4, 5]);
        using var decoderInput = TigerBatching.DecoderInput([tokenizer.EncodeItem(7)], CPU);

        var (alone, aloneMask) = TigerBatching.PadSources([shortSource], CPU);
        var (batch, batchMask) = TigerBatching.PadSources([shortSource, longSource], CPU);
        using var aloneLogits = model.forward(alone, aloneMask, decoderInput);
        using var batchLogits = model.forward(batch, batchMask, TigerBatching.DecoderInput([tokenizer.EncodeItem(7), tokenizer.EncodeItem(7)], CPU));
        Assert.True(allclose(aloneLogits[0], batchLogits[0], rtol: 1e-5, atol: 1e-5));

        // garbage in the padded positions must not matter either
        using var garbage = batch.clone();
        garbage[0, TensorIndex.Slice(shortSource.Length)] = tensor(5L);
        using var garbageLogits = model.forward(garbage, batchMask, TigerBatching.DecoderInput([tokenizer.EncodeItem(7), tokenizer.EncodeItem(7)], CPU));
        Assert.True(allclose(batchLogits[0], garbageLogits[0], rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void Beam_folding_equals_repeating_the_encoder_output()
    {
        using var model = TinyModel(out var tokenizer);
        var (source, mask) = TigerBatching.PadSources([tokenizer.EncodeHistory([1, 2]), tokenizer.EncodeHistory([3, 4, 5, 6])], CPU);
        using var memory = model.Encode(source, mask);                                    // (2, S, D)
        // 3 decoder rows per source, rows of a source contiguous
        var targets = new[] { 1, 2, 3, 4, 5, 6 }.Select(tokenizer.EncodeItem).ToList();
        using var input = TigerBatching.DecoderInput(targets, CPU);                        // (6, 3)
        using var folded = model.Decode(input, memory, mask);
        using var repeatedMemory = memory.repeat_interleave(3, 0);                         // (6, S, D)
        using var repeatedMask = mask.repeat_interleave(3, 0);
        using var unfolded = model.Decode(input, repeatedMemory, repeatedMask);
        Assert.True(allclose(folded, unfolded, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void Parameter_counts_match_hand_computation()
    {
        // tiny: V = 3 + 3 + 4 + 3 = 13, D 16, 2 × 8 (inner 16), ff 32, 1 + 1 layers
        //   embedding 13·16 = 208; attention 4·16·16 = 1024; ff 2·16·32 = 1024; norm 16
        //   encoder layer 1024 + 1024 + 2·16 = 2080; decoder layer 2·1024 + 1024 + 3·16 = 3120
        //   relative biases 2 · 32·2 = 128; final norms 2·16 = 32 → 208 + 2080 + 3120 + 128 + 32 = 5568
        using var tiny = TinyModel(out _);
        Assert.Equal(5568, tiny.ParameterCount());

        // paper: V = 3 + 4·256 + 2000 users = 3027, D 128, 6 × 64 (inner 384), ff 1024, 4 + 4 layers
        //   embedding 3027·128 = 387,456; attention 4·128·384 = 196,608; ff 2·128·1024 = 262,144
        //   encoder layer 196,608 + 262,144 + 256 = 459,008; decoder layer 2·196,608 + 262,144 + 384 = 655,744
        //   total 387,456 + 4·459,008 + 4·655,744 + 2·32·6 + 2·128 = 4,847,104
        using var paper = new TigerModel(new TigerConfig(3027));
        Assert.Equal(4_847_104, paper.ParameterCount());
        var summary = paper.Summary();
        Assert.Contains("encoder.layers.0", summary);
        Assert.Contains("459,008", summary);
        Assert.Contains("655,744", summary);
        Assert.Contains("387,456", summary);
        Assert.Contains("4,847,104", summary);
    }

    [Fact]
    public void Same_seed_gives_the_same_weights()
    {
        using var a = TinyModel(out _, seed: 11);
        using var b = TinyModel(out _, seed: 11);
        using var c = TinyModel(out _, seed: 12);
        var pa = a.parameters().ToList();
        var pb = b.parameters().ToList();
        var pc = c.parameters().ToList();
        Assert.All(Enumerable.Range(0, pa.Count), i => Assert.True(pa[i].eq(pb[i]).all().item<bool>()));
        Assert.Contains(Enumerable.Range(0, pa.Count), i => !pa[i].eq(pc[i]).all().item<bool>());
    }

    [Fact]
    public void Prepared_decoding_and_next_token_logits_agree_with_the_full_decode()
    {
        using var model = TinyModel(out var tokenizer);
        var (source, mask) = TigerBatching.PadSources([tokenizer.EncodeHistory([1, 2]), tokenizer.EncodeHistory([3])], CPU);
        using var memory = model.Encode(source, mask);
        using var prepared = model.PrepareDecoding(source, mask);
        using var input = TigerBatching.DecoderInput([tokenizer.EncodeItem(4), tokenizer.EncodeItem(5)], CPU);   // (2, 3)
        using var full = model.Decode(input, memory, mask);                                                      // (2, 3, V)
        using var fullPrepared = model.Decode(input, prepared);                                                  // (2, 3, V)
        using var next = model.NextTokenLogits(input, prepared);                                                 // (2, V)
        Assert.True(allclose(full, fullPrepared, rtol: 1e-5, atol: 1e-6));
        Assert.True(allclose(full.select(1, 2), next, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Expand_turns_a_sequence_into_next_item_examples_with_capped_histories()
    {
        var examples = TigerExample.Expand(userId: 4, [10, 11, 12, 13], maxHistoryItems: 2).ToList();
        Assert.Equal(3, examples.Count);
        Assert.Equal([10], examples[0].History);      Assert.Equal(11, examples[0].Target);
        Assert.Equal([10, 11], examples[1].History);  Assert.Equal(12, examples[1].Target);
        Assert.Equal([11, 12], examples[2].History);  Assert.Equal(13, examples[2].Target);   // oldest item dropped
        Assert.All(examples, e => Assert.Equal(4, e.UserId));
        Assert.Empty(TigerExample.Expand(1, [7]));
    }
}
