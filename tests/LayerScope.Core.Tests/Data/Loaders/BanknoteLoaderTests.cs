using LayerScope.Data;
using LayerScope.Data.Loaders;
using LayerScope.Errors;
using LayerScope.Testing;

namespace LayerScope.Tests.Data.Loaders;

public class BanknoteLoaderTests
{
    private const string RelativePath = "banknote/data_banknote_authentication.txt";

    [DataFact(RelativePath)]
    public void The_uci_file_has_1372_rows_762_genuine_and_610_forged()
    {
        var table = BanknoteLoader.Load(TestData.DataFile(RelativePath));

        Assert.Equal(1372, table.Rows);
        Assert.Equal(4, table.Columns);
        Assert.Equal(new[] { 762, 610 }, table.CountPerClass());
        Assert.Equal(new[] { "variance", "skewness", "curtosis", "entropy" }, table.FeatureNames);
        Assert.Equal(new[] { "genuine", "forged" }, table.ClassNames);
    }

    [DataFact(RelativePath)]
    public void The_first_row_holds_the_values_of_the_first_line()
    {
        // First line of the file: 3.6216,8.6661,-2.8073,-0.44699,0
        var table = BanknoteLoader.Load(TestData.DataFile(RelativePath));

        Assert.Equal(new[] { 3.6216f, 8.6661f, -2.8073f, -0.44699f }, table.Row(0).ToArray());
        Assert.Equal(0, table.Labels[0]);
    }

    [DataFact(RelativePath)]
    public void Loading_through_the_data_directory_finds_the_file_in_its_folder()
    {
        var directory = Path.GetDirectoryName(Path.GetDirectoryName(TestData.DataFile(RelativePath)))!;

        var table = BanknoteLoader.Load(new DataDirectoryChoice(directory, DataDirectorySource.CommandLine));

        Assert.Equal(1372, table.Rows);
    }

    [DataFact(RelativePath)]
    public void A_30_percent_split_has_412_test_rows_and_keeps_every_row_once()
    {
        var table = BanknoteLoader.Load(TestData.DataFile(RelativePath));

        var (train, test) = table.Split(0.3, seed: 7);

        Assert.Equal(412, test.Rows);
        Assert.Equal(960, train.Rows);
        Assert.Equal(table.CountPerClass().Sum(), train.CountPerClass().Sum() + test.CountPerClass().Sum());
        Assert.Equal(new[] { 762, 610 }, train.CountPerClass().Zip(test.CountPerClass(), (a, b) => a + b));
    }

    [Theory]
    [InlineData("1.0,2.0,3.0,4.0", "line 2")]
    [InlineData("1.0,2.0,3.0,4.0,2", "line 2")]
    [InlineData("1.0,2.0,x,4.0,0", "line 2")]
    [InlineData("1.0;2.0;3.0;4.0;0", "line 2")]
    [InlineData("1.0,2.0,3.0,4.0,0.5", "line 2")]
    [InlineData("1.0,NaN,3.0,4.0,1", "line 2")]
    public void A_malformed_line_is_refused_naming_file_and_line(string badLine, string field)
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("banknote.txt");
        File.WriteAllText(path, $"3.6216,8.6661,-2.8073,-0.44699,0\n{badLine}\n4.5459,8.1674,-2.4586,-1.4621,1\n");

        var error = Assert.Throws<DataFormatException>(() => BanknoteLoader.Load(path));

        Assert.Equal(path, error.File);
        Assert.Equal(field, error.Field);
        Assert.Contains("5 comma-separated numbers (variance, skewness, curtosis, entropy, class 0 or 1)", error.Message);
        Assert.Contains($"'{badLine}'", error.Message);
    }

    [Fact]
    public void A_long_malformed_line_is_shown_truncated()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("banknote.txt");
        File.WriteAllText(path, new string('9', 500) + "\n");

        var error = Assert.Throws<DataFormatException>(() => BanknoteLoader.Load(path));

        Assert.Equal("line 1", error.Field);
        Assert.True(error.Actual.Length < 80, error.Actual);
        Assert.EndsWith("...'", error.Actual);
    }

    [Fact]
    public void Blank_lines_and_crlf_line_ends_are_accepted()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("banknote.txt");
        File.WriteAllText(path, "1,2,3,4,0\r\n\r\n-1.5, 2.5, 3, 4, 1\r\n\r\n");

        var table = BanknoteLoader.Load(path);

        Assert.Equal(2, table.Rows);
        Assert.Equal(new[] { -1.5f, 2.5f, 3f, 4f }, table.Row(1).ToArray());
        Assert.Equal(new[] { 0, 1 }, table.Labels);
        Assert.Equal(path, table.Source);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("banknote.txt");
        File.WriteAllText(path, "");

        var error = Assert.Throws<DataFormatException>(() => BanknoteLoader.Load(path));

        Assert.Contains("an empty file", error.Message);
    }

    [Fact]
    public void A_missing_data_directory_file_says_how_to_download_it()
    {
        using var folder = new TemporaryFolder();

        var error = Assert.Throws<LayerScopeException>(
            () => BanknoteLoader.Load(new DataDirectoryChoice(folder.Path, DataDirectorySource.UserCache)));

        Assert.Contains("layerscope data download banknote", error.Message);
    }

    [Fact]
    public void A_file_of_one_row_is_refused_when_split_saying_how_many_rows_are_needed()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("one-row.txt");
        File.WriteAllText(path, "3.6216,8.6661,-2.8073,-0.44699,0\n");
        var table = BanknoteLoader.Load(path);

        var error = Assert.Throws<LayerScopeException>(() => table.Split(0.25, seed: 1));

        Assert.Contains("one-row.txt", error.Message);
        Assert.Contains("need at least 2 rows", error.Message);
        Assert.Contains("found 1", error.Message);
    }
}
