// A hand-written four-item, three-user dataset in the prepared text format, written into a temp
// folder; tests replace one file's text to make each kind of bad input.
using GenRec.Tests.TestSupport;

namespace GenRec.Tests.Data;

/// <summary>Writes the tiny dataset's three files; pass replacement text to override one of them.</summary>
internal static class TinyPreparedDataset
{
    public const string Items =
        """
        {"item_id": 1, "asin": "A1", "title": "Red Lipstick", "brand": "Acme", "categories": [["Beauty", "Makeup", "Lips"]], "keywords": "red lipstick"}
        {"item_id": 2, "asin": "A2", "title": null, "brand": null, "categories": [], "keywords": null}
        {"item_id": 3, "asin": "A3", "title": "Nail \"Gloss\"", "brand": "Zed", "categories": [["Beauty", "Nails"], ["Gifts"]], "keywords": "nail gloss"}
        {"item_id": 4, "asin": "A4", "title": "Caf\u00e9 Soap", "brand": "Bubbles", "categories": [["Beauty", "Bath"]], "keywords": null}

        """;

    public const string Sequences =
        """
        1 1 2 3 4
        2 4 3 1
        3 2 1 4 3 2

        """;

    public const string Users = "user_id\treviewerID\n1\tR1\n2\tR2\n3\tR3\n";

    /// <summary>Writes the files into <paramref name="directory"/>/<paramref name="name"/> and returns that folder.</summary>
    public static string Write(TempDirectory directory, string? items = null, string? sequences = null, string? users = null, string name = "tiny")
    {
        directory.Write(Path.Combine(name, "items.jsonl"), items ?? Items);
        directory.Write(Path.Combine(name, "sequences.txt"), sequences ?? Sequences);
        directory.Write(Path.Combine(name, "users.tsv"), users ?? Users);
        return directory.Combine(name);
    }
}
