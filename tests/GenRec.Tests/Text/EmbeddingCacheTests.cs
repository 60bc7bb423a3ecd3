// Tests of EmbeddingCache: round trip, hits, key changes, atomic writes and recovery from bad files,
// using a fast deterministic fake embedder of width 5.
using GenRec.Data;
using GenRec.Text;

namespace GenRec.Tests.Text;

public class EmbeddingCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("genrec-cache-").FullName;
    private readonly List<string> _warnings = [];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Item MakeItem(int id, string title) => new(id, $"A{id}", title, "Brand", [["Root", "Leaf"]], "kw");

    private static List<Item> Catalogue() => [MakeItem(1, "Red lipstick"), MakeItem(2, "Blue nail polish"), MakeItem(3, "Hair dryer")];

    private EmbeddingCacheResult Get(IReadOnlyList<Item> items, ITextEmbedder embedder, ItemTextTemplate? template = null, IProgress<int>? progress = null) =>
        EmbeddingCache.GetOrCompute("beauty", items, template ?? new ItemTextTemplate(), embedder, _dir, progress, warn: _warnings.Add);

    [Fact]
    public void FirstCallComputes_SecondCallHitsAndReturnsTheSameVectors()
    {
        var fake = new FakeEmbedder();
        var items = Catalogue();
        var first = Get(items, fake);
        var second = Get(items, fake);

        Assert.False(first.CacheHit);
        Assert.True(second.CacheHit);
        Assert.Equal(1, fake.Calls);
        Assert.Equal(first.Embeddings.Vectors, second.Embeddings.Vectors);
        Assert.Equal([1, 2, 3], second.Embeddings.ItemIds);
        Assert.Equal(5, second.Embeddings.Dimension);
        // Independent check: the cached rows are the fake's vectors of the rendered texts.
        var expected = new FakeEmbedder().Embed(new ItemTextTemplate().RenderAll(items));
        Assert.Equal(expected, second.Embeddings.Vectors);
        Assert.Empty(_warnings);
    }

    [Fact]
    public void FileName_FollowsTheDocumentedPattern_AndIsAValidNpy()
    {
        var result = Get(Catalogue(), new FakeEmbedder());
        string name = Path.GetFileName(result.FilePath);
        Assert.Equal(Path.Combine(_dir, "embeddings"), Path.GetDirectoryName(result.FilePath));
        Assert.Matches(@"^beauty-fake-5-title-brand-categories-keywordsifnotitle-v1-[0-9a-f]{8}\.npy$", name);
        var (data, rows, cols) = NpyFile.Read(result.FilePath);
        Assert.Equal((3, 5), (rows, cols));
        Assert.Equal(result.Embeddings.Vectors, data);
        // the file and its SHA-256, no temporary file left behind
        Assert.Equal(new[] { Path.GetFileName(result.FilePath), Path.GetFileName(EmbeddingCache.HashFileFor(result.FilePath)) },
            Directory.GetFiles(Path.Combine(_dir, "embeddings")).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Key_ChangesWithText_Template_Model_AndDataset()
    {
        var items = Catalogue();
        var fake = new FakeEmbedder();
        var template = new ItemTextTemplate();
        string baseline = EmbeddingCache.FileFor("beauty", items, template, fake, _dir);

        var edited = Catalogue();
        edited[1] = edited[1] with { Title = "Blue nail polish 2" };
        Assert.NotEqual(baseline, EmbeddingCache.FileFor("beauty", edited, template, fake, _dir));
        var renumbered = Catalogue();
        renumbered[2] = renumbered[2] with { Id = 4 };
        Assert.NotEqual(baseline, EmbeddingCache.FileFor("beauty", renumbered, template, fake, _dir));
        var otherTemplate = new ItemTextTemplate(new ItemTextOptions { Keywords = KeywordsMode.Always });
        Assert.NotEqual(baseline, EmbeddingCache.FileFor("beauty", items, otherTemplate, fake, _dir));
        Assert.NotEqual(baseline, EmbeddingCache.FileFor("beauty", items, template, new FakeEmbedder(modelId: "other"), _dir));
        Assert.NotEqual(baseline, EmbeddingCache.FileFor("toys", items, template, fake, _dir));
        Assert.Equal(baseline, EmbeddingCache.FileFor("beauty", Catalogue(), new ItemTextTemplate(), new FakeEmbedder(), _dir));
    }

    [Fact]
    public void EditedText_IsRecomputedNotServedFromTheOldFile()
    {
        var fake = new FakeEmbedder();
        Get(Catalogue(), fake);
        var edited = Catalogue();
        edited[0] = edited[0] with { Title = "Dark red lipstick" };
        var result = Get(edited, fake);
        Assert.False(result.CacheHit);
        Assert.Equal(2, fake.Calls);
    }

    [Fact]
    public void WiderEmbedder_Works_NothingAssumes384()
    {
        var wide = new FakeEmbedder(768);
        var result = Get(Catalogue(), wide);
        Assert.Equal(768, result.Embeddings.Dimension);
        Assert.Equal(3 * 768, result.Embeddings.Vectors.Length);
        Assert.True(Get(Catalogue(), wide).CacheHit);
    }

    [Fact]
    public void TruncatedFile_IsRecomputedWithAWarning()
    {
        var fake = new FakeEmbedder();
        var first = Get(Catalogue(), fake);
        using (var f = new FileStream(first.FilePath, FileMode.Open)) f.SetLength(f.Length - 7);

        var again = Get(Catalogue(), fake);
        Assert.False(again.CacheHit);
        Assert.Equal(2, fake.Calls);
        Assert.Contains("found", again.Warning);
        Assert.Single(_warnings);
        Assert.Contains(first.FilePath, _warnings[0]);
        Assert.True(Get(Catalogue(), fake).CacheHit); // the rewritten file is good again
    }

    [Fact]
    public void GarbledRows_AreDetectedByTheUnitNormCheck()
    {
        var fake = new FakeEmbedder();
        var first = Get(Catalogue(), fake);
        byte[] bytes = File.ReadAllBytes(first.FilePath);
        bytes[^1] = 0x7F; // sign+exponent byte of the last value → huge, infinite or NaN
        File.WriteAllBytes(first.FilePath, bytes);

        var again = Get(Catalogue(), fake);
        Assert.False(again.CacheHit);
        Assert.Contains("row 2 has L2 norm", again.Warning);
        Assert.Equal(first.Embeddings.Vectors, again.Embeddings.Vectors);
    }

    [Fact]
    public void GarbageFile_IsRecomputedWithAWarning()
    {
        var fake = new FakeEmbedder();
        string path = EmbeddingCache.FileFor("beauty", Catalogue(), new ItemTextTemplate(), fake, _dir);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "not a matrix");
        var result = Get(Catalogue(), fake);
        Assert.False(result.CacheHit);
        Assert.Contains("magic", result.Warning);
    }

    [Fact]
    public void Progress_ReportsItemsDone_OnAMiss()
    {
        var seen = new List<int>();
        Get(Catalogue(), new FakeEmbedder(), progress: new SyncProgress(seen.Add));
        Assert.Equal([1, 2, 3], seen);
    }

    [Fact]
    public void EmbedderBreakingTheUnitContract_Throws_AndNothingIsCached()
    {
        var broken = new ScalingEmbedder(new FakeEmbedder(), 2f);
        var e = Assert.Throws<InvalidOperationException>(() => Get(Catalogue(), broken));
        Assert.Contains("unit-length", e.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "embeddings")) && Directory.EnumerateFiles(Path.Combine(_dir, "embeddings")).Any());
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    private sealed class ScalingEmbedder(ITextEmbedder inner, float factor) : ITextEmbedder
    {
        public string ModelId => "scaled-" + inner.ModelId;
        public int Dimension => inner.Dimension;
        public float[] Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken ct = default) =>
            inner.Embed(texts, progress, ct).Select(v => v * factor).ToArray();
    }
}
