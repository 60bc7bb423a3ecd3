// Parquet cache: a round trip gives back exactly the loaded dataset; a changed source file or a
// damaged cache makes the next load rebuild from text. Also prints load times for beauty (no assertion).
using System.Diagnostics;
using GenRec.Data;
using GenRec.Tests.TestSupport;
using Xunit.Abstractions;

namespace GenRec.Tests.Data;

public class ParquetCacheTests(ITestOutputHelper output)
{
    [Fact]
    public async Task LoadAsync_SecondLoad_ComesFromParquetAndEqualsText()
    {
        using var temp = new TempDirectory();
        var folder = TinyPreparedDataset.Write(temp);
        var cache = temp.Combine("cache", "tiny");

        var first = await ParquetCache.LoadAsync(folder, cache);
        var second = await ParquetCache.LoadAsync(folder, cache);

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Null(second.Note);
        Assert.Equal(first.SourceKey, second.SourceKey);
        Assert.True(File.Exists(Path.Combine(cache, ParquetCache.ItemsFile)));
        Assert.True(File.Exists(Path.Combine(cache, ParquetCache.InteractionsFile)));
        Assert.True(File.Exists(Path.Combine(cache, ParquetCache.UsersFile)));
        Assert.Empty(Directory.GetFiles(cache, "*.tmp"));
        DatasetAssert.Same(AmazonDataset.Load(folder), second.Dataset);
        Assert.Null(second.Dataset.GetItem(2).Title);             // null stays null, not ""
        Assert.Equal("Café Soap", second.Dataset.GetItem(4).Title);
    }

    [Fact]
    public void LoadCached_Synchronous_EqualsText()
    {
        using var temp = new TempDirectory();
        var folder = TinyPreparedDataset.Write(temp);
        AmazonDataset.LoadCached(folder, temp.Combine("cache"));
        DatasetAssert.Same(AmazonDataset.Load(folder), AmazonDataset.LoadCached(folder, temp.Combine("cache")));
    }

    [Fact]
    public async Task LoadAsync_SourceChanged_RebuildsCache()
    {
        using var temp = new TempDirectory();
        var folder = TinyPreparedDataset.Write(temp);
        var cache = temp.Combine("cache");
        var before = await ParquetCache.LoadAsync(folder, cache);

        // Same length, different content: a size-only key would miss this edit.
        File.WriteAllText(Path.Combine(folder, "sequences.txt"), TinyPreparedDataset.Sequences.Replace("2 4 3 1", "2 1 3 4"));
        var after = await ParquetCache.LoadAsync(folder, cache);
        var again = await ParquetCache.LoadAsync(folder, cache);

        Assert.NotEqual(before.SourceKey, after.SourceKey);
        Assert.False(after.FromCache);
        Assert.Equal([1, 3, 4], after.Dataset.Sequences[1].Items);
        Assert.True(again.FromCache);
        Assert.Equal([1, 3, 4], again.Dataset.Sequences[1].Items);
    }

    [Fact]
    public async Task LoadAsync_DamagedCacheFile_IsRebuiltWithANote()
    {
        using var temp = new TempDirectory();
        var folder = TinyPreparedDataset.Write(temp);
        var cache = temp.Combine("cache");
        await ParquetCache.LoadAsync(folder, cache);
        File.WriteAllText(Path.Combine(cache, ParquetCache.InteractionsFile), "not parquet");

        var result = await ParquetCache.LoadAsync(folder, cache);

        Assert.False(result.FromCache);
        Assert.StartsWith("cache unreadable", result.Note);
        DatasetAssert.Same(AmazonDataset.Load(folder), result.Dataset);
        Assert.True((await ParquetCache.LoadAsync(folder, cache)).FromCache);
    }

    [Fact]
    public async Task LoadAsync_CacheFromOtherSource_IsNotUsed()
    {
        // Two different datasets sharing one cache folder: the key keeps them apart.
        using var temp = new TempDirectory();
        var one = TinyPreparedDataset.Write(temp, name: "one");
        var two = TinyPreparedDataset.Write(temp, name: "two", users: "user_id\treviewerID\n1\tX1\n2\tX2\n3\tX3\n");
        var cache = temp.Combine("cache");
        await ParquetCache.LoadAsync(one, cache);

        var result = await ParquetCache.LoadAsync(two, cache);

        Assert.False(result.FromCache);
        Assert.Equal("X1", result.Dataset.Users[0].ReviewerId);
    }

    [Fact]
    public void DefaultDirectory_IsUnderRepositoryArtifacts()
    {
        var repo = DataLocator.FindRepositoryRoot()!;
        Assert.Equal(Path.Combine(repo, "artifacts", "cache", "beauty"), ParquetCache.DefaultDirectory("beauty"));
    }

    [Fact]
    public async Task RealBeauty_TextVersusParquet_PrintsTimings()
    {
        var root = RealData.Root();
        if (root is null) { output.WriteLine("SKIPPED: no real data."); return; }
        using var temp = new TempDirectory();
        var folder = DataLocator.DatasetDirectory(root, "beauty");
        var cache = temp.Combine("beauty");

        // Cold numbers include JIT compilation; warm numbers are the best of three further runs (the build
        // machine is shared, so the minimum is the least disturbed figure).
        var (hashCold, hashWarm, key) = await Time(() => Task.FromResult(ParquetCache.SourceKey(folder)));
        var (textCold, textWarm, text) = await Time(() => Task.FromResult(AmazonDataset.Load(folder)));
        var (writeCold, writeWarm, _) = await Time(async () => { await ParquetCache.WriteAsync(text, cache, key); return 0; });
        var (readCold, readWarm, fromParquet) = await Time(() => ParquetCache.TryReadAsync(cache, key));

        Assert.NotNull(fromParquet);
        DatasetAssert.Same(text, fromParquet);
        var cacheBytes = Directory.GetFiles(cache).Sum(f => new FileInfo(f).Length);
        output.WriteLine($"beauty (cold / warm ms): SHA-256 of sources {hashCold:F0} / {hashWarm:F0}; load text {textCold:F0} / {textWarm:F0}; " +
                         $"write Parquet {writeCold:F0} / {writeWarm:F0}; read Parquet {readCold:F0} / {readWarm:F0}; cache {cacheBytes / 1024} KiB");
    }

    private static async Task<(double ColdMs, double WarmMs, T Result)> Time<T>(Func<Task<T>> action)
    {
        var clock = Stopwatch.StartNew();
        var result = await action();
        var cold = clock.Elapsed.TotalMilliseconds;
        var warm = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            clock.Restart();
            await action();
            warm.Add(clock.Elapsed.TotalMilliseconds);
        }
        return (cold, warm.Min(), result);
    }
}
