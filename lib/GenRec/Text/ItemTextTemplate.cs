// Turns a catalogue item into the one sentence a text encoder sees. TIGER (Rajput et al., NeurIPS 2023,
// §4.1) builds item text from title, price, brand and category; the 2014 Amazon files we use have no price,
// so GenRec's text is "Title: …; Brand: …; Categories: …", plus keywords where a dataset lacks titles
// (Sports: see shared/data/amazon2014/README.md). The template's fingerprint enters embedding cache keys.
using System.Net;
using System.Text;
using GenRec.Data;

namespace GenRec.Text;

/// <summary>When the item's keyword string is appended to its text.</summary>
public enum KeywordsMode
{
    /// <summary>Never (TIGER's fields only).</summary>
    Never,
    /// <summary>Only for items without a title — the keywords are then the only description of the product.</summary>
    WhenTitleMissing,
    /// <summary>For every item that has keywords.</summary>
    Always,
}

/// <summary>Settings of <see cref="ItemTextTemplate"/>.</summary>
public sealed record ItemTextOptions
{
    /// <summary>Default <see cref="KeywordsMode.WhenTitleMissing"/>: Beauty and Toys (titles everywhere) get
    /// TIGER's fields; Sports (no titles) gets "Brand; Categories; Keywords" instead of two bare fields.</summary>
    public KeywordsMode Keywords { get; init; } = KeywordsMode.WhenTitleMissing;

    /// <summary>
    /// Category names dropped where they start a category path (e.g. "Beauty" for the Beauty catalogue).
    /// A root that every item shares tells items apart not at all, costs word pieces, and under mean pooling
    /// pulls every vector towards one common direction. <see cref="ItemTextTemplate.ForCatalogue"/> fills it.
    /// </summary>
    public IReadOnlyList<string> DroppedRootCategories { get; init; } = [];
}

/// <summary>
/// Renders <see cref="Item"/>s as "Title: …; Brand: …; Categories: a, b, c[; Keywords: …]". Missing or blank
/// fields are left out together with their label; HTML entities (e.g. "&amp;amp;") are decoded and runs of
/// white space collapsed. Categories are the distinct names over all of the item's paths, in path order,
/// comma-joined. An item with no usable field renders as the empty string.
/// </summary>
public sealed class ItemTextTemplate
{
    /// <summary>Bumped whenever the rendering rules change, so old caches stop matching.</summary>
    public const int Version = 1;

    private readonly HashSet<string> _droppedRoots;

    /// <summary>A template with the given options (defaults: keywords only when the title is missing, no dropped roots).</summary>
    public ItemTextTemplate(ItemTextOptions? options = null)
    {
        Options = options ?? new ItemTextOptions();
        _droppedRoots = new HashSet<string>(Options.DroppedRootCategories, StringComparer.Ordinal);
        var id = new StringBuilder("title-brand-categories");
        if (Options.Keywords == KeywordsMode.Always) id.Append("-keywords");
        if (Options.Keywords == KeywordsMode.WhenTitleMissing) id.Append("-keywordsifnotitle");
        if (_droppedRoots.Count > 0) id.Append("-noroot");
        id.Append("-v").Append(Version);
        Fingerprint = id.ToString();
    }

    /// <summary>
    /// The recommended template for a catalogue: <paramref name="options"/> (or the defaults) with
    /// <see cref="ItemTextOptions.DroppedRootCategories"/> set to the root categories that start a path in
    /// every item having categories (Beauty: "Beauty", Toys: "Toys &amp; Games", Sports: none — its paths
    /// were already cut below "Sports &amp; Outdoors").
    /// </summary>
    public static ItemTextTemplate ForCatalogue(IReadOnlyList<Item> items, ItemTextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new ItemTextTemplate((options ?? new ItemTextOptions()) with { DroppedRootCategories = CommonRootCategories(items) });
    }

    /// <summary>Root category names shared by every item that has at least one category path, sorted ordinally.</summary>
    public static IReadOnlyList<string> CommonRootCategories(IReadOnlyList<Item> items)
    {
        HashSet<string>? common = null;
        foreach (var item in items)
        {
            var roots = item.Categories.Where(p => p.Count > 0).Select(p => Clean(p[0])).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (roots.Count == 0) continue;
            if (common is null) common = roots; else common.IntersectWith(roots);
            if (common.Count == 0) break;
        }
        return common is null ? [] : common.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The settings in use.</summary>
    public ItemTextOptions Options { get; }

    /// <summary>
    /// Stable id of the rendering rules, e.g. "title-brand-categories-keywordsifnotitle-noroot-v1"; used in
    /// embedding cache keys (which also hash the rendered texts, so the exact dropped names need not appear).
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>The text of one item.</summary>
    public string Render(Item item) => string.Join("; ", Parts(item).Select(p => p.Label + ": " + p.Text));

    /// <summary>
    /// Which fields made it into the texts of <paramref name="items"/>: counts per field, so a dataset without
    /// titles (Sports) can say that its text is brand + categories + keywords.
    /// </summary>
    public ItemTextCoverage Coverage(IReadOnlyList<Item> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in items)
            foreach (var (label, _) in Parts(item))
                counts[label] = counts.GetValueOrDefault(label) + 1;
        return new ItemTextCoverage(items.Count, counts.GetValueOrDefault("Title"), counts.GetValueOrDefault("Brand"),
            counts.GetValueOrDefault("Categories"), counts.GetValueOrDefault("Keywords"));
    }

    /// <summary>The labelled fields of one item's text, in order; a missing or blank field is left out.</summary>
    private List<(string Label, string Text)> Parts(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var parts = new List<(string, string)>(4);
        string? title = Clean(item.Title);
        if (title is not null) parts.Add(("Title", title));
        string? brand = Clean(item.Brand);
        if (brand is not null) parts.Add(("Brand", brand));
        string categories = string.Join(", ", CategoryNames(item));
        if (categories.Length > 0) parts.Add(("Categories", categories));
        bool wantKeywords = Options.Keywords == KeywordsMode.Always
                            || (Options.Keywords == KeywordsMode.WhenTitleMissing && title is null);
        string? keywords = wantKeywords ? Clean(item.Keywords) : null;
        if (keywords is not null) parts.Add(("Keywords", keywords));
        return parts;
    }

    /// <summary>The texts of all items, in order.</summary>
    public string[] RenderAll(IReadOnlyList<Item> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var texts = new string[items.Count];
        for (int i = 0; i < texts.Length; i++) texts[i] = Render(items[i]);
        return texts;
    }

    /// <summary>Distinct category names over all paths, in order of first appearance, without dropped roots.</summary>
    private IEnumerable<string> CategoryNames(Item item)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in item.Categories)
        {
            for (int i = 0; i < path.Count; i++)
            {
                string? name = Clean(path[i]);
                if (name is null) continue;
                if (i == 0 && _droppedRoots.Contains(name)) continue;
                if (seen.Add(name)) yield return name;
            }
        }
    }

    /// <summary>Decoded, trimmed, single-spaced text, or null when nothing is left.</summary>
    private static string? Clean(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        string decoded = WebUtility.HtmlDecode(raw);
        var sb = new StringBuilder(decoded.Length);
        bool space = false;
        foreach (char c in decoded)
        {
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(c);
        }
        return sb.Length == 0 ? null : sb.ToString();
    }
}
