// The published TIGER figures a run is compared against: Table 2 of Rajput et al., "Recommender Systems with
// Generative Retrieval" (NeurIPS 2023), one row per Amazon 2014 dataset. A run shows the row of its own
// dataset (a Toys run next to Toys' row, never Beauty's); a dataset the paper did not evaluate has no row,
// because any other dataset's figures would be a meaningless yardstick.
using System.Text.Json.Serialization;

namespace GenRec.Runs;

/// <summary>TIGER's test metrics on one dataset as published, as metrics.json's "paper" object holds them.</summary>
/// <param name="Dataset">The dataset folder name ("beauty", "sports", "toys").</param>
/// <param name="Category">The Amazon category as the paper names it ("Beauty", "Sports and Outdoors", "Toys and Games").</param>
/// <param name="Recall5">Test Recall@5.</param>
/// <param name="Ndcg5">Test NDCG@5.</param>
/// <param name="Recall10">Test Recall@10.</param>
/// <param name="Ndcg10">Test NDCG@10.</param>
public sealed record PaperRow(
    string Dataset,
    string Category,
    [property: JsonPropertyName("recall@5")] double Recall5,
    [property: JsonPropertyName("ndcg@5")] double Ndcg5,
    [property: JsonPropertyName("recall@10")] double Recall10,
    [property: JsonPropertyName("ndcg@10")] double Ndcg10)
{
    /// <summary>Where the numbers are published.</summary>
    public string Source => TigerPaper.Source;

    /// <summary>How tables and the report name this row: "TIGER (paper, Toys and Games)".</summary>
    [JsonIgnore]
    public string Label => $"TIGER (paper, {Category})";

    /// <summary>The row as the report's metric type.</summary>
    public ReportedMetrics ToReported() => new(Recall5, Ndcg5, Recall10, Ndcg10, Users: null);
}

/// <summary>The paper's Table 2.</summary>
public static class TigerPaper
{
    /// <summary>Citation of the rows.</summary>
    public const string Source = "Rajput et al., NeurIPS 2023, Table 2";

    /// <summary>TIGER on the three Amazon 2014 datasets.</summary>
    public static IReadOnlyList<PaperRow> Table2 { get; } =
    [
        new("beauty", "Beauty", Recall5: 0.0454, Ndcg5: 0.0321, Recall10: 0.0648, Ndcg10: 0.0384),
        new("sports", "Sports and Outdoors", Recall5: 0.0264, Ndcg5: 0.0181, Recall10: 0.0400, Ndcg10: 0.0225),
        new("toys", "Toys and Games", Recall5: 0.0521, Ndcg5: 0.0371, Recall10: 0.0712, Ndcg10: 0.0432),
    ];

    /// <summary>The row of <paramref name="dataset"/> (case-insensitive folder name), or null when the paper has none.</summary>
    public static PaperRow? For(string? dataset) =>
        dataset is null ? null : Table2.FirstOrDefault(r => string.Equals(r.Dataset, dataset, StringComparison.OrdinalIgnoreCase));
}
