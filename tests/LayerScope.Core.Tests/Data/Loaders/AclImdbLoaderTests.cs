using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using LayerScope.Data;
using LayerScope.Data.Loaders;
using LayerScope.Data.Reviews;
using LayerScope.Errors;
using LayerScope.Testing;
using Xunit.Abstractions;

namespace LayerScope.Tests.Data.Loaders;

public class AclImdbLoaderTests(ITestOutputHelper output)
{
    private const string SharedArchive = "imdb/aclImdb-labeled.tar.gz";

    [DataFact(SharedArchive)]
    public void The_real_archive_streams_25000_reviews_per_split_half_of_each_class_with_ratings_from_the_file_names()
    {
        var watch = Stopwatch.StartNew();
        var corpus = AclImdbLoader.LoadArchive(TestData.DataFile(SharedArchive));
        output.WriteLine($"50,000 reviews streamed from the tar.gz in {watch.Elapsed.TotalSeconds:0.00} s");

        foreach (var split in new[] { corpus.Train, corpus.Test })
        {
            Assert.Equal(25_000, split.Count);
            Assert.Equal(12_500, split.Count(r => r.Label == MovieReview.Positive));
            Assert.All(split, r => Assert.True(r.Label == MovieReview.Positive ? r.Rating is >= 7 and <= 10 : r.Rating is >= 1 and <= 4, $"review {r.Id}: rating {r.Rating}"));
            Assert.Equal(Enumerable.Range(0, 12_500), split.Where(r => r.Label == MovieReview.Negative).Select(r => r.Id));
        }
        // test/neg/0_2.txt, train/neg/0_3.txt and train/pos/10000_8.txt of the published data.
        var first = corpus.Test[0];
        Assert.Equal((0, MovieReview.Negative, (int?)2), (first.Id, first.Label, first.Rating));
        Assert.StartsWith("Once again Mr. Costner has dragged out a movie for far longer than necessary.", first.Text);
        Assert.StartsWith("Story of a man who has unnatural feelings for a pig.", corpus.Train[0].Text);
        var homeless = corpus.Train.Single(r => r.Label == MovieReview.Positive && r.Id == 10000);
        Assert.Equal(8, homeless.Rating);
        Assert.StartsWith("Homelessness (or Houselessness as George Carlin stated)", homeless.Text);
        Assert.Contains(corpus.Train, r => r.Text.Contains("<br /><br />", StringComparison.Ordinal));
    }

    [Fact]
    public void Archive_gzip_archive_and_extracted_folder_give_the_same_reviews_and_skip_unlabelled_and_bag_of_words_files()
    {
        using var folder = new TemporaryFolder();
        var files = SmallDataSet();
        var extracted = Path.Combine(folder.Path, "extracted");
        foreach (var (name, text) in files)
        {
            var path = Path.Combine(extracted, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text, new UTF8Encoding(false));
        }
        var tarGz = Path.Combine(folder.Path, "aclImdb_v1.tar.gz");
        WriteArchive(tarGz, files, gzip: true);
        var tar = Path.Combine(folder.Path, "aclImdb.tar");
        WriteArchive(tar, files, gzip: false);

        var fromArchive = AclImdbLoader.Load(tarGz);
        var fromTar = AclImdbLoader.Load(tar);
        var fromParent = AclImdbLoader.Load(extracted);
        var fromFolder = AclImdbLoader.LoadFolder(Path.Combine(extracted, "aclImdb"));

        Assert.Equal(
            [new MovieReview(2, 0, 3, "Dull.<br /><br />Really dull."), new MovieReview(10, 0, 1, "Awful, ça va pas."), new MovieReview(1, 1, 9, "Great fun!")],
            fromArchive.Train);
        Assert.Equal([new MovieReview(0, 0, 4, "Meh."), new MovieReview(0, 1, 10, "Loved it.")], fromArchive.Test);
        foreach (var other in new[] { fromTar, fromParent, fromFolder })
        {
            Assert.Equal(fromArchive.Train, other.Train);
            Assert.Equal(fromArchive.Test, other.Test);
        }
    }

    [Fact]
    public void The_data_directory_is_searched_for_the_archive_and_a_missing_one_says_how_to_download_it()
    {
        using var folder = new TemporaryFolder();
        var choice = new DataDirectoryChoice(folder.Path, DataDirectorySource.CommandLine);
        var missing = Assert.Throws<LayerScopeException>(() => AclImdbLoader.Load(choice));
        Assert.Contains("`layerscope data download imdb`", missing.Message);
        Assert.Contains("https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz", missing.Message);

        Directory.CreateDirectory(Path.Combine(folder.Path, "imdb"));
        WriteArchive(Path.Combine(folder.Path, "imdb", "aclImdb-labeled.tar.gz"), SmallDataSet(), gzip: true);
        Assert.Equal(3, AclImdbLoader.Load(choice).Train.Count);
    }

    [Theory]
    [InlineData("aclImdb/train/pos/3_2.txt", "a rating of 7 to 10 for a review in pos/", "2")]
    [InlineData("aclImdb/train/neg/7.txt", "ID_RATING.txt", "'7.txt'")]
    [InlineData("aclImdb/test/neg/x_2.txt", "ID_RATING.txt", "'x_2.txt'")]
    [InlineData("aclImdb/train/neg/2_3.txt", "each review id once", "a second review 2")]
    public void A_malformed_review_file_name_is_refused_with_the_archive_and_the_entry(string name, string expected, string found)
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "bad.tar.gz");
        WriteArchive(path, [.. SmallDataSet(), (name, "text")], gzip: true);

        var error = Assert.Throws<DataFormatException>(() => AclImdbLoader.Load(path));

        Assert.Equal(path, error.File);
        Assert.Contains(name.Split('/')[^1], error.Field);
        Assert.Contains(expected, error.Expected);
        Assert.Contains(found, error.Actual);
    }

    [Fact]
    public void A_file_that_is_not_a_tar_archive_and_a_review_that_is_not_utf8_are_format_errors()
    {
        using var folder = new TemporaryFolder();
        var notTar = Path.Combine(folder.Path, "aclImdb_v1.tar.gz");
        using (var gzip = new GZipStream(File.Create(notTar), CompressionLevel.Fastest))
            gzip.Write(Encoding.ASCII.GetBytes(new string('x', 2000)));
        var error = Assert.Throws<DataFormatException>(() => AclImdbLoader.Load(notTar));
        Assert.Equal(notTar, error.File);

        var latin1 = Path.Combine(folder.Path, "latin1", "aclImdb", "test", "neg", "5_1.txt");
        foreach (var (name, text) in SmallDataSet())
        {
            var path = Path.Combine(folder.Path, "latin1", name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
        File.WriteAllBytes(latin1, [0x63, 0xe7, 0x61]);
        var notUtf8 = Assert.Throws<DataFormatException>(() => AclImdbLoader.Load(Path.Combine(folder.Path, "latin1")));
        Assert.Equal(latin1, notUtf8.File);
        Assert.Contains("UTF-8", notUtf8.Expected);
    }

    /// <summary>Five labelled reviews in the original layout, with the extras the original archive also holds.</summary>
    internal static List<(string Name, string Text)> SmallDataSet() =>
    [
        ("aclImdb/README", "Large Movie Review Dataset v1.0"),
        ("aclImdb/imdb.vocab", "the\nand\n"),
        ("aclImdb/train/labeledBow.feat", "9 0:1 1:2\n"),
        ("aclImdb/train/urls_pos.txt", "http://www.imdb.com/title/tt0453418/usercomments\n"),
        ("aclImdb/train/pos/1_9.txt", "Great fun!"),
        ("aclImdb/train/neg/10_1.txt", "Awful, ça va pas."),
        ("aclImdb/train/neg/2_3.txt", "Dull.<br /><br />Really dull."),
        ("aclImdb/train/unsup/0_0.txt", "Unlabelled."),
        ("aclImdb/test/pos/0_10.txt", "Loved it."),
        ("aclImdb/test/neg/0_4.txt", "Meh."),
    ];

    internal static void WriteArchive(string path, IEnumerable<(string Name, string Text)> files, bool gzip)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        using var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var folder in files.Select(f => Path.GetDirectoryName(f.Name)!.Replace('\\', '/')).Distinct())
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, folder + "/"));
        foreach (var (name, text) in files)
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(new UTF8Encoding(false).GetBytes(text)) });
    }
}
