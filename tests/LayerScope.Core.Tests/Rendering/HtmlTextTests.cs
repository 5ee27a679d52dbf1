using LayerScope.Rendering.Html;

namespace LayerScope.Tests.Rendering;

public sealed class HtmlTextTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;")]
    [InlineData("a & b", "a &amp; b")]
    [InlineData("\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;")]
    [InlineData("&amp;", "&amp;amp;")]
    public void Escape_replaces_the_five_special_characters(string text, string expected)
    {
        Assert.Equal(expected, HtmlText.Escape(text));
    }

    [Fact]
    public void Attribute_escapes_quotes_and_keeps_the_value_on_one_line()
    {
        Assert.Equal("x&quot; onerror=&quot;alert(1)&#10;&#39;", HtmlText.Attribute("x\" onerror=\"alert(1)\n'"));
    }
}
