using LayerScope.Data;
using LayerScope.Data.Loaders;
using LayerScope.Errors;
using LayerScope.Testing;

namespace LayerScope.Tests.Data.Loaders;

public class JapaneseVowelsLoaderTests
{
    private const string TrainPath = "japanese-vowels/ae.train";

    private static DataDirectoryChoice Directory =>
        new(Path.GetDirectoryName(Path.GetDirectoryName(TestData.DataFile(TrainPath)))!, DataDirectorySource.CommandLine);

    [DataFact(TrainPath)]
    public void The_training_file_has_270_sequences_30_per_speaker()
    {
        var train = JapaneseVowelsLoader.LoadTrain(Directory);

        Assert.Equal(270, train.Count);
        Assert.Equal(12, train.Features);
        Assert.Equal(9, train.ClassNames.Count);
        Assert.Equal(Enumerable.Repeat(30, 9), train.CountPerClass());
        Assert.All(Enumerable.Range(0, train.Count), i => Assert.InRange(train.Length(i), 7, 29));
        // Speakers are grouped in order.
        Assert.Equal(0, train.Labels[0]);
        Assert.Equal(1, train.Labels[30]);
        Assert.Equal(8, train.Labels[^1]);
    }

    [DataFact("japanese-vowels/ae.test")]
    public void The_test_file_has_370_sequences_with_the_published_speaker_counts()
    {
        var test = JapaneseVowelsLoader.LoadTest(Directory);

        Assert.Equal(370, test.Count);
        Assert.Equal(new[] { 31, 35, 88, 44, 29, 24, 40, 50, 29 }, test.CountPerClass());
        Assert.All(Enumerable.Range(0, test.Count), i => Assert.InRange(test.Length(i), 7, 29));
        Assert.All(test.Sequences, s => Assert.DoesNotContain(s, v => !float.IsFinite(v)));
    }

    [DataFact(TrainPath)]
    public void The_first_frame_holds_the_values_of_the_first_line()
    {
        var train = JapaneseVowelsLoader.LoadTrain(Directory);

        // First line: 1.860936 -0.207383 0.261557 -0.214562 -0.171253 -0.118167 -0.277557 0.025668 0.126701 -0.306756 -0.213076 0.088728
        Assert.Equal(new[] { 1.860936f, -0.207383f, 0.261557f, -0.214562f, -0.171253f, -0.118167f, -0.277557f, 0.025668f, 0.126701f, -0.306756f, -0.213076f, 0.088728f },
            train.Sequences[0][..12]);
    }

    [Fact]
    public void Sequences_end_at_the_line_of_ones_with_crlf_and_blank_lines()
    {
        using var folder = new TemporaryFolder();
        var ones = string.Join(' ', Enumerable.Repeat("1.0", 12));
        File.WriteAllText(folder.File("size"), "1 1 1 1 1 1 1 1 1\r\n");
        // Speaker k utters one sequence of k frames, each frame k k ... k; every sequence is followed by a blank line.
        File.WriteAllText(folder.File("ae.x"), string.Concat(Enumerable.Range(1, 9).Select(k => string.Concat(Enumerable.Repeat($"{Frame(k)}\r\n", k)) + ones + "\r\n\r\n")));

        var data = JapaneseVowelsLoader.Load(folder.File("ae.x"), folder.File("size"));

        Assert.Equal(9, data.Count);
        Assert.Equal(Enumerable.Range(1, 9), Enumerable.Range(0, 9).Select(data.Length));
        Assert.Equal(Enumerable.Range(0, 9), data.Labels);
        Assert.Equal(3.25f, data.Sequences[2][0]);
    }

    [Fact]
    public void A_malformed_line_gives_the_file_and_the_line()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("size"), "1 1 1 1 1 1 1 1 1\r\n");
        File.WriteAllText(folder.File("ae.train"), $"{Frame(1)}\r\n{Frame(2)}\r\n0.1 0.2 oops\r\n");

        var error = Assert.Throws<DataFormatException>(() => JapaneseVowelsLoader.Load(folder.File("ae.train"), folder.File("size")));

        Assert.Contains("ae.train", error.Message);
        Assert.Equal("line 3", error.Field);
        Assert.Contains("0.1 0.2 oops", error.Message);
    }

    [Fact]
    public void A_missing_end_marker_or_wrong_count_is_reported()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("size"), "1 1 1 1 1 1 1 1 1\r\n");
        File.WriteAllText(folder.File("open"), $"{Frame(1)}\r\n{Frame(2)}\r\n");
        var open = Assert.Throws<DataFormatException>(() => JapaneseVowelsLoader.Load(folder.File("open"), folder.File("size")));
        Assert.Equal("line 2", open.Field);
        Assert.Contains("twelve 1.0", open.Message);

        var ones = string.Join(' ', Enumerable.Repeat("1.0", 12));
        File.WriteAllText(folder.File("short"), $"{Frame(1)}\r\n{ones}\r\n");
        var count = Assert.Throws<DataFormatException>(() => JapaneseVowelsLoader.Load(folder.File("short"), folder.File("size")));
        Assert.Contains("9 sequences", count.Message);
    }

    [Fact]
    public void Sizes_whose_sum_passes_32_bits_are_a_count_mismatch_not_an_overflow()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("size"), string.Join(' ', Enumerable.Repeat(int.MaxValue, 9)) + "\n");
        var ones = string.Join(' ', Enumerable.Repeat("1.0", 12));
        File.WriteAllText(folder.File("one"), $"{Frame(1)}\n{ones}\n");

        var error = Assert.Throws<DataFormatException>(() => JapaneseVowelsLoader.Load(folder.File("one"), folder.File("size")));

        Assert.Equal("sequence count", error.Field);
        Assert.Contains($"{9L * int.MaxValue} sequences", error.Message);
    }

    /// <summary>A line of twelve equal values k + 0.25 (never the end marker 1.0).</summary>
    private static string Frame(int k) => string.Join(' ', Enumerable.Repeat((k + 0.25).ToString(System.Globalization.CultureInfo.InvariantCulture), 12));
}
