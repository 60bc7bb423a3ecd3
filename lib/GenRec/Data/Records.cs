// The typed records of a prepared Amazon 2014 dataset (see data/README.md for the on-disk format):
// items with their text fields, users with their Amazon reviewer id, and each user's chronological
// interaction sequence. Ids are 1-based, exactly as in the files (P5 / S3-Rec / TIGER numbering).
namespace GenRec.Data;

/// <summary>One catalogue item. Any text field may be missing (null); categories may be empty.</summary>
public sealed record Item(
    int Id,
    string Asin,
    string? Title,
    string? Brand,
    IReadOnlyList<IReadOnlyList<string>> Categories,
    string? Keywords);

/// <summary>One user: the 1-based id used in sequences.txt and the Amazon reviewer id.</summary>
public sealed record User(int Id, string ReviewerId);

/// <summary>A user's interactions in time order (item ids, oldest first).</summary>
public sealed record UserSequence(int UserId, int[] Items);
