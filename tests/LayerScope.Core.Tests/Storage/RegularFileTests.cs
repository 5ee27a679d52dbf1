using LayerScope.Errors;
using LayerScope.Storage;
using LayerScope.Testing;

namespace LayerScope.Tests.Storage;

public sealed class RegularFileTests
{
    [Fact]
    public void A_regular_file_opens_and_reads()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("a.json"), "[1]");

        using var stream = RegularFile.OpenRead(folder.File("a.json"), "run.json", "columns[0].file");

        Assert.Equal("[1]", new StreamReader(stream).ReadToEnd());
    }

    [UnixFact]
    public async Task A_fifo_is_refused_at_once_naming_the_field_that_named_it()
    {
        using var folder = new TemporaryFolder();
        var fifo = folder.File("scores.npy");
        UnixFactAttribute.MakeFifo(fifo);

        // A plain open waits for a writer forever; the test would time out instead of failing.
        var open = Task.Run(() => RegularFile.OpenRead(fifo, "run.json", "arrays.scores.file"));
        var error = await Assert.ThrowsAsync<DataFormatException>(() => open.WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Equal("run.json", error.File);
        Assert.Equal("arrays.scores.file", error.Field);
        Assert.Contains("a FIFO", error.Actual, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_and_a_missing_file_are_refused_by_name()
    {
        using var folder = new TemporaryFolder();
        Directory.CreateDirectory(folder.File("sub"));

        var isFolder = Assert.Throws<DataFormatException>(() => RegularFile.OpenRead(folder.File("sub"), "run.json", "inputs.file"));
        var missing = Assert.Throws<DataFormatException>(() => RegularFile.OpenRead(folder.File("none.npy"), "run.json", "inputs.file"));

        Assert.Contains("a folder", isFolder.Actual, StringComparison.Ordinal);
        Assert.Contains("no such file", missing.Actual, StringComparison.Ordinal);
    }
}
