// Tiny generated data for SASRec tests: "cycle" users walk a fixed permutation of the catalogue (the next
// item is a function of the current one), so a working sequential model can learn to predict it exactly.
using GenRec.Data;
using GenRec.SasRec;

namespace GenRec.Tests.SasRec;

static class TinySasRec
{
    /// <summary>d 16, 1 block, 2 heads, feed-forward 16, max length 6.</summary>
    public static SasRecConfig Config(int itemCount, double dropout = 0.0, int maxLength = 6) =>
        new(itemCount, HiddenSize: 16, Blocks: 1, Heads: 2, MaxLength: maxLength, Dropout: dropout, FeedForwardSize: 16);

    /// <summary>A random permutation cycle over 1..itemCount: next[i − 1] is the item after i.</summary>
    public static int[] Cycle(int itemCount, int seed)
    {
        var order = Enumerable.Range(1, itemCount).ToArray();
        new Random(seed).Shuffle(order);
        var next = new int[itemCount];
        for (var i = 0; i < itemCount; i++) next[order[i] - 1] = order[(i + 1) % itemCount];
        return next;
    }

    /// <summary>Users whose sequences (5..9 items) follow <paramref name="next"/> from a random start.</summary>
    public static List<UserSequence> CycleSequences(int users, int[] next, int seed)
    {
        var random = new Random(seed);
        var sequences = new List<UserSequence>();
        for (var u = 1; u <= users; u++)
        {
            var items = new int[random.Next(5, 10)];
            items[0] = random.Next(1, next.Length + 1);
            for (var t = 1; t < items.Length; t++) items[t] = next[items[t - 1] - 1];
            sequences.Add(new UserSequence(u, items));
        }
        return sequences;
    }

    /// <summary>An in-memory dataset over the sequences (items without text, users R1, R2, …).</summary>
    public static AmazonDataset Dataset(IReadOnlyList<UserSequence> sequences, int itemCount, string name = "cycles") => new(
        name,
        [.. Enumerable.Range(1, itemCount).Select(i => new Item(i, $"A{i}", null, null, [], null))],
        [.. sequences.Select(s => new User(s.UserId, $"R{s.UserId}"))],
        sequences);

    public static float[] Values(TorchSharp.torch.Tensor t) => t.to(TorchSharp.torch.ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
}
