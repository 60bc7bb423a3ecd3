// How much of each field a catalogue's item texts carry. TIGER's item text leads with the title; Sports has
// no titles in any source we could obtain (shared/data/amazon2014/README.md, "Coverage of the item text"), so
// its text is brand + categories + keywords and its results are not quite the paper's setting. Results shown
// for such a dataset say so, from these counts rather than from the dataset's name.
using System.Globalization;
using System.Text.Json.Serialization;

namespace GenRec.Text;

/// <summary>Items whose rendered text holds each field (see <see cref="ItemTextTemplate.Coverage"/>).</summary>
public sealed record ItemTextCoverage(int Items, int WithTitle, int WithBrand, int WithCategories, int WithKeywords)
{
    /// <summary>The fields any item's text holds, in template order, e.g. "title + brand + categories".</summary>
    public string Fields => string.Join(" + ", new[] { ("title", WithTitle), ("brand", WithBrand), ("categories", WithCategories), ("keywords", WithKeywords) }
        .Where(f => f.Item2 > 0).Select(f => f.Item1).DefaultIfEmpty("nothing"));

    /// <summary>
    /// A sentence to show beside results when items lack titles (null when every item has one): the paper's
    /// item text starts with the title, so such results come from other text than the paper's.
    /// </summary>
    [JsonIgnore]
    public string? Caveat =>
        WithTitle == Items ? null
        : WithTitle == 0 ? $"Item text is {Fields}: this dataset has no titles (the paper's item text starts with the title)."
        : string.Create(CultureInfo.InvariantCulture, $"{Items - WithTitle:N0} of {Items:N0} items have no title: their text is only their brand, categories and keywords.");
}
