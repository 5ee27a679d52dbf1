using LayerScope.Data.Loaders;
using LayerScope.Errors;
using LayerScope.Testing;
using LayerScope.Text;

namespace LayerScope.Tests.Text;

public class ReviewTextPipelineTests
{
    [Fact]
    public void Tokens_are_lower_case_letters_digits_and_inner_apostrophes_with_line_breaks_removed()
    {
        var words = ReviewTokenizer.Tokenize("It's a 10/10!<br /><br />Don’t MISS it...<BR/>'Great' fun<br>end");

        Assert.Equal(["it's", "a", "10", "10", "don't", "miss", "it", "great", "fun", "end"], words);
        Assert.DoesNotContain("br", ReviewTokenizer.Tokenize("one<br />two"));
        Assert.Equal(["a", "b"], ReviewTokenizer.Tokenize("a<b"));
    }

    [Fact]
    public void Words_are_ranked_by_frequency_with_ties_in_ordinal_order_after_the_four_reserved_indices()
    {
        var vocabulary = WordVocabulary.Build(["b a c a", "c a d"], new WordVocabularyOptions { MaxFeatures = 7 });

        // a ×3, then c ×2, then b and d once each: the tie goes to b (ordinal order); d falls outside 7 indices.
        Assert.Equal(["a", "c", "b"], vocabulary.Words);
        Assert.Equal([3L, 2, 1], vocabulary.Counts);
        Assert.Equal(7, vocabulary.Size);
        Assert.Equal((4, 5, 6, 2), (vocabulary.IndexOf("a"), vocabulary.IndexOf("c"), vocabulary.IndexOf("b"), vocabulary.IndexOf("d")));
        Assert.Equal([1, 6, 4, 5, 2, 2], vocabulary.Encode("B a C d zebra"));
        Assert.Equal("<START> b a c <UNK> <UNK>", vocabulary.Decode([0, 0, 1, 6, 4, 5, 2, 2]));
        Assert.Equal("<PAD> <START> a", vocabulary.Decode([0L, 1, 4], showPadding: true));
        Assert.Throws<InvalidSettingsException>(() => WordVocabulary.Build([], new WordVocabularyOptions { MaxFeatures = 4 }));
    }

    [Fact]
    public void Sequences_are_truncated_and_padded_at_the_front()
    {
        var block = SequencePadding.PadPre([[1, 5, 6, 7, 8], [1, 9], []], maxLength: 3);

        Assert.Equal([6L, 7, 8, 0, 1, 9, 0, 0, 0], block);
        Assert.Throws<InvalidSettingsException>(() => SequencePadding.PadPre([[1]], 0));
    }

    [DataFact("imdb/aclImdb-labeled.tar.gz")]
    public void The_real_training_split_ranks_the_first_and_a_known_review_encodes_and_decodes_to_its_words()
    {
        var corpus = AclImdbLoader.LoadArchive(TestData.DataFile("imdb/aclImdb-labeled.tar.gz"));
        var vocabulary = WordVocabulary.Build(corpus.Train.Select(r => r.Text));

        Assert.Equal(20_000, vocabulary.Size);
        Assert.Equal(["the", "and", "a", "of", "to"], vocabulary.Words.Take(5));
        Assert.DoesNotContain("br", vocabulary.Words);
        Assert.True(vocabulary.Counts.Zip(vocabulary.Counts.Skip(1)).All(pair => pair.First >= pair.Second), "counts fall with the rank");

        // test/neg/0_2.txt: "Once again Mr. Costner has dragged out a movie for far longer than necessary. ..."
        var encoded = vocabulary.Encode(corpus.Test[0].Text);
        Assert.Equal(WordVocabulary.Start, encoded[0]);
        Assert.Equal(WordVocabulary.FirstWord + 2, encoded[8]); // "a", the third most frequent word
        Assert.StartsWith("<START> once again mr costner has dragged out a movie for far longer than necessary", vocabulary.Decode(encoded));
        var padded = SequencePadding.PadPre([encoded], 100);
        Assert.Equal(vocabulary.Decode(encoded.AsSpan(encoded.Length - 100)), vocabulary.Decode(padded));
        Assert.All(corpus.Train.Take(200), review => Assert.All(vocabulary.Encode(review.Text), index => Assert.InRange(index, 1, 19_999)));
    }
}
