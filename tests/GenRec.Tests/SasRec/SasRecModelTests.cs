using GenRec.SasRec;
using GenRec.Tiger;
using static TorchSharp.torch;

namespace GenRec.Tests.SasRec;

public class SasRecModelTests
{
    [Fact]
    public void Shapes_of_hidden_states_and_scores()
    {
        using var model = new SasRecModel(TinySasRec.Config(itemCount: 10), seed: 1);
        model.eval();
        using var items = tensor(new long[] { 0, 0, 3, 4, 5, 1, 2, 3, 4, 5 }, [2, 5]);
        using var hidden = model.forward(items);
        Assert.Equal([2L, 5, 16], hidden.shape);
        using var all = model.Scores(hidden);
        Assert.Equal([2L, 5, 10], all.shape);
        using var next = model.ScoreNext(items);
        Assert.Equal([2L, 10], next.shape);
        Assert.Equal(TinySasRec.Values(all.select(1, 4)), TinySasRec.Values(next));
    }

    [Fact]
    public void Parameter_count_matches_the_hand_count()
    {
        using var model = new SasRecModel(TinySasRec.Config(itemCount: 10), seed: 1);
        // items 11·16 + positions 6·16 + 2 LayerNorms 2·2·16 + q,k,v,o 4·(16·16 + 16) + FFN 2·(16·16 + 16) + final LN 2·16
        Assert.Equal(176 + 96 + 64 + 1088 + 544 + 32, model.ParameterCount());
    }

    [Fact]
    public void Scores_are_dot_products_with_the_item_table_without_the_padding_row()
    {
        using var model = new SasRecModel(TinySasRec.Config(itemCount: 10), seed: 2);
        using var hidden = randn(3, 16, generator: new Generator(5));
        var table = model.state_dict()["itemEmbedding.weight"];                         // (11, 16)
        using var expected = hidden.matmul(table[TensorIndex.Slice(1, 11)].t());       // (3, 10)
        using var scores = model.Scores(hidden);
        Assert.Equal(TinySasRec.Values(expected), TinySasRec.Values(scores));
    }

    [Fact]
    public void Position_t_does_not_see_later_items()
    {
        using var model = new SasRecModel(TinySasRec.Config(itemCount: 10, dropout: 0.3), seed: 3);
        model.eval();
        using var a = tensor(new long[] { 1, 2, 3, 4, 5, 6 }, [1, 6]);
        using var b = tensor(new long[] { 1, 2, 3, 9, 8, 7 }, [1, 6]);                  // positions 3.. changed
        using var ha = model.forward(a);
        using var hb = model.forward(b);
        var (va, vb) = (TinySasRec.Values(ha), TinySasRec.Values(hb));
        Assert.Equal(va[..(3 * 16)], vb[..(3 * 16)]);                                     // positions 0..2 identical
        Assert.NotEqual(va[(3 * 16)..(4 * 16)], vb[(3 * 16)..(4 * 16)]);                  // position 3 did change
    }

    [Fact]
    public void Padding_does_not_change_the_prediction()
    {
        using var model = new SasRecModel(TinySasRec.Config(itemCount: 10), seed: 4);
        model.eval();
        using var shortBatch = tensor(new long[] { 7, 2, 9 }, [1, 3]);
        using var padded = tensor(new long[] { 0, 0, 0, 7, 2, 9 }, [1, 6]);
        var expected = TinySasRec.Values(model.ScoreNext(shortBatch));
        var actual = TinySasRec.Values(model.ScoreNext(padded));
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void Attention_bias_hides_future_and_padding_keys_but_never_a_whole_row()
    {
        using var real = tensor(new[] { false, true, true }, [1, 3]);
        using var bias = SasRecModel.AttentionBias(real);
        Assert.Equal([1L, 1, 3, 3], bias.shape);
        const float H = AttentionMasks.Hidden;
        Assert.Equal([0, H, H,      // padding query sees itself only
                      H, 0, H,      // first real item: itself
                      H, 0, 0], TinySasRec.Values(bias));
    }

    [Fact]
    public void Same_seed_same_weights_and_invalid_config_names_the_field()
    {
        using var a = new SasRecModel(TinySasRec.Config(10), seed: 7);
        using var b = new SasRecModel(TinySasRec.Config(10), seed: 7);
        Assert.Equal(a.parameters().SelectMany(TinySasRec.Values), b.parameters().SelectMany(TinySasRec.Values));
        var error = Assert.Throws<ArgumentException>(() => new SasRecModel(TinySasRec.Config(10) with { Heads = 3 }));
        Assert.Contains("Heads", error.Message);
        Assert.Throws<ArgumentException>(() => new SasRecModel(new SasRecConfig()));        // ItemCount not set
    }
}
