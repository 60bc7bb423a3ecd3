using GenRec.Tiger;

namespace GenRec.Tests.Tiger;

/// <summary>Tiny generated catalogues and models for fast tests.</summary>
static class TinyTiger
{
    /// <summary>Items 1..itemCount (index 0 empty) with distinct random codes drawn from the given codebooks.</summary>
    public static int[]?[] RandomSemanticIds(int itemCount, int[] codebookSizes, int seed)
    {
        var random = new Random(seed);
        var seen = new HashSet<string>();
        var ids = new int[]?[itemCount + 1];
        for (var item = 1; item <= itemCount; item++)
        {
            int[] codes;
            do codes = [.. codebookSizes.Select(size => random.Next(size))];
            while (!seen.Add(string.Join(",", codes)));
            ids[item] = codes;
        }
        return ids;
    }

    public static SemanticIdTokenizer Tokenizer(int itemCount = 20, int[]? codebookSizes = null, int seed = 1, int userBuckets = 0) =>
        new(RandomSemanticIds(itemCount, codebookSizes ?? [3, 4, 3], seed), codebookSizes ?? [3, 4, 3], userBuckets);

    /// <summary>d_model 16, 2 heads × 8, d_ff 32, 1 + 1 layers.</summary>
    public static TigerConfig Config(int vocabularySize, double dropout = 0.0) =>
        new(vocabularySize, DModel: 16, NumHeads: 2, DKv: 8, DFf: 32, EncoderLayers: 1, DecoderLayers: 1, Dropout: dropout);

    /// <summary>Random histories of 1..maxLength items over 1..itemCount.</summary>
    public static List<int[]> RandomHistories(int count, int itemCount, int maxLength, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, random.Next(1, maxLength + 1)).Select(_ => random.Next(1, itemCount + 1)).ToArray())];
    }

    public static float[] Values(TorchSharp.torch.Tensor t) => t.to(TorchSharp.torch.ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
}
