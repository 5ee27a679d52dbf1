using LayerScope.Data.Loaders;
using LayerScope.Data.Reviews;
using LayerScope.Errors;
using LayerScope.Testing;
using static LayerScope.Tests.Storage.Pickle.RestrictedUnpicklerTests;

namespace LayerScope.Tests.Data.Loaders;

public class KerasImdbLoaderTests
{
    [Fact]
    public void An_npz_written_by_numpy_gives_the_reviews_spelled_with_the_word_index_and_their_labels()
    {
        var corpus = KerasImdbLoader.Load(Fixture("tiny_imdb.npz"), Fixture("tiny_imdb_word_index.json"));

        Assert.Equal(3, corpus.Train.Count);
        Assert.Equal(new MovieReview(0, 1, null, "the movie was great"), corpus.Train[0]);
        Assert.Equal(new MovieReview(1, 1, null, "i loved it"), corpus.Train[1]);
        Assert.Equal(0, corpus.Train[2].Label);
        Assert.EndsWith("awful awful rare don't 10", corpus.Train[2].Text);
        Assert.Equal(306, corpus.Train[2].Text.Split(' ').Length);
        Assert.Equal([new MovieReview(0, 1, null, "i don't loved it"), new MovieReview(1, 0, null, "movie")], corpus.Test);
    }

    [Fact]
    public void An_npz_whose_pickle_calls_os_system_is_refused_naming_the_file_and_the_entry()
    {
        var path = Fixture("malicious_imdb.npz");

        var error = Assert.Throws<UnsafePickleException>(() => KerasImdbLoader.Load(path, Fixture("tiny_imdb_word_index.json")));

        Assert.Equal(path, error.File);
        Assert.Equal("entry x_train.npy", error.Entry);
        Assert.Equal("global os.system", error.Refused);
    }

    [Fact]
    public void A_rank_missing_from_the_word_index_is_a_format_error_naming_the_review()
    {
        using var folder = new TemporaryFolder();
        var index = Path.Combine(folder.Path, "imdb_word_index.json");
        File.WriteAllText(index, """{"the": 1, "movie": 2, "was": 3, "great": 4, "awful": 5, "i": 6, "loved": 7, "it": 8, "don't": 9, "10": 10}""");

        var error = Assert.Throws<DataFormatException>(() => KerasImdbLoader.Load(Fixture("tiny_imdb.npz"), index));

        Assert.Equal("entry x_train.npy, review 2, word 303", error.Field);
        Assert.Equal("70000", error.Actual);
    }
}
