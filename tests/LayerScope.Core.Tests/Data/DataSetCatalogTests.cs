using LayerScope.Data;
using LayerScope.Errors;
using LayerScope.Testing;

namespace LayerScope.Tests.Data;

public class DataSetCatalogTests
{
    [Fact]
    public void Every_file_has_an_https_or_http_url_and_a_sha256()
    {
        Assert.All(DataSetCatalog.All.SelectMany(d => d.Files), file =>
        {
            Assert.Matches("^[0-9a-f]{64}$", file.Sha256);
            Assert.Contains(file.Url.Scheme, new[] { "https", "http" });
            Assert.EndsWith(file.FileName, file.Url.AbsolutePath);
        });
    }

    [Fact]
    public void Data_sets_are_found_by_name_ignoring_case()
    {
        Assert.Same(DataSetCatalog.JapaneseVowels, DataSetCatalog.Get("Japanese-Vowels"));
        var error = Assert.Throws<LayerScopeException>(() => DataSetCatalog.Get("mnist"));
        Assert.Contains("banknote, japanese-vowels, fashion-mnist, tinyshakespeare, imdb", error.Message);
    }

    [Fact]
    public void A_missing_file_names_the_folder_the_setting_and_how_to_get_it()
    {
        using var folder = new TemporaryFolder();
        var choice = new DataDirectoryChoice(folder.Path, DataDirectorySource.EnvironmentVariable);

        var error = Assert.Throws<LayerScopeException>(
            () => DataSetCatalog.Banknote.FindFile("data_banknote_authentication.txt", choice));

        Assert.Contains(folder.Path, error.Message);
        Assert.Contains("LAYERSCOPE_DATA environment variable", error.Message);
        Assert.Contains("`layerscope data download banknote`", error.Message);
        Assert.Contains("https://archive.ics.uci.edu/ml/machine-learning-databases/00267/data_banknote_authentication.txt", error.Message);
        Assert.Contains(Path.Combine(folder.Path, "banknote", "data_banknote_authentication.txt"), error.Message);
    }

    [Fact]
    public void A_present_file_is_found_in_the_data_sets_folder()
    {
        using var folder = new TemporaryFolder();
        var expected = Path.Combine(folder.Path, "tinyshakespeare", "input.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(expected)!);
        File.WriteAllText(expected, "First Citizen:");

        var found = DataSetCatalog.TinyShakespeare.FindFile("input.txt", new DataDirectoryChoice(folder.Path, DataDirectorySource.CommandLine));

        Assert.Equal(expected, found);
    }

    [DataFact("banknote/data_banknote_authentication.txt")]
    public void The_shared_data_folder_matches_the_catalog_checksums()
    {
        var directory = Path.GetDirectoryName(Path.GetDirectoryName(TestData.DataFile("banknote/data_banknote_authentication.txt")))!;
        foreach (var dataSet in DataSetCatalog.All)
            foreach (var file in dataSet.Files)
            {
                var path = dataSet.PathIn(directory, file.FileName);
                if (!File.Exists(path)) continue;
                using var stream = File.OpenRead(path);
                Assert.Equal(file.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)));
            }
    }
}
