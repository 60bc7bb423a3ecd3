// Random semantic IDs: the "Random ID" row of TIGER's ablation (Rajput et al., NeurIPS 2023, §4.3, Table 4 —
// Beauty R@5 / R@10 .0296 / .0434 with random IDs against .0454 / .0648 with RQ-VAE IDs). Every item gets L codes
// drawn uniformly from K values, independently per level and item, from a seeded generator; the usual
// de-duplication position (SemanticIds) then makes the IDs distinct. The codes carry no content, so whatever
// stage 2 learns from them it learns from co-occurrence alone — the control that shows what the content in a
// semantic ID is worth.
using GenRec.Tiger;

namespace GenRec.Quantization;

/// <summary>Options of <see cref="RandomIds"/>: TIGER's shape (3 levels of 256 codes) by default.</summary>
public sealed record RandomIdOptions(int Levels = 3, int CodebookSize = 256, long Seed = 0);

/// <summary>Seeded uniformly random semantic IDs.</summary>
public static class RandomIds
{
    /// <summary>
    /// IDs for <paramref name="itemIds"/>: item i's codes depend only on (seed, i), never on the row order or
    /// on the other items, so the same seed gives every item the same ID in any catalogue that holds it.
    /// </summary>
    public static SemanticIds Assign(int[] itemIds, RandomIdOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        var o = options ?? new RandomIdOptions();
        if (o.Levels < 1) throw new ArgumentOutOfRangeException(nameof(options), o.Levels, "Levels must be ≥ 1.");
        if (o.CodebookSize < 2) throw new ArgumentOutOfRangeException(nameof(options), o.CodebookSize, "CodebookSize must be ≥ 2.");
        var codes = new int[itemIds.Length, o.Levels];
        for (var row = 0; row < itemIds.Length; row++)
        {
            var random = new Random(SeedMixer.DeriveInt(o.Seed, stream: 23, itemIds[row]));
            for (var l = 0; l < o.Levels; l++) codes[row, l] = random.Next(o.CodebookSize);
        }
        return SemanticIds.FromCodes(itemIds, codes, o.CodebookSize);
    }
}
