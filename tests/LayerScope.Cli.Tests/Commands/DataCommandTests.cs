using System.Security.Cryptography;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Commands;

public class DataCommandTests
{
    [DataFact("banknote/data_banknote_authentication.txt")]
    public void Download_from_a_mirror_verifies_the_checksum_and_lands_in_the_data_folder()
    {
        using var server = new LoopbackHttpServer();
        var original = File.ReadAllBytes(TestData.DataFile("banknote/data_banknote_authentication.txt"));
        server.Serve("/mirror/banknote/data_banknote_authentication.txt", original);
        using var folder = new TemporaryFolder();

        var run = CliRun.Of("data", "download", "banknote", "--data", folder.Path, "--mirror", server.Url("/mirror/").ToString());

        Assert.True(run.ExitCode == 0, run.Error);
        var landed = folder.File("banknote/data_banknote_authentication.txt");
        Assert.Equal(SHA256.HashData(original), SHA256.HashData(File.ReadAllBytes(landed)));
        var list = CliRun.Of("data", "list", "--data", folder.Path);
        Assert.Contains("[present] banknote/data_banknote_authentication.txt", list.Output);
        Assert.Contains("[missing] japanese-vowels/ae.train", list.Output);
    }

    [Fact]
    public void Download_with_a_wrong_checksum_fails_and_leaves_no_file()
    {
        using var server = new LoopbackHttpServer();
        server.Serve("/banknote/data_banknote_authentication.txt", "not the banknote data\n"u8.ToArray());
        using var folder = new TemporaryFolder();

        var run = CliRun.Of("data", "download", "banknote", "--data", folder.Path, "--mirror", server.Url("/").ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("SHA-256", run.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(folder.File("banknote/data_banknote_authentication.txt")));
    }

    [Fact]
    public void Unknown_data_set_names_the_known_ones()
    {
        var run = CliRun.Of("data", "download", "banknotes");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("banknote", run.Error);
    }
}
