using System.IO.Compression;
using System.Text.Json;
using LayerScope.Data.Reviews;
using LayerScope.Errors;
using LayerScope.Storage.Npy;
using LayerScope.Storage.Pickle;

namespace LayerScope.Data.Loaders;

/// <summary>
/// Reads Keras' preprocessed copy of the Large Movie Review Dataset: <c>imdb.npz</c> (<c>x_train</c> and
/// <c>x_test</c>: numpy object arrays of Python lists of word ranks, 1 being the most frequent word; <c>y_train</c> and
/// <c>y_test</c>: 0/1 labels) and <c>imdb_word_index.json</c> (word → rank). The object arrays are pickles; they are
/// read by <see cref="RestrictedUnpickler"/>, which accepts nothing but such arrays. Reviews come back as their words
/// joined by spaces, in the file's order, with no rating (the npz keeps none) and their position as id; Keras'
/// own <c>load_data</c> shuffles them and adds its start and offset indices, which this loader does not.
/// </summary>
public static class KerasImdbLoader
{
    /// <summary>Keras' file of word ranks.</summary>
    public const string ArchiveFile = "imdb.npz";

    /// <summary>Keras' word index.</summary>
    public const string WordIndexFile = "imdb_word_index.json";

    /// <summary>Reads <paramref name="npzPath"/> and spells its reviews with <paramref name="wordIndexPath"/>.</summary>
    /// <exception cref="UnsafePickleException">An object array's pickle names anything but numpy's array
    /// reconstruction (nothing is run).</exception>
    /// <exception cref="DataFormatException">A file is malformed, an array is missing, the counts disagree, a label is
    /// not 0 or 1, or a review holds a rank the word index does not have.</exception>
    public static ReviewCorpus Load(string npzPath, string wordIndexPath)
    {
        ArgumentNullException.ThrowIfNull(npzPath);
        ArgumentNullException.ThrowIfNull(wordIndexPath);
        var words = ReadWordIndex(wordIndexPath);
        var (xTrain, yTrain, xTest, yTest) = ReadArrays(npzPath);
        return new ReviewCorpus(
            Reviews(xTrain, yTrain, words, npzPath, "x_train"),
            Reviews(xTest, yTest, words, npzPath, "x_test"),
            npzPath);
    }

    /// <summary>The words by rank (index 0 unused), from a JSON object of word → rank.</summary>
    public static string[] ReadWordIndex(string path)
    {
        Dictionary<string, long>? index;
        try
        {
            using var stream = File.OpenRead(path);
            index = JsonSerializer.Deserialize<Dictionary<string, long>>(stream);
        }
        catch (JsonException error)
        {
            throw new DataFormatException(path, error.Path is { Length: > 0 } at ? at : "the JSON document",
                "a JSON object of word → rank (a whole number from 1)", $"unreadable JSON ({error.Message})");
        }
        if (index is null || index.Count == 0)
            throw new DataFormatException(path, "the JSON document", "a JSON object of word → rank", "no words");
        var largest = index.Values.Max();
        if (index.Values.Min() < 1 || largest > 10_000_000)
            throw new DataFormatException(path, "ranks", "ranks from 1 to at most 10,000,000", $"ranks {index.Values.Min()} to {largest}");
        var words = new string[largest + 1];
        foreach (var (word, rank) in index)
        {
            if (words[rank] is { } other)
                throw new DataFormatException(path, $"rank {rank}", "each rank for one word", $"'{other}' and '{word}'");
            words[rank] = word;
        }
        return words;
    }

    private static (IReadOnlyList<int[]>, long[], IReadOnlyList<int[]>, long[]) ReadArrays(string path)
    {
        ZipArchive zip;
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read);
        }
        catch (InvalidDataException error)
        {
            file.Dispose();
            throw new DataFormatException(path, "zip directory", "an .npz file (a zip archive of .npy files)", error.Message);
        }
        using (zip)
        {
            ZipArchiveEntry Entry(string name) => zip.GetEntry(name + ".npy")
                ?? throw new DataFormatException(path, $"entry {name}.npy", "the arrays x_train, y_train, x_test and y_test of Keras' imdb.npz",
                    $"entries {string.Join(", ", zip.Entries.Select(e => e.FullName))}");
            try
            {
                return (ObjectArray(Entry("x_train"), path), Labels(Entry("y_train"), path), ObjectArray(Entry("x_test"), path), Labels(Entry("y_test"), path));
            }
            catch (InvalidDataException error)
            {
                throw new DataFormatException(path, "compressed data", "readable zip entries", error.Message);
            }
        }
    }

    private static IReadOnlyList<int[]> ObjectArray(ZipArchiveEntry entry, string path)
    {
        var source = $"{path} (entry {entry.FullName})";
        using var stream = entry.Open();
        var length = NpyReader.ReadObjectArrayHeader(stream, source);
        using var pickle = new MemoryStream();
        stream.CopyTo(pickle);
        var lists = RestrictedUnpickler.ReadIntListArray(pickle.GetBuffer().AsSpan(0, (int)pickle.Length), path, $"entry {entry.FullName}");
        if (lists.Count != length)
            throw new DataFormatException(source, "pickle", $"{length} reviews, as the header's shape says", $"{lists.Count}");
        return lists;
    }

    private static long[] Labels(ZipArchiveEntry entry, string path)
    {
        using var stream = entry.Open();
        var array = NpyReader.Read(stream, $"{path} (entry {entry.FullName})");
        if (array.Rank != 1)
            throw new DataFormatException($"{path} (entry {entry.FullName})", "shape", "one label per review (1-D)", $"{array.Rank} dimensions");
        return array.ToInt64();
    }

    private static MovieReview[] Reviews(IReadOnlyList<int[]> ranks, long[] labels, string[] words, string path, string name)
    {
        var labelsName = "y" + name[1..];
        if (labels.Length != ranks.Count)
            throw new DataFormatException(path, $"entry {labelsName}.npy", $"{ranks.Count} labels, one per review of {name}", $"{labels.Length}");
        var reviews = new MovieReview[ranks.Count];
        for (var i = 0; i < reviews.Length; i++)
        {
            if (labels[i] is not (0 or 1))
                throw new DataFormatException(path, $"entry {labelsName}.npy, label {i}", "0 (negative) or 1 (positive)", $"{labels[i]}");
            var review = ranks[i];
            var spelled = new string[review.Length];
            for (var k = 0; k < review.Length; k++)
            {
                var rank = review[k];
                spelled[k] = rank > 0 && rank < words.Length && words[rank] is { } word
                    ? word
                    : throw new DataFormatException(path, $"entry {name}.npy, review {i}, word {k}", "a rank the word index has", $"{rank}");
            }
            reviews[i] = new MovieReview(i, (int)labels[i], null, string.Join(' ', spelled));
        }
        return reviews;
    }
}
