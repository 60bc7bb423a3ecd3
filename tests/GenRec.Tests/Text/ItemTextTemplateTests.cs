// Tests of ItemTextTemplate against hand-written expected texts (field order, skipping, categories,
// dropped roots, keywords rule, fingerprints).
using GenRec.Data;
using GenRec.Text;

namespace GenRec.Tests.Text;

public class ItemTextTemplateTests
{
    private static Item MakeItem(int id, string? title, string? brand, string? keywords, params string[][] paths) =>
        new(id, $"ASIN{id}", title, brand, paths.Select(p => (IReadOnlyList<string>)p).ToArray(), keywords);

    private static readonly Item Lacquer = MakeItem(1, "OPI Nail Lacquer, Simmer and Shimmer", "OPI", "nail lacquer simmer",
        ["Beauty", "Makeup", "Nails", "Nail Polish"]);

    [Fact]
    public void Render_AllFields_GivesTitleBrandCategoriesWithoutKeywords()
    {
        var text = new ItemTextTemplate().Render(Lacquer);
        Assert.Equal("Title: OPI Nail Lacquer, Simmer and Shimmer; Brand: OPI; Categories: Beauty, Makeup, Nails, Nail Polish", text);
    }

    [Fact]
    public void Render_MissingAndBlankFields_AreLeftOutWithTheirLabels()
    {
        var item = MakeItem(2, "Rose Water Toner", "   ", null, ["Beauty", "Skin Care"]);
        Assert.Equal("Title: Rose Water Toner; Categories: Beauty, Skin Care", new ItemTextTemplate().Render(item));
        var noCategories = MakeItem(3, "Comb", null, "comb");
        Assert.Equal("Title: Comb", new ItemTextTemplate().Render(noCategories));
    }

    [Fact]
    public void Render_SeveralPaths_GiveDistinctNamesInFirstSeenOrder()
    {
        var item = MakeItem(4, "Tote", "Acme", null,
            ["Beauty", "Tools & Accessories", "Bags & Cases"],
            ["Clothing, Shoes & Jewelry", "Women", "Handbags"],
            ["Beauty", "Tools & Accessories", "Makeup Bags"]);
        Assert.Equal(
            "Title: Tote; Brand: Acme; Categories: Beauty, Tools & Accessories, Bags & Cases, Clothing, Shoes & Jewelry, Women, Handbags, Makeup Bags",
            new ItemTextTemplate().Render(item));
    }

    [Fact]
    public void ForCatalogue_DropsTheRootEveryItemShares_OnlyAtPathStarts()
    {
        var tote = MakeItem(4, "Tote", null, null, ["Beauty", "Bags"], ["Clothing, Shoes & Jewelry", "Beauty"]);
        var template = ItemTextTemplate.ForCatalogue([Lacquer, tote]);
        Assert.Equal(["Beauty"], template.Options.DroppedRootCategories);
        Assert.Equal("Title: OPI Nail Lacquer, Simmer and Shimmer; Brand: OPI; Categories: Makeup, Nails, Nail Polish", template.Render(Lacquer));
        // "Clothing, Shoes & Jewelry" is not shared by all items, so it stays; "Beauty" inside a path stays too.
        Assert.Equal("Title: Tote; Categories: Bags, Clothing, Shoes & Jewelry, Beauty", template.Render(tote));
    }

    [Fact]
    public void ForCatalogue_NoSharedRoot_DropsNothing_AndItemsWithoutCategoriesDoNotCount()
    {
        var gun = MakeItem(1, null, "Ghost", "armorers tool punch", ["Hunting & Fishing", "Hunting", "Gunsmithing Tools"]);
        var bike = MakeItem(2, null, null, "bike bell", ["Cycling", "Accessories", "Bells"]);
        var bare = MakeItem(3, null, "Nobody", "thing");
        Assert.Empty(ItemTextTemplate.ForCatalogue([gun, bike, bare]).Options.DroppedRootCategories);
        Assert.Equal(["Cycling"], ItemTextTemplate.CommonRootCategories([bike, bare]));
    }

    [Fact]
    public void Render_NoTitle_AddsKeywordsByDefault_LikeSports()
    {
        var gun = MakeItem(1, null, "Ghost", "ghost armorers tool 332 punch", ["Hunting & Fishing", "Hunting", "Gun Maintenance"]);
        Assert.Equal("Brand: Ghost; Categories: Hunting & Fishing, Hunting, Gun Maintenance; Keywords: ghost armorers tool 332 punch",
            new ItemTextTemplate().Render(gun));
        var never = new ItemTextTemplate(new ItemTextOptions { Keywords = KeywordsMode.Never });
        Assert.Equal("Brand: Ghost; Categories: Hunting & Fishing, Hunting, Gun Maintenance", never.Render(gun));
    }

    [Fact]
    public void Render_KeywordsAlways_AppendsThemEvenWithATitle()
    {
        var always = new ItemTextTemplate(new ItemTextOptions { Keywords = KeywordsMode.Always });
        Assert.Equal("Title: OPI Nail Lacquer, Simmer and Shimmer; Brand: OPI; Categories: Beauty, Makeup, Nails, Nail Polish; Keywords: nail lacquer simmer",
            always.Render(Lacquer));
    }

    [Fact]
    public void Render_DecodesHtmlEntities_AndCollapsesWhiteSpace()
    {
        var item = MakeItem(5, "  Salt &amp; Pepper\t Scrub\n", "Dr. Bronner&#39;s", null, ["Beauty", " Bath  &amp; Body "]);
        Assert.Equal("Title: Salt & Pepper Scrub; Brand: Dr. Bronner's; Categories: Beauty, Bath & Body", new ItemTextTemplate().Render(item));
    }

    [Fact]
    public void Render_NothingUsable_GivesEmptyString()
    {
        Assert.Equal("", new ItemTextTemplate().Render(MakeItem(6, null, "", null)));
    }

    [Fact]
    public void Fingerprint_NamesTheRules()
    {
        Assert.Equal("title-brand-categories-keywordsifnotitle-v1", new ItemTextTemplate().Fingerprint);
        Assert.Equal("title-brand-categories-v1", new ItemTextTemplate(new ItemTextOptions { Keywords = KeywordsMode.Never }).Fingerprint);
        Assert.Equal("title-brand-categories-keywords-noroot-v1",
            new ItemTextTemplate(new ItemTextOptions { Keywords = KeywordsMode.Always, DroppedRootCategories = ["Beauty"] }).Fingerprint);
        Assert.Equal("title-brand-categories-keywordsifnotitle-noroot-v1", ItemTextTemplate.ForCatalogue([Lacquer]).Fingerprint);
    }

    [Fact]
    public void RenderAll_KeepsItemOrder()
    {
        var comb = MakeItem(3, "Comb", null, null);
        Assert.Equal(["Title: Comb", "Title: OPI Nail Lacquer, Simmer and Shimmer; Brand: OPI; Categories: Beauty, Makeup, Nails, Nail Polish"],
            new ItemTextTemplate().RenderAll([comb, Lacquer]));
    }

    [Fact]
    public void Coverage_CountsTheFieldsTheTextsHold_AndNamesMissingTitles()
    {
        // Sports-like: no titles, so keywords join brand and categories (blank brand counts as missing).
        var sports = new[]
        {
            MakeItem(1, null, "Coleman", "tent camping", ["Sports & Outdoors", "Camping"]),
            MakeItem(2, null, "  ", "bottle", ["Sports & Outdoors", "Hydration"]),
        };
        var coverage = new ItemTextTemplate().Coverage(sports);
        Assert.Equal(new ItemTextCoverage(Items: 2, WithTitle: 0, WithBrand: 1, WithCategories: 2, WithKeywords: 2), coverage);
        Assert.Equal("brand + categories + keywords", coverage.Fields);
        Assert.Equal("Item text is brand + categories + keywords: this dataset has no titles (the paper's item text starts with the title).", coverage.Caveat);

        // Every item titled: keywords stay out (the default rule) and there is nothing to caveat.
        var titled = new ItemTextTemplate().Coverage([Lacquer, MakeItem(2, "Comb", null, "comb")]);
        Assert.Equal("title + brand + categories", titled.Fields);
        Assert.Null(titled.Caveat);

        // Some items untitled: how many.
        var mixed = new ItemTextTemplate().Coverage([Lacquer, sports[0]]);
        Assert.Equal("1 of 2 items have no title: their text is only their brand, categories and keywords.", mixed.Caveat);
    }
}
