using LayerScope.Text;

namespace LayerScope.Tests.Text;

public class CharacterContextFeaturesTests
{
    /// <summary>One letter per character: c code, s string, m comment.</summary>
    private static string Contexts(string text) => new(CharacterContextFeatures.Compute(text).Context
        .Select(c => c switch { CharacterContext.Code => 'c', CharacterContext.StringLiteral => 's', _ => 'm' }).ToArray());

    private static string Digits(int[] values) => string.Concat(values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Quotes_are_strings_from_the_opening_to_the_closing_mark()
    {
        Assert.Equal("ccccsssssc", Contexts("x = \"a{b\";"));
        Assert.Equal("cssssc", Contexts("(\"\\\"\")")); // an escaped quote does not close the string
    }

    [Fact]
    public void An_apostrophe_in_prose_is_not_a_string_but_a_character_literal_is()
    {
        Assert.Equal(new string('c', 11), Contexts("don't stop."));
        Assert.Equal("ccccssssc", Contexts("c = '\\n';"));
        Assert.Equal("ccccsssc", Contexts("c = '\"';"));
    }

    [Fact]
    public void Raw_strings_run_to_the_same_number_of_quotes_across_lines()
    {
        var text = "x\"\"\"\na \"b\" {\n\"\"\"y";
        Assert.Equal("c" + new string('s', text.Length - 2) + "c", Contexts(text));
        Assert.All(CharacterContextFeatures.Compute(text).BraceDepth, d => Assert.Equal(0, d));
    }

    [Fact]
    public void Comments_run_to_the_line_end_or_the_closing_marker()
    {
        Assert.Equal("ccmmmmmmcc", Contexts("a // b {\nc"));
        Assert.Equal("cmmmmmmmmmc", Contexts("a/* \" { */b"));
    }

    [Fact]
    public void Depths_count_brackets_outside_strings_and_comments_after_each_character()
    {
        var features = CharacterContextFeatures.Compute("{ f(a[1], \"{(\") } // {");
        Assert.Equal("1111111111111111000000", Digits(features.BraceDepth));
        Assert.Equal("0001111111111100000000", Digits(features.ParenDepth));
        Assert.Equal("0000011000000000000000", Digits(features.BracketDepth));
        var nesting = features.All().Single(f => f.Name == "nesting depth").Values;
        Assert.Equal(3, nesting[5]); // inside {, ( and [
        Assert.Equal(0, features.BraceDepth[^1]); // the brace in the comment does not count
    }

    [Fact]
    public void Unbalanced_closers_do_not_go_below_zero()
    {
        Assert.Equal("0010", Digits(CharacterContextFeatures.Compute("}}{}").BraceDepth));
    }

    [Fact]
    public void Position_in_line_counts_from_the_last_line_break()
    {
        Assert.Equal([1, 2, 0, 1, 2, 0, 0, 1], CharacterContextFeatures.Compute("ab\ncd\n\ne").PositionInLine);
    }

    [Fact]
    public void Word_starts_are_the_first_letter_digit_or_underscore_of_a_run()
    {
        var starts = CharacterContextFeatures.Compute("hi there_x 2b.c").WordStart;
        Assert.Equal([0, 3, 11, 14], Enumerable.Range(0, starts.Length).Where(i => starts[i]));
    }

    [Fact]
    public void Sentence_ends_are_stops_followed_by_space_or_the_end()
    {
        var ends = CharacterContextFeatures.Compute("Go. Now! x.y ok? (a.b) \"Yes.\" Fine.").SentenceEnd;
        Assert.Equal([2, 7, 15, 34], Enumerable.Range(0, ends.Length).Where(i => ends[i]));
    }

    [Fact]
    public void Every_feature_has_one_value_per_character()
    {
        var text = "class A { string s = \"x\"; } // done.\n";
        var all = CharacterContextFeatures.Compute(text).All();
        Assert.Equal(["in string", "in comment", "brace depth", "paren depth", "bracket depth", "nesting depth", "position in line", "word start", "sentence end"],
            all.Select(f => f.Name));
        Assert.All(all, f => Assert.Equal(text.Length, f.Values.Length));
    }
}
