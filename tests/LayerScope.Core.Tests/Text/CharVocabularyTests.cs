using LayerScope.Text;

namespace LayerScope.Tests.Text;

public class CharVocabularyTests
{
    [Fact]
    public void Known_characters_are_in_ordinal_order_and_round_trip()
    {
        var vocabulary = CharVocabulary.FromText("banana!");
        Assert.Equal(['!', 'a', 'b', 'n'], vocabulary.Characters);
        Assert.Equal(-1, vocabulary.Unknown);
        Assert.Equal("banana!", new string(vocabulary.Encode("banana!").Select(vocabulary.CharAt).ToArray()));
        Assert.Throws<ArgumentException>(() => vocabulary.IndexOf('z'));
    }

    [Fact]
    public void Rare_characters_share_the_unknown_index_when_the_vocabulary_is_capped()
    {
        var vocabulary = CharVocabulary.FromText("aaaabbbcx", maxSize: 3);
        Assert.Equal(['a', 'b'], vocabulary.Characters);
        Assert.Equal(2, vocabulary.Unknown);
        Assert.Equal(3, vocabulary.Size);
        Assert.Equal([0, 1, 2, 2], vocabulary.Encode("abcx"));
        Assert.Equal(CharVocabulary.UnknownCharacter, vocabulary.CharAt(2));
    }
}
