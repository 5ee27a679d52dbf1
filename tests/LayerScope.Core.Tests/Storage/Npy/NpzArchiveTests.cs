using System.IO.Compression;
using LayerScope.Errors;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Tests.Storage.Npy;

public class NpzArchiveTests
{
    private static Dictionary<string, NpyArray> SampleArrays() => new()
    {
        ["activations"] = NpyArray.Create(Enumerable.Range(0, 600).Select(i => (float)Math.Sin(i)).ToArray(), 200, 3),
        ["labels"] = NpyArray.Create(Enumerable.Range(0, 200).Select(i => (long)(i % 2)).ToArray(), 200),
        ["mask"] = NpyArray.Create(new[] { true, false }, 2),
        ["scalar"] = NpyArray.Create(new[] { 0.5 }),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Arrays_round_trip_with_their_names(bool compress)
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("run.npz");
        var arrays = SampleArrays();

        NpzArchive.Write(path, arrays, compress);
        var read = NpzArchive.Read(path);

        Assert.Equal(arrays.Keys, read.Keys);
        foreach (var (name, array) in arrays)
        {
            Assert.Equal(array.ElementType, read[name].ElementType);
            Assert.Equal(array.Shape, read[name].Shape);
            Assert.Equal(array.Data, read[name].Data);
        }
    }

    [Fact]
    public void Entries_are_named_like_numpy_savez_and_compressed_only_when_asked()
    {
        using var folder = new TemporaryFolder();
        var stored = folder.File("stored.npz");
        var deflated = folder.File("deflated.npz");

        NpzArchive.Write(stored, SampleArrays());
        NpzArchive.Write(deflated, SampleArrays(), compress: true);

        using var storedZip = ZipFile.OpenRead(stored);
        Assert.Equal(new[] { "activations.npy", "labels.npy", "mask.npy", "scalar.npy" }, storedZip.Entries.Select(e => e.FullName));
        Assert.All(storedZip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
        Assert.True(new FileInfo(deflated).Length < new FileInfo(stored).Length);
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_refused_naming_the_file()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("not-a-zip.npz");
        File.WriteAllText(path, "just text");

        var error = Assert.Throws<DataFormatException>(() => NpzArchive.Read(path));

        Assert.Equal(path, error.File);
        Assert.Contains(".npz", error.Message);
    }

    [Fact]
    public void A_bad_entry_is_refused_naming_the_archive_and_the_entry()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("bad.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var entry = zip.CreateEntry("weights.npy").Open())
            entry.Write("not npy"u8);

        var error = Assert.Throws<DataFormatException>(() => NpzArchive.Read(path));

        Assert.Contains(path, error.File);
        Assert.Contains("weights.npy", error.File);
        Assert.Equal("magic", error.Field);
    }
}
