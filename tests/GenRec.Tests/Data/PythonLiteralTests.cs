// The Python-literal parser used for the raw Amazon meta files, checked against the values Python's
// ast.literal_eval gives for the same text (written out by hand here).
using GenRec.Data;

namespace GenRec.Tests.Data;

public class PythonLiteralTests
{
    [Fact]
    public void Parse_AmazonMetaStyleRecord_GivesNestedValues()
    {
        const string line =
            "{'asin': '0205616461', 'title': \"L'Oreal Lip Colour\", 'price': 7.99, 'imUrl': 'http://x/y.jpg', " +
            "'related': {'also_bought': ['B001', 'B002'], 'bought_together': ['B003']}, " +
            "'salesRank': {'Beauty': 10486}, 'categories': [['Beauty', 'Makeup', 'Lips'], ['Gifts']], 'brand': None}";

        var record = Assert.IsType<Dictionary<object, object?>>(PythonLiteral.Parse(line));

        Assert.Equal("0205616461", record["asin"]);
        Assert.Equal("L'Oreal Lip Colour", record["title"]);
        Assert.Equal(7.99, record["price"]);
        Assert.Null(record["brand"]);
        var related = Assert.IsType<Dictionary<object, object?>>(record["related"]);
        Assert.Equal(new List<object?> { "B001", "B002" }, related["also_bought"]);
        Assert.Equal(10486L, Assert.IsType<Dictionary<object, object?>>(record["salesRank"])["Beauty"]);
        var categories = Assert.IsType<List<object?>>(record["categories"]);
        Assert.Equal(new List<object?> { "Beauty", "Makeup", "Lips" }, categories[0]);
        Assert.Equal(new List<object?> { "Gifts" }, categories[1]);
    }

    [Theory]
    [InlineData(@"'it\'s'", "it's")]
    [InlineData(@"""say \""hi\""""", "say \"hi\"")]
    [InlineData(@"'back\\slash'", @"back\slash")]
    [InlineData(@"'a\nb\tc\rd'", "a\nb\tc\rd")]
    [InlineData(@"'caf\xe9'", "café")]
    [InlineData(@"'cr\u00e8me'", "crème")]
    [InlineData(@"'\U0001F600'", "\U0001F600")]
    [InlineData(@"'\101\0'", "A\0")]
    [InlineData(@"'keep \d'", @"keep \d")]
    [InlineData(@"u'unicode'", "unicode")]
    [InlineData(@"r'raw \n'", @"raw \n")]
    [InlineData(@"'''tri'ple'''", "tri'ple")]
    [InlineData(@"""""", "")]
    [InlineData("'line\\\ncontinued'", "linecontinued")]
    public void Parse_Strings_HandleQuotesAndEscapes(string literal, string expected)
    {
        Assert.Equal(expected, PythonLiteral.Parse(literal));
    }

    [Fact]
    public void Parse_Scalars()
    {
        Assert.Equal(42L, PythonLiteral.Parse("42"));
        Assert.Equal(-7L, PythonLiteral.Parse(" -7 "));
        Assert.Equal(12L, PythonLiteral.Parse("12L"));
        Assert.Equal(-300.0, PythonLiteral.Parse("-3e2"));
        Assert.Equal(0.5, PythonLiteral.Parse(".5"));
        Assert.Equal(1.25e-3, PythonLiteral.Parse("1.25E-3"));
        Assert.Equal(true, PythonLiteral.Parse("True"));
        Assert.Equal(false, PythonLiteral.Parse("False"));
        Assert.Null(PythonLiteral.Parse("None"));
    }

    [Fact]
    public void Parse_TuplesListsAndDicts()
    {
        Assert.Equal(new object?[] { 1L, 2.5, "x" }, PythonLiteral.Parse("(1, 2.5, 'x')"));
        Assert.Equal(new object?[] { 1L }, PythonLiteral.Parse("(1,)"));
        Assert.Equal(Array.Empty<object?>(), PythonLiteral.Parse("()"));
        Assert.Equal(3L, PythonLiteral.Parse("(3)"));                       // parentheses, not a tuple
        Assert.Equal(new List<object?> { 1L, new List<object?>(), null }, PythonLiteral.Parse("[1, [], None,]"));
        var dict = Assert.IsType<Dictionary<object, object?>>(PythonLiteral.Parse("{1: 'one', 'k': True, 'k': False}"));
        Assert.Equal("one", dict[1L]);
        Assert.Equal(false, dict["k"]);                                       // last duplicate wins
        Assert.Empty(Assert.IsType<Dictionary<object, object?>>(PythonLiteral.Parse("{}")));
    }

    [Theory]
    [InlineData("{'a': 'unterminated}", "at character 7: unterminated string")]
    [InlineData("{'a' 1}", "at character 6: expected ':', got '1'")]
    [InlineData("[1, 2", "at character 6: expected ',' or ']', got the end of the text")]
    [InlineData("{'a', 'b'}", "at character 5: expected ':' (sets are not supported), got ','")]
    [InlineData("datetime(2014)", "at character 1: expected a literal, got the name 'datetime'")]
    [InlineData("'x' 'y'", "at character 5: expected the end of the literal, got '''")]
    [InlineData(@"'\x4'", @"at character 2: expected 2 hex digits (at most 10FFFF) after \x")]
    [InlineData("{[1]: 2}", "at character 2: expected a dict key that is a string, number or bool")]
    public void Parse_Malformed_SaysWhereAndWhat(string text, string expected)
    {
        var error = Assert.Throws<PythonLiteralException>(() => PythonLiteral.Parse(text));
        Assert.Equal(expected, error.Message);
    }
}
